"""Finding the submissions a teacher named, and loading each once.

A path may be a file (graded whatever its name) or a folder, searched for ``.ipynb`` and
``.json`` files; hidden folders, ``.ipynb_checkpoints`` and the output folder are skipped.
A student's profile (``lessonkit-profile.json``, where ``set_name`` keeps the name) is read
for the name it holds, never graded.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..._errors import UsageError
from .reading import MAX_FILE_BYTES, parse_json, read_many, read_submission

_KINDS = {".ipynb": "notebook", ".json": "record"}
PROFILE = "lessonkit-profile.json"
_RECORD_NAME = re.compile(r"lessonkit-record-([\w-]+)\.json", re.IGNORECASE)


def _kind(name: str) -> str:
    """'notebook', 'record', 'profile' or 'other', from a file's name."""
    if name.casefold() == PROFILE:
        return "profile"
    return _KINDS.get(os.path.splitext(name)[1].lower(), "other")


@dataclass(frozen=True, slots=True)
class Submission:
    """One file to grade (its path kept as text: a Path object per file is several times
    larger, and a class may have a hundred thousand files)."""

    file: str   # the file's path, as found or typed (a Path is turned into text)
    label: str  # the path shown in the gradebook: relative to the folder it was found in
    kind: str   # 'notebook', 'record', 'profile' or 'other'
    folders: tuple[str, ...] = ()  # the folders of the absolute path (they may name the student)
    own: int = 0  # how many of the last folders lie inside the folder searched (or were typed)

    def __post_init__(self) -> None:
        object.__setattr__(self, "file", os.fspath(self.file))

    @property
    def path(self) -> Path:
        """The file's path."""
        return Path(self.file)

    @property
    def name(self) -> str:
        """The file's name (``alice.json``)."""
        return os.path.basename(self.file)

    @property
    def stem(self) -> str:
        """The file's name without its last suffix (``alice``)."""
        return os.path.splitext(self.name)[0]


@dataclass(frozen=True, slots=True)
class Loaded:
    """A submission's bytes (None when unreadable, with why, or once graded), the lesson it
    says it is of, the student a record names, the hash of its bytes (of why, if unreadable)
    and whether it had any content (the parsed JSON itself is not kept: a class may be large)."""

    sub: Submission
    data: bytes | None
    why: str
    lesson: str | None = None
    student: Any = None
    digest: str = ""
    blank: bool = True


def discover(paths: list[str], out: Path) -> list[Submission]:
    """The submissions named by paths: files as given, folders searched for .ipynb and .json.

    Raises UsageError for a path that does not exist or when nothing is found.
    """
    out = out.resolve()
    found: dict[Path, Submission] = {}
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise UsageError(f"no such file or folder: {raw}")
        if path.is_file():
            typed = [p for p in path.parent.parts if p not in (".", "..", path.anchor)]
            folders = path.resolve().parent.parts[1:]
            found.setdefault(path.resolve(), Submission(str(path), path.name, _kind(path.name),
                                                        folders, min(len(typed), len(folders))))
            continue
        base = path.resolve()
        for dirpath, dirnames, filenames in os.walk(base):
            here = Path(dirpath)
            dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and (here / d).resolve() != out)
            for name in sorted(filenames):
                suffix = Path(name).suffix.lower()
                if name.startswith(".") or suffix not in _KINDS:
                    continue
                file = here / name
                inside = file.relative_to(base).parent.parts
                label = (Path(base.name) / file.relative_to(base)).as_posix()
                real = file.resolve() if os.path.islink(file) else file  # the folders above are resolved
                found.setdefault(real, Submission(str(file), label, _kind(name),
                                                            (*base.parts[1:], *inside), len(inside)))
    if not found:
        raise UsageError(f"no .ipynb notebooks or .json learning records found in {', '.join(paths)}")
    return sorted(found.values(), key=lambda s: (s.label, s.file))


def load_all(subs: Sequence[Submission]) -> Iterator[tuple[Loaded, Any]]:
    """Each submission read (see :func:`lessonkit.teacher.grading.reading.read_many`) and
    loaded, in turn, with its parsed JSON (None if it has none) for the caller to use and drop."""
    for sub, (data, why) in zip(subs, read_many([sub.path for sub in subs], MAX_FILE_BYTES)):
        yield _loaded(sub, data, why)


def load(sub: Submission) -> tuple[Loaded, Any]:
    """One submission read and loaded (see load_all)."""
    return _loaded(sub, *read_submission(sub.path, MAX_FILE_BYTES))


def _loaded(sub: Submission, data: bytes | None, why: str) -> tuple[Loaded, Any]:
    parsed = parse_json(data, sub.kind)[0] if data is not None and sub.kind != "other" else None
    student = None
    if isinstance(parsed, dict) and sub.kind in ("record", "profile"):
        student = parsed.get("student" if sub.kind == "record" else "name")
        if sub.kind == "profile" and parsed.get("format") != "lessonkit-profile/1":
            student = None
    digest = hashlib.sha256(data if data is not None else why.encode()).hexdigest()
    lesson = lesson_of(sub.kind, parsed) or lesson_of_name(sub.name) if sub.kind in ("record", "notebook") else None
    return Loaded(sub, data, why, lesson, student, digest, not (data and data.strip())), parsed


def lesson_of_name(name: str) -> str | None:
    """The lesson a file's name says it is of: a record's default name, or a lesson's notebook
    (also its new version or a copy whose name only adds to the end).

    >>> lesson_of_name("lessonkit-record-news.json"), lesson_of_name("(new version) 00-start-here.ipynb")
    ('news', 'start')
    >>> lesson_of_name("notes.ipynb") is None
    True
    """
    match = _RECORD_NAME.fullmatch(name)
    if match:
        return match.group(1)
    if not name.casefold().endswith(".ipynb"):
        return None
    folded = re.sub(r"^\(new version( \d+)?\) ", "", name.casefold())
    found = [(len(stem), lesson) for stem, lesson in lesson_stems().items() if folded.startswith(stem)]
    return max(found)[1] if found else None


@functools.lru_cache(maxsize=1)
def lesson_stems() -> dict[str, str]:
    """The lessons' notebook names without their suffix, casefolded, and each one's lesson key."""
    import tomllib

    from ..._paths import lessons_toml

    try:
        entries = tomllib.loads(lessons_toml().read_text(encoding="utf-8"))["lesson"]
        return {str(e["file"]).rsplit(".", 1)[0].casefold(): str(e["key"]) for e in entries}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


LESSON_ID = re.compile(r"[a-z][a-z0-9_-]{0,63}\Z")  # a lesson's key, as lessons.toml and a teacher's keys name it


def lesson_of(kind: str, data: Any) -> str | None:
    """The lesson a parsed record or notebook says it belongs to (None for none, or for a value
    that is no lesson's key: a damaged file is graded as the lesson given, and says what is wrong).

    >>> lesson_of("record", {"lesson": "money"}), lesson_of("notebook", {"metadata": []})
    ('money', None)
    >>> lesson_of("record", {"lesson": "mon\\ney <b>"})
    """
    if not isinstance(data, dict):
        return None
    if kind == "record":
        value = data.get("lesson")
    else:
        meta = data.get("metadata", {})
        value = meta.get("lessonkit", {}).get("lesson") if isinstance(meta, dict) and isinstance(
            meta.get("lessonkit"), dict) else None
    return value if isinstance(value, str) and LESSON_ID.match(value) else None  # garbage is no lesson
