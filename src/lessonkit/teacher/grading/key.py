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
import sys
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..._cache import hash_folder
from ..._errors import LessonkitError, UsageError
from ..._feedback import Status


class _Imports:
    """The names each source file imports, by a hash of the file's bytes and package, kept in
    the user's cache between runs: parsing a file takes milliseconds, a lookup microseconds."""

    ENTRY = hashlib.sha256(b"lessonkit imported names 1").hexdigest()
    MAX = 2_000  # entries kept

    def __init__(self) -> None:
        from ... import _cache

        self._cache = _cache
        try:
            found = json.loads(_cache.read(self.ENTRY, kind="imports") or b"{}")
        except ValueError:
            found = {}
        self.known: dict[str, list[str]] = found if isinstance(found, dict) else {}
        self.used: dict[str, list[str]] = {}

    def names(self, data: bytes, package: str | None) -> set[str]:
        """Absolute names of the modules a source file (its bytes) imports (see _imported_names)."""
        digest = hashlib.sha256(f"{package}\0".encode() + data).hexdigest()
        found = self.known.get(digest)
        if not (isinstance(found, list) and all(isinstance(n, str) for n in found)):
            found = sorted(_imported_names(data, package))
        self.used[digest] = found
        return set(found)

    def save(self) -> None:
        """Keep the names found (those used this run first) if any were new."""
        if all(self.known.get(d) == v for d, v in self.used.items()):
            return
        kept = {**self.used, **{d: v for d, v in self.known.items() if d not in self.used}}
        self._cache.write(self.ENTRY, json.dumps(dict(list(kept.items())[:self.MAX])).encode(), kind="imports")


def _imported_names(source: bytes, package: str | None) -> set[str]:
    """Absolute names of the modules a Python source imports (relative imports resolved)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
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

    imports = _Imports()
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
        top = name.split(".")[0]
        if top != name and f"\0dist {top}" in seen:  # a module of a package already hashed by its version
            continue
        try:  # the top-level package first: finding a submodule imports its package (IPython: 25 ms)
            spec = importlib.util.find_spec(top)
            top_origin = Path(spec.origin).resolve() if spec and spec.origin and spec.has_location else None
            if not (top_origin and _installed(top_origin)):
                spec = importlib.util.find_spec(name)
        except Exception:  # not a module (an imported name), or a parent that cannot be imported
            continue
        origin = Path(spec.origin) if spec and spec.origin and spec.has_location else None
        if origin is None or not origin.is_file():
            continue
        origin = origin.resolve()
        hashed = any(origin.is_relative_to(folder) for folder in covered)  # its folder is hashed whole
        if _installed(origin) and not hashed:
            if f"\0dist {top}" not in seen:  # an installed package: by its version, not followed further
                seen.add(f"\0dist {top}")
                h.update(f"\0dist {_distribution_version(top, origin)}".encode())
            continue
        try:
            source = origin.read_bytes()
        except OSError as e:
            source = None
            h.update(f"\0module {name} unreadable {e.errno}".encode())
        if source is not None and not hashed:
            h.update(f"\0module {name}\0".encode() + source)
        if source is not None and origin.suffix == ".py" and spec is not None:
            package = name if spec.submodule_search_locations is not None else name.rpartition(".")[0]
            todo.extend(sorted(imports.names(source, package) - seen))
    imports.save()


def key_version(lesson: str) -> str:
    """A short hash of everything a verdict of the lesson's key depends on (see the module)."""
    from ... import __version__
    from ..._keys import key_folders, key_sources
    from ..._paths import data_dir

    package = Path(__file__).resolve().parents[2]
    h = hashlib.sha256(f"lessonkit {__version__}\0lesson {lesson}\0python {sys.version}\n".encode())
    hash_folder(h, "package", package)
    covered = [package]
    for source in key_sources(lesson)[:1]:
        h.update(f"\0key source {source.name}\0".encode() + source.read_bytes())
    for i, folder in enumerate(key_folders()):
        if folder.is_dir() and not folder.is_relative_to(package):
            hash_folder(h, f"keys {i}", folder)
            covered.append(folder)
    _outside_imports(h, lesson, covered)
    folder = data_dir()
    if folder.is_dir():
        hash_folder(h, "data", folder)
    return h.hexdigest()[:16]


def lessons() -> list[str]:
    """The lessons that have an answer key."""
    from ..._exercises import lesson_keys

    return list(lesson_keys())


RECORD_SECONDS = 10.0  # checking one submission's answers (the kernel's run has limits of its own)


@dataclass
class Budget:
    """What one submission's checking ran into: a note per limit hit, and whether time ran out."""

    notes: list[str] = field(default_factory=list)
    timed_out: bool = False


def _most_items(exercise: Any) -> int | None:
    """The most items an answer to exercise can hold (its options, labels or pairs), or None
    for a kind whose answer has no such bound (a number, a text, a computed value)."""
    from ..._checkers import Matching, MultiChoice, Ordering

    try:
        if isinstance(exercise, MultiChoice):
            return len(exercise.options)
        if isinstance(exercise, (Ordering, Matching)):
            return len(exercise.expected())
    except Exception:  # an answer that cannot be computed: the key's own check reports it
        return None
    return None


