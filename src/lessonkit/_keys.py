"""Where a lesson's key comes from: the exercises of its ``{exercise}`` blocks, read from a key
file the build wrote beside an edition, from a lesson source, or from the lessons shipped with
lessonkit, and cached until the file changes. The blocks' format is :mod:`lessonkit._exercise_format`.
"""

from __future__ import annotations

import json
import os
import tomllib
from functools import lru_cache
from pathlib import Path

from . import _checkers as C
from ._exercise_format import (  # noqa: F401  (re-exported: lessons' tests and tools import them from here)
    ExerciseFormatError,
    ExerciseSpec,
    lesson_key_of,
    parse_lesson,
    parse_text,
    to_exercise,
)

KEYS_ENV = "LESSONKIT_KEYS"
LOCAL_KEYS = Path(".lessonkit") / "keys"  # beside the notebooks of an edition, written by the build


def key_file(folder: Path, lesson: str) -> Path:
    """Where the build writes a lesson's key inside an edition folder."""
    return folder / LOCAL_KEYS / f"{lesson}.json"


def write_key(specs: list[ExerciseSpec], lesson: str, folder: Path) -> Path:
    """Write a lesson's key beside an edition (atomically: never a half-written file)."""
    path = key_file(folder, lesson)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"lesson": lesson, "exercises": [s.as_json() for s in specs]}, ensure_ascii=False, indent=1)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(text + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def read_key(path: Path) -> list[ExerciseSpec]:
    """The exercises of a key file written by :func:`write_key`."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [ExerciseSpec.from_json(e) for e in data["exercises"]]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise ExerciseFormatError(f"{path}: not a readable lessonkit key ({type(e).__name__}: {e})") from None


def _stamp(path: Path) -> tuple[int, int] | None:
    """A file's modification time and size (None when it is missing): what the caches below key on."""
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


@lru_cache(maxsize=64)
def _lessons_listed(toml: Path, stamp: tuple[int, int]) -> dict[str, Path]:
    entries = tomllib.loads(toml.read_text(encoding="utf-8")).get("lesson", [])
    return {e["key"]: toml.parent / e["file"] for e in entries}


@lru_cache(maxsize=256)
def _key_in_front_matter(md: Path, stamp: tuple[int, int]) -> str | None:
    return lesson_key_of(md.read_text(encoding="utf-8")[:2000])


def _source_key(md: Path) -> str | None:
    """The lesson key a lesson source names, read once per version of the file."""
    stamp = _stamp(md)
    return _key_in_front_matter(md, stamp) if stamp else None


def packaged_lessons() -> dict[str, Path]:
    """The lessons shipped with lessonkit, by key (from lessons.toml, read once per version)."""
    from ._paths import lessons_toml

    toml = lessons_toml()
    stamp = _stamp(toml)
    if stamp is None:  # a copy of the package without its lessons: only LESSONKIT_KEYS
        return {}
    return _lessons_listed(toml, stamp)


def key_folders() -> list[Path]:
    """The folders answer keys are found in: the lessons shipped with lessonkit, the
    build's keys in the working folder, and LESSONKIT_KEYS (hidden from grading kernels)."""
    from ._paths import lessons_dir

    folders = [lessons_dir(), Path.cwd() / LOCAL_KEYS]
    folders += [Path(p) for p in os.environ.get(KEYS_ENV, "").split(os.pathsep) if p]
    out: list[Path] = []
    for folder in folders:
        folder = folder.resolve()
        if folder.is_dir() and folder not in out:
            out.append(folder)
    return out


def key_sources(lesson: str) -> list[Path]:
    """Where a lesson's key may come from, first found wins: the folders of LESSONKIT_KEYS
    (``<lesson>.json`` or a lesson source whose front matter names the lesson), the build's
    key beside the notebook (``.lessonkit/keys/<lesson>.json`` in the working folder), then
    the lesson shipped with lessonkit."""
    found: list[Path] = []
    for folder in [Path(p) for p in os.environ.get(KEYS_ENV, "").split(os.pathsep) if p]:
        if (folder / f"{lesson}.json").is_file():
            found.append(folder / f"{lesson}.json")
        for md in sorted(folder.glob("*.md")) if folder.is_dir() else []:
            if _source_key(md) == lesson:
                found.append(md)
    local = key_file(Path.cwd(), lesson)
    if local.is_file():
        found.append(local)
    packaged = packaged_lessons().get(lesson)
    if packaged is not None and packaged.is_file():
        found.append(packaged)
    return found


@lru_cache(maxsize=64)
def _specs_at(path: str, mtime_ns: int, size: int) -> tuple[ExerciseSpec, ...]:
    p = Path(path)
    return tuple(read_key(p) if p.suffix == ".json" else parse_lesson(p))


def specs_for(lesson: str) -> list[ExerciseSpec]:
    """The exercise blocks of a lesson, from the first key source found (cached until it changes)."""
    sources = key_sources(lesson)
    if not sources:
        return []
    stat = sources[0].stat()
    return list(_specs_at(str(sources[0]), stat.st_mtime_ns, stat.st_size))


def known_lessons() -> list[str]:
    """Every lesson key that has a key somewhere (see :func:`key_sources`)."""
    keys = set(packaged_lessons())
    for folder in [Path(p) for p in os.environ.get(KEYS_ENV, "").split(os.pathsep) if p]:
        if folder.is_dir():
            keys |= {p.stem for p in folder.glob("*.json")}
            keys |= {k for md in folder.glob("*.md") if (k := _source_key(md))}
    local = Path.cwd() / LOCAL_KEYS
    if local.is_dir():
        keys |= {p.stem for p in local.glob("*.json")}
    return sorted(keys)


def key_for(lesson: str) -> dict[str, C.Exercise]:
    """The checkers of a lesson's exercises, by label, in the lesson's order."""
    return {s.label: to_exercise(s) for s in specs_for(lesson)}
