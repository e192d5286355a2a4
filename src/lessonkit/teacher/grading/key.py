"""The teacher's answer key of one lesson, and its version.

This is the grader's only door to the keys: :class:`Key` loads a lesson's exercises through
``lessonkit._exercises.exercises(lesson)`` and :func:`lessons` lists the lessons that have
some; :func:`key_version` is one hash of everything a verdict can depend on.

Grading caches each result under this version, so it must change whenever a verdict could:

- lessonkit's version and every file of the lessonkit package (the checkers, the
  ``lessons`` modules that compute answers, and whatever else they import);
- the lesson source or key file the key is read from (see ``lessonkit._keys.key_sources``),
  and every file in the folders named in ``LESSONKIT_KEYS``;
- the modules outside those folders that the key's answer functions import, followed
  import by import: an installed package (in site-packages) by its version, any other
  module by its file;
- every file of the data package.

Hashing the whole package, not only what the key imports today, is deliberate: a cache
that is regraded once too often costs time, a stale one costs a student's grade.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import json
import os
import sys
import warnings
from pathlib import Path
from typing import Any

from ..._errors import LessonkitError, UsageError
from ..._feedback import Status

MAX_KEY_FILES = 5_000  # files hashed from one folder
MAX_READ_BYTES = 20_000_000  # a larger file is hashed by its size and modification time


def _files(folder: Path) -> list[Path]:
    """Regular files under folder, sorted, without hidden ones or compiled caches."""
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "__pycache__")
        found += [Path(dirpath) / f for f in sorted(filenames) if not f.startswith(".")]
        if len(found) > MAX_KEY_FILES:
            break
    return [f for f in found if f.is_file()][:MAX_KEY_FILES]


def _add_folder(h: hashlib._Hash, label: str, folder: Path) -> None:
    h.update(f"\0folder {label}\0".encode())
    for file in _files(folder):
        name = file.relative_to(folder).as_posix()
        try:
            stat = file.stat()
            if stat.st_size > MAX_READ_BYTES:  # a large file is known by its size and time
                h.update(f"{name}\0{stat.st_size} {stat.st_mtime_ns}\0".encode())
            else:
                h.update(name.encode() + b"\0" + file.read_bytes() + b"\0")
        except OSError as e:  # an unreadable file still changes the version when it changes
            h.update(f"{name}\0unreadable {e.errno}\0".encode())


def key_folders() -> list[Path]:
    """The folders answer keys are found in: the lessons shipped with lessonkit, the
    build's keys in the working folder, and LESSONKIT_KEYS."""
    from ..._keys import LOCAL_KEYS
    from ..._paths import lessons_dir

    folders = [lessons_dir(), Path.cwd() / LOCAL_KEYS]
    folders += [Path(p) for p in os.environ.get("LESSONKIT_KEYS", "").split(os.pathsep) if p]
    out: list[Path] = []
    for folder in folders:
        folder = folder.resolve()
        if folder.is_dir() and folder not in out:
            out.append(folder)
    return out


