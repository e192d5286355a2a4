"""Who handed in a submission: a student's folder, named once, or a loose file's name.

A file lies in a student's folder (:meth:`Namer.owner`) when its path shows one, inside the
folder searched (``lessonkit grade /home`` finds ``/home/jupyter-alice/...``):

1. a hub home folder ``jupyter-<user>`` (The Littlest JupyterHub) or nbgrader's exchange
   folder ``<user>+<assignment>+<timestamp>``;
2. nbgrader's ``submitted/<student>/<assignment>/<file>``;
3. a folder per student (``alice/00-start-here.ipynb``) when the file has a name every
   student's copy shares: a lesson's own file name, the record's default
   ``lessonkit-record-<lesson>.json``, or a name found in more than one folder. The student's
   folder is then the first level inside the folder searched at which those copies differ
   (``alice/lessonkit/00-start-here.ipynb`` is alice's), and any other file in that folder is
   the same student's; a lone such file is named by the folder it is in (``lessonkit grade alice/``).

Everything in a student's folder is that student's work, named once
(:func:`folder_names`): the name set with ``set_name`` (the profile's, else the records'),
else the hub user name, else the folder's name. A loose file is named by the record's
``student`` field, else the name its path gives, else its file name; a record that disagrees
with its path keeps the record's name and says so in ``problem``.

Names are compared by :func:`comparable`: Unicode NFKC, invisible format characters removed,
case folded, then Unicode's confusable skeleton (UTS #39, see
:mod:`lessonkit.teacher.grading.confusable`). Two names that compare equal but are written
differently ("carol" and "саrol" with a Cyrillic "а", "sam" and "sarn") are flagged, never merged.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

MAX_NAME = 100

# The Littlest JupyterHub names a user's home folder jupyter-<user>; nbgrader's exchange
# names a submission folder <user>+<assignment>+<timestamp>[+<random>].
_HUB_HOME = re.compile(r"jupyter-(.+)")
_EXCHANGE = re.compile(r"([^+]+)\+[^+]+\+[^+]+(\+[^+]*)?")
# Folders lessonkit itself writes (editions, exports): a file lying in one is named by nobody.
_OWN_FOLDERS = frozenset({"editions", "student", "teacher", "nbgrader", "exports", "printable"})
_NBGRADER = ("submitted", "autograded")


def clean(name: Any) -> str:
    """A name fit to show: printable characters, single spaces, at most MAX_NAME characters.

    >>> clean("  ana\\n  li ")
    'ana li'
    """
    text = "".join(ch if ch.isprintable() else " " for ch in str(name) if unicodedata.category(ch) != "Cf")
    return " ".join(text.split())[:MAX_NAME] or "(no name)"


def comparable(name: str) -> str:
    """The form two names are compared in (see :func:`lessonkit.teacher.grading.confusable.name_key`).

    >>> comparable("Carol") == comparable("carol") == comparable("саrol") == comparable("ｃａｒｏｌ")
    True
    >>> comparable("carol") == comparable("karol")
    False
    """
    from .confusable import name_key

    return name_key(name)


def scripts(name: str) -> list[str]:
    """The writing systems of a name's letters, e.g. ['CYRILLIC', 'LATIN'].

    >>> scripts("саrol")
    ['CYRILLIC', 'LATIN']
    """
    found = set()
    for ch in unicodedata.normalize("NFKC", name):
        if ch.isalpha():
            found.add(unicodedata.name(ch, "UNKNOWN").split()[0])
    return sorted(found)


_LOOK_ALIKE_SCRIPTS = {"LATIN", "CYRILLIC", "GREEK", "ARMENIAN"}


def mixed_scripts_note(name: str) -> str:
    """A sentence when one word of a name mixes Latin, Cyrillic, Greek or Armenian letters
    (the usual trace of a look-alike letter), else ''.

    >>> mixed_scripts_note("саrol")
    "the name 'саrol' mixes cyrillic and latin letters in one word (a look-alike letter?)"
    >>> mixed_scripts_note("Ольга Smith") + mixed_scripts_note("さくら子")
    ''
    """
    for word in name.split():
        found = [s for s in scripts(word) if s in _LOOK_ALIKE_SCRIPTS]
        if len(found) > 1:
            return f"the name {name!r} mixes {' and '.join(s.lower() for s in found)} letters in one word " \
                   "(a look-alike letter?)"
    return ""


def look_alike_note(names: Iterable[str]) -> str:
    """A neutral sentence about names that compare equal but are written differently."""
    shown = ", ".join(f"{n!r} ({' and '.join(s.lower() for s in scripts(n)) or 'no'} letters)"
                      for n in sorted(set(names)))
    return f"names that look alike but are written with different characters: {shown}; kept apart, check who is who"


@functools.lru_cache(maxsize=1)
def lesson_file_names() -> frozenset[str]:
    """The file names of the lessons' notebooks (``00-start-here.ipynb``, ...), casefolded."""
    import tomllib

    from ..._paths import lessons_toml

    try:
        entries = tomllib.loads(lessons_toml().read_text(encoding="utf-8"))["lesson"]
        return frozenset(str(e["file"]).rsplit(".", 1)[0].casefold() + ".ipynb" for e in entries)
    except (OSError, ValueError, KeyError, TypeError):
        return frozenset()