class Key:
    """The teacher's answer key of one lesson, with verdicts remembered per answer.

    Raises UsageError when the key cannot be loaded or an expected answer cannot be computed.
    """

    def __init__(self, lesson: str, version: str | None = None) -> None:
        """version (see key_version), when given, lets the answers computed from the data come
        from the user's cache (see _computed_answers)."""
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
        self.exercises = _computed_answers(self.exercises, lesson, version)
        self._items = {eid: n for eid, n in ((eid, _most_items(e)) for eid, e in self.exercises.items())
                       if n is not None}
        for exercise in self.exercises.values():  # a broken data package must stop the run, not fail everyone
            try:
                exercise.expected()
            except Exception as e:
                raise UsageError(f"the answer key of {exercise.id} cannot be computed "
                                 f"({type(e).__name__}: {e}); is the data package complete?") from None

    _deadline: float | None = None
    _spent: bool = False
    _refused: tuple[str, ...] = ()

    @contextmanager
    def budget(self, seconds: float | None = None) -> Iterator[Budget]:
        """Check one submission's answers within seconds (default RECORD_SECONDS): later verdicts
        say "not checked". Yields a Budget whose notes (one per limit hit, for the gradebook)
        are filled on leaving."""
        seconds = RECORD_SECONDS if seconds is None else seconds
        spent = Budget()
        self._deadline, self._spent, self._refused = time.monotonic() + seconds, False, ()
        try:
            yield spent
        finally:
            if self._refused:
                spent.notes.append(f"answers with more items than the exercise has options were refused "
                                   f"unchecked: {', '.join(sorted(set(self._refused)))}")
            if self._spent:
                spent.timed_out = True
                spent.notes.append(f"checking this submission's answers took more than {seconds:g} s (time limit); "
                                   "the answers left were not checked")
            self._deadline, self._spent, self._refused = None, False, ()

    def _too_many(self, exercise_id: str, answer_json: Any) -> str:
        """Why an answer is refused unchecked for its size (more items than the exercise has options), or ''."""
        allowed = self._items.get(exercise_id)
        if allowed is None:
            return ""
        items = answer_json
        if isinstance(items, dict) and "$type" in items:
            items = items.get("items", items.get("values"))
        n = len(items) if isinstance(items, (list, dict)) else 1
        if n <= allowed:
            return ""
        self._refused = (*self._refused, exercise_id)
        return f"the answer has {n:,} items, more than the {allowed} this exercise has; it was not checked."

    def verdict(self, exercise_id: str, answer_json: Any) -> tuple[Status, str]:
        """(status, message) of the teacher's checker for an answer in its record form.

        Within :meth:`budget`, an answer with more items than the exercise has options (or
        labels, or pairs) is refused at once, and once the time is spent nothing more is checked.
        """
        from ..._answers import from_json

        too_many = self._too_many(exercise_id, answer_json)
        if too_many:
            return (Status.INVALID, too_many)
        if self._deadline is not None:
            if time.monotonic() > self._deadline:
                self._spent = True
                return (Status.INVALID, "not checked: the time allowed for checking this submission ran out.")
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


def _is_plain(value: Any, depth: int = 0) -> bool:
    """True if value survives JSON unchanged, types included (no tuples, no numpy numbers)."""
    if depth > 20:
        return False
    if value is None or type(value) in (bool, int, str):
        return True
    if type(value) is float:
        return value == value and value not in (float("inf"), float("-inf"))
    if type(value) is list:
        return all(_is_plain(v, depth + 1) for v in value)
    if type(value) is dict:
        return all(type(k) is str and _is_plain(v, depth + 1) for k, v in value.items())
    return False


def _computed_answers(exercises: dict, lesson: str, version: str | None) -> dict:
    """The exercises with every answer computed from the data (``<field>_from``, a trap's
    ``from``) in place as its value.

    Computing them loads the data package and pandas (a fifth of a second). With ``version``,
    the values are kept in the user's cache (lessonkit._cache: a private folder, each entry
    checked against its SHA-256) as JSON under the lesson and the key's version, which changes
    with every file they depend on; a later run takes them from there. Values that JSON would
    change (a DataFrame, a tuple, a numpy number) are computed every time.
    """
    import dataclasses

    from ... import _cache

    computed = {eid: _computed_fields(e) for eid, e in exercises.items()}
    computed = {eid: fields for eid, fields in computed.items() if fields}
    if not computed:
        return exercises
    entry = hashlib.sha256(f"key\0{lesson}\0{version}".encode()).hexdigest() if version else None
    values: dict | None = None
    if entry:
        raw = _cache.read(entry, kind="key")
        try:
            values = json.loads(raw) if raw is not None else None
        except ValueError:
            values = None
        if not isinstance(values, dict) or set(values) != set(computed) or any(
                not isinstance(values[eid], dict) or set(values[eid]) != set(fields) for eid, fields in computed.items()):
            values = None
    if values is None:
        values = {}
        for eid, fields in computed.items():  # a broken data package must stop the run, not fail everyone
            try:
                values[eid] = {name: ([v() if callable(v) else v for v in value] if name == "traps" else value())
                               for name, value in fields.items()}
            except Exception as e:
                raise UsageError(f"the answer key of {eid} cannot be computed "
                                 f"({type(e).__name__}: {e}); is the data package complete?") from None
        if entry and _is_plain(values):
            _cache.write(entry, json.dumps(values, sort_keys=True).encode(), kind="key")
    out = dict(exercises)
    for eid, fields in values.items():
        exercise = exercises[eid]
        changes = {name: (tuple((v, says) for v, (_, says) in zip(value, exercise.traps)) if name == "traps" else value)
                   for name, value in fields.items()}
        out[eid] = dataclasses.replace(exercise, **changes)
    return out


def _computed_fields(exercise: Any) -> dict[str, Any]:
    """{field: function} for each field of exercise computed from the data, and "traps":
    [value or function] when a trap is."""
    import dataclasses

    fields: dict[str, Any] = {}
    for f in dataclasses.fields(exercise):
        value = getattr(exercise, f.name)
        if f.name == "traps":
            if any(callable(t[0]) for t in value):
                fields["traps"] = [t[0] for t in value]
        elif callable(value) and getattr(value, "answer_from", None):
            fields[f.name] = value
    return fields