def _imported_names(file: Path, package: str | None) -> set[str]:
    """Absolute names of the modules a Python file imports (relative imports resolved)."""
    try:
        tree = ast.parse(file.read_bytes())
    except (OSError, SyntaxError, ValueError):
        return set()
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level and package:
                parts = package.split(".")
                parent = ".".join(parts[:len(parts) - node.level + 1]) if node.level <= len(parts) else ""
                base = f"{parent}.{base}".strip(".") if parent else ""
            if base:
                names.add(base)
                names.update(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
    return names


def _installed(origin: Path) -> bool:
    """Whether a module file belongs to an installed distribution (in site-packages)."""
    return any(part in ("site-packages", "dist-packages") for part in origin.parts)


def _distribution_version(top: str, origin: Path) -> str:
    """The version of the distribution a top-level module comes from, or its file's size and time."""
    from importlib import metadata

    for name in (top, top.replace("_", "-")):
        try:
            return f"{name} {metadata.version(name)}"
        except (metadata.PackageNotFoundError, ValueError):
            pass
    stat = origin.stat()
    return f"{origin} {stat.st_size} {stat.st_mtime_ns}"


def _outside_imports(h: hashlib._Hash, lesson: str, covered: list[Path]) -> None:
    """Hash what the key imports from outside the folders already hashed, transitively."""
    from ..._keys import specs_for

    seen: set[str] = set()
    todo = sorted({value.rpartition(".")[0] for spec in specs_for(lesson) for name, value in spec.options.items()
                   if name.endswith("_from")}
                  | {t["from"].rpartition(".")[0] for spec in specs_for(lesson)
                     for t in spec.options.get("traps") or [] if "from" in t})
    while todo:
        name = todo.pop()
        if name in seen or name.split(".")[0] in sys.stdlib_module_names:
            continue
        seen.add(name)
        try:
            spec = importlib.util.find_spec(name)
        except Exception:  # not a module (an imported name), or a parent that cannot be imported
            continue
        origin = Path(spec.origin) if spec and spec.origin and spec.has_location else None
        if origin is None or not origin.is_file():
            continue
        origin = origin.resolve()
        if any(origin.is_relative_to(folder) for folder in covered):
            pass
        elif _installed(origin):  # an installed package: by its version, not followed further
            top = name.split(".")[0]
            if f"\0dist {top}" not in seen:
                seen.add(f"\0dist {top}")
                h.update(f"\0dist {_distribution_version(top, origin)}".encode())
            continue
        else:
            try:
                h.update(f"\0module {name}\0".encode() + origin.read_bytes())
            except OSError as e:
                h.update(f"\0module {name} unreadable {e.errno}".encode())
        if origin.suffix == ".py" and spec is not None:
            package = name if spec.submodule_search_locations is not None else name.rpartition(".")[0]
            todo.extend(sorted(_imported_names(origin, package) - seen))


def key_version(lesson: str) -> str:
    """A short hash of everything a verdict of the lesson's key depends on (see the module)."""
    from ... import __version__
    from ..._keys import key_sources
    from ..._paths import data_dir

    package = Path(__file__).resolve().parents[2]
    h = hashlib.sha256(f"lessonkit {__version__}\0lesson {lesson}\0python {sys.version}\n".encode())
    _add_folder(h, "package", package)
    covered = [package]
    for source in key_sources(lesson)[:1]:
        h.update(f"\0key source {source.name}\0".encode() + source.read_bytes())
    for i, folder in enumerate(key_folders()):
        if folder.is_dir() and not folder.is_relative_to(package):
            _add_folder(h, f"keys {i}", folder)
            covered.append(folder)
    _outside_imports(h, lesson, covered)
    folder = data_dir()
    if folder.is_dir():
        _add_folder(h, "data", folder)
    return h.hexdigest()[:16]


def lessons() -> list[str]:
    """The lessons that have an answer key."""
    from ..._exercises import lesson_keys

    return list(lesson_keys())


class Key:
    """The teacher's answer key of one lesson, with verdicts remembered per answer.

    Raises UsageError when the key cannot be loaded or an expected answer cannot be computed.
    """

    def __init__(self, lesson: str) -> None:
        from ..._exercises import exercises

        self.lesson = lesson
        try:
            self.exercises = exercises(lesson)
        except LessonkitError:
            raise
        except Exception as e:  # the key module itself is broken
            raise UsageError(f"the answer key of lesson {lesson} cannot be loaded "
                             f"({type(e).__name__}: {e})") from None
        self._memo: dict[tuple[str, str], tuple[Status, str]] = {}
        for exercise in self.exercises.values():  # a broken data package must stop the run, not fail everyone
            try:
                exercise.expected()
            except Exception as e:
                raise UsageError(f"the answer key of {exercise.id} cannot be computed "
                                 f"({type(e).__name__}: {e}); is the data package complete?") from None

    def verdict(self, exercise_id: str, answer_json: Any) -> tuple[Status, str]:
        """(status, message) of the teacher's checker for an answer in its record form."""
        from ..._answers import from_json

        try:
            memo: tuple[str, str] | None = (exercise_id, json.dumps(answer_json, sort_keys=True, default=repr))
        except (TypeError, ValueError, RecursionError):
            memo = None
        if memo is not None and memo in self._memo:
            return self._memo[memo]
        try:
            answer = from_json(answer_json)
        except Exception:  # the record holds something no check() wrote
            result = (Status.INVALID, "the saved answer could not be read back.")
        else:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    v = self.exercises[exercise_id].evaluate(answer)
                result = (Status(v.status), v.message)
            except Exception:  # an answer of a shape no checker expects
                result = (Status.INVALID, "the saved answer could not be checked (not in a form this exercise takes).")
        if memo is not None:
            self._memo[memo] = result
        return result