@dataclass(frozen=True)
class Owner:
    """The folder of one student (as the parts of its absolute path) and the name it gives:
    the hub user name of a home or exchange folder, else the folder's own name."""

    folder: tuple[str, ...]
    name: str
    how: str  # where the name was read: 'hub user folder', "nbgrader's submitted/ folder", 'folder'


@dataclass(frozen=True)
class FolderName:
    """The one name of a student's folder, the folder's own name when it differs, and why (if doubtful)."""

    name: str
    folder: str  # the folder's name, shown beside the name when the two differ ('' when they do not)
    problems: tuple[str, ...] = ()


def folder_names(declared: dict[tuple[str, ...], list[tuple[str, str]]],
                 owners: dict[tuple[str, ...], Owner]) -> dict[tuple[str, ...], FolderName]:
    """The name of each student's folder, decided once for all its files.

    declared holds, per folder, the names its files give as (name, kind of file): 'profile'
    (``set_name``'s file) or 'record'. A name the student set comes first (the profile's, else
    the records'), then the hub user name, then the folder's name. A record that carries the
    hub user name or the folder's name declares nothing (it was written before ``set_name``).
    Flagged, never merged: one folder whose files declare two different names, and two folders
    that declare the same name.

    >>> o = {("c", "alice"): Owner(("c", "alice"), "alice", "folder")}
    >>> folder_names({("c", "alice"): [("alice", "record"), ("Alice Smith", "record")]}, o)[("c", "alice")]
    FolderName(name='Alice Smith', folder='alice', problems=())
    """
    result: dict[tuple[str, ...], FolderName] = {}
    for key, owner in owners.items():
        own = {comparable(clean(owner.name)), comparable(clean(key[-1]))}
        names = [(clean(n), kind) for n, kind in declared.get(key, []) if isinstance(n, str) and n.strip()]
        names = [(n, kind) for n, kind in names if comparable(n) not in own]
        names.sort(key=lambda nk: nk[1] != "profile")  # the profile first: it holds the latest name set
        problems: list[str] = []
        distinct = {comparable(n): n for n, _ in reversed(names)}
        if len(distinct) > 1:
            problems.append(f"the files in folder {clean(key[-1])!r} declare different names "
                            f"({', '.join(repr(n) for n in sorted(distinct.values()))}); named {names[0][0]!r}")
        name = names[0][0] if names else clean(owner.name)
        shown = "" if comparable(name) == comparable(clean(key[-1])) else clean(key[-1])
        mixed = mixed_scripts_note(name)
        result[key] = FolderName(name, shown, (*problems, *([mixed] if mixed else [])))
    by_name: dict[str, list[tuple[str, ...]]] = {}
    for key, decided in result.items():
        by_name.setdefault(comparable(decided.name), []).append(key)
    for keys in by_name.values():
        if len(keys) > 1:
            spellings = {unicodedata.normalize("NFKC", result[k].name).casefold() for k in keys}
            note = (look_alike_note(result[k].name for k in keys) if len(spellings) > 1 else
                    f"{len(keys)} folders ({', '.join(sorted(repr(k[-1]) for k in keys))}) "
                    f"give the name {result[keys[0]].name!r}; kept apart, check who is who")
            for k in keys:
                result[k] = FolderName(result[k].name, clean(k[-1]), (*result[k].problems, note))
    return result


