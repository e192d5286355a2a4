"""Who handed in a submission: a student's name, taken once, and compared safely.

The name of a submission comes from, in this order:

1. the learning record's ``student`` field (set by the student, or the hub user name);
2. the hub user name its path carries, inside the folder searched (``lessonkit grade
   /home`` finds ``/home/jupyter-alice/...``): a home folder ``jupyter-<user>`` (The
   Littlest JupyterHub) or nbgrader's exchange folder ``<user>+<assignment>+<timestamp>``;
3. the folder layout: nbgrader's ``submitted/<student>/<assignment>/<file>``, or a folder
   per student (``alice/00-start-here.ipynb``) when the file has a name every student's copy
   shares: a lesson's own file name, the record's default ``lessonkit-record-<lesson>.json``,
   or a name found in more than one folder. The student's folder is then the first level
   inside the folder searched at which those copies differ (``alice/lessonkit/00-start-here.ipynb``
   is alice's), and any other file in that folder is the same student's; a lone such file
   is named by the folder it is in (``lessonkit grade alice/``);
4. the file name.

A record whose ``student`` disagrees with the name its path gives keeps the record's name
and says so in ``problem``. Names are compared by :func:`comparable`: Unicode NFKC, invisible
format characters removed, case folded, then Unicode's confusable skeleton (UTS #39, see
:mod:`lessonkit.teacher.grading.confusable`). Two names that compare equal but are written
differently ("carol" and "саrol" with a Cyrillic "а", "sam" and "sarn") are flagged, never merged.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
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


class Namer:
    """Names the submissions of one run; it sees them all, to tell a folder per student."""

    def __init__(self, subs: list) -> None:
        groups: dict[str, list] = {}
        for sub in subs:
            if sub.own:
                groups.setdefault(sub.name.casefold(), []).append(sub)
        self._shared: dict[str, str] = {}  # a file whose name its copies share -> its student's folder
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
                self._student_folders[top] = top[-1]

    def shared_file_name(self, sub, lesson: str | None) -> bool:
        """Whether the file's name is one every student's copy has (so it names nobody)."""
        name = sub.name.casefold()
        return (sub.file in self._shared or name.startswith("lessonkit-record-") or name in lesson_file_names()
                or (lesson is not None and sub.stem.casefold() == lesson.casefold()))

    def from_path(self, sub, lesson: str | None) -> tuple[str, str] | None:
        """(name, where it was read) from the submission's path, or None."""
        for folder in sub.folders[len(sub.folders) - sub.own:]:  # not the folder searched, nor above it
            match = _HUB_HOME.fullmatch(folder) or _EXCHANGE.fullmatch(folder)
            if match:
                return match.group(1), "hub user folder"
        if len(sub.folders) >= 3 and sub.folders[-3] in _NBGRADER:  # submitted/<student>/<assignment>/<file>
            return sub.folders[-2], f"nbgrader's {sub.folders[-3]}/ folder"
        if sub.file in self._shared:
            return self._shared[sub.file], "folder"
        if sub.folders and self.shared_file_name(sub, lesson) \
                and sub.folders[-1].casefold() not in _OWN_FOLDERS:  # a lone one: its folder (maybe the one searched)
            return sub.folders[-1], "folder"
        for n in range(len(sub.folders), len(sub.folders) - sub.own, -1):  # another file in a student's folder
            if sub.folders[:n] in self._student_folders:
                return self._student_folders[sub.folders[:n]], "folder"
        return None

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