class Namer:
    """Names the submissions of one run; it sees them all, to tell a folder per student."""

    def __init__(self, subs: list) -> None:
        groups: dict[str, list] = {}
        for sub in subs:
            if sub.own:
                groups.setdefault(sub.name.casefold(), []).append(sub)
        self._shared: dict[str, str] = {}  # a file whose name its copies share -> its student's folder
        self._shared_top: dict[str, tuple[str, ...]] = {}  # the same, as the folder's path
        self._student_folders: dict[tuple[str, ...], str] = {}  # folder path -> the student it belongs to
        for members in groups.values():
            if len({m.folders for m in members}) < 2:
                continue
            deepest = min(m.own for m in members)
            level = next((k for k in range(1, deepest + 1)
                          if len({m.folders[len(m.folders) - m.own + k - 1] for m in members}) > 1), deepest)
            for m in members:
                top = m.folders[:len(m.folders) - m.own + level]
                self._shared[m.file] = top[-1]
                self._shared_top[m.file] = top
                self._student_folders[top] = top[-1]

    def shared_file_name(self, sub, lesson: str | None) -> bool:
        """Whether the file's name is one every student's copy has (so it names nobody)."""
        name = sub.name.casefold()
        return (sub.file in self._shared or name.startswith("lessonkit-record-") or name in lesson_file_names()
                or (lesson is not None and sub.stem.casefold() == lesson.casefold()))

    def owner(self, sub, lesson: str | None) -> Owner | None:
        """The student's folder the submission lies in, with the name that folder gives, or None
        for a loose file (see the module)."""
        start = len(sub.folders) - sub.own
        for n in range(start, len(sub.folders)):  # not the folder searched, nor above it
            folder = sub.folders[n]
            match = _HUB_HOME.fullmatch(folder) or _EXCHANGE.fullmatch(folder)
            if match:
                return Owner(sub.folders[:n + 1], match.group(1), "hub user folder")
        if len(sub.folders) >= 3 and sub.folders[-3] in _NBGRADER:  # submitted/<student>/<assignment>/<file>
            return Owner(sub.folders[:-1], sub.folders[-2], f"nbgrader's {sub.folders[-3]}/ folder")
        if sub.file in self._shared:
            top = self._shared_top[sub.file]
            return Owner(top, top[-1], "folder")
        if sub.folders and self.shared_file_name(sub, lesson) \
                and sub.folders[-1].casefold() not in _OWN_FOLDERS:  # a lone one: its folder (maybe the one searched)
            return Owner(sub.folders, sub.folders[-1], "folder")
        for n in range(len(sub.folders), start, -1):  # another file in a student's folder
            if sub.folders[:n] in self._student_folders:
                return Owner(sub.folders[:n], self._student_folders[sub.folders[:n]], "folder")
        return None

    def from_path(self, sub, lesson: str | None) -> tuple[str, str] | None:
        """(name, where it was read) from the submission's path, or None."""
        owner = self.owner(sub, lesson)
        return (owner.name, owner.how) if owner else None

    def name(self, sub, record_student: Any, lesson: str | None) -> tuple[str, list[str]]:
        """The student's name for a submission, and any problems with it."""
        name, problems = self._name(sub, record_student, lesson)
        mixed = mixed_scripts_note(name)
        return name, [*problems, mixed] if mixed else problems

    def _name(self, sub, record_student: Any, lesson: str | None) -> tuple[str, list[str]]:
        found = self.from_path(sub, lesson)
        if isinstance(record_student, str) and record_student.strip():
            name = clean(record_student)
            if found and comparable(clean(found[0])) != comparable(name):
                return name, [f"the record names {name!r} but its {found[1]} names {clean(found[0])!r}; "
                              "named as the record says"]
            return name, []
        if found:
            return clean(found[0]), []
        return clean(sub.stem), []
