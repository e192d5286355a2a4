"""The cache of graded submissions, in ``<out>/.cache/``: one JSON file per notebook, written
as each result comes (so an interrupted run resumes), and one file for all learning records
and other files of a run (they are quick to grade; a file each would cost more than grading).

A result is cached under the hash of the file's bytes and a hash of the settings its
verdicts depend on: the key's version, and for a notebook the limits, the sandbox and the
student edition's stubs. So a second run is quick and gives the same files, an interrupted
run resumes, and a changed key, limit or sandbox grades again. A cache file that cannot be
read is graded again; one that cannot be written costs only time.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from .result import Result

CACHE_FORMAT = "lessonkit-grade-cache/1"


def _short(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12]


class Cache:
    """The results of earlier runs with the same settings, by the hash of a file's bytes."""

    def __init__(self, folder: Path, lesson: str, version: str, notebook_settings: str) -> None:
        self.folder = folder
        self.settings = {"record": _short(f"{CACHE_FORMAT}|{lesson}|{version}"),
                         "notebook": _short(f"{CACHE_FORMAT}|{lesson}|{version}|{notebook_settings}")}
        self._small: dict[str, Any] | None = None  # the records' file, read when first asked
        self._used: set[str] = set()
        self._changed = False

    def _small_results(self) -> dict[str, Any]:
        if self._small is None:
            self._small = {}
            try:
                data = json.loads(self._small_file().read_text(encoding="utf-8"))
                if data.get("format") == CACHE_FORMAT and isinstance(data.get("results"), dict):
                    self._small = data["results"]
            except (OSError, ValueError, AttributeError):
                pass
        return self._small

    def _small_file(self) -> Path:
        return self.folder / f"records-{self.settings['record']}.json"

    def path(self, digest: str, kind: str) -> Path:
        """The cache file of a file whose bytes hash to digest."""
        return self.folder / f"{digest[:32]}-{kind}-{self.settings.get(kind, 'other')}.json"

    def get(self, digest: str, kind: str) -> Result | None:
        """The cached result, or None."""
        if kind != "notebook":
            name = f"{digest[:32]}-{kind}"
            try:
                entry = self._small_results()[name]
                result = Result.from_json(json.loads(entry) if isinstance(entry, str) else entry)
            except (KeyError, ValueError, TypeError, AttributeError, IndexError):
                return None
            self._used.add(name)
            return result
        try:
            cached = json.loads(self.path(digest, kind).read_text(encoding="utf-8"))
            if cached.get("format") == CACHE_FORMAT:
                return Result.from_json(cached["result"])
        except (OSError, ValueError, KeyError, AttributeError, TypeError, IndexError):
            pass
        return None

    def put(self, digest: str, kind: str, result: Result) -> None:
        """Keep a result, if it is worth keeping (see Result.cacheable)."""
        from .report import replace_text

        if not result.cacheable:
            return
        if kind != "notebook":
            name = f"{digest[:32]}-{kind}"
            self._small_results()[name] = json.dumps(result.to_json())  # text: a large class's results stay small
            self._used.add(name)
            self._changed = True
            return
        try:
            replace_text(self.path(digest, kind), json.dumps({"format": CACHE_FORMAT, "result": result.to_json()}) + "\n")
        except (OSError, ValueError, TypeError):  # an uncached result is graded again next time
            pass

    def flush(self) -> None:
        """Write the records' file (only the results this run used), if anything changed."""
        from .report import replace_text

        if not self._changed or self._small is None:
            return
        entries = [(name, self._small[name]) for name in sorted(self._used) if name in self._small]
        body = ", ".join(f"{json.dumps(name)}: {e if isinstance(e, str) else json.dumps(e)}" for name, e in entries)
        try:
            replace_text(self._small_file(), f'{{"format": {json.dumps(CACHE_FORMAT)}, "results": {{{body}}}}}\n')
            self._changed = False
        except (OSError, ValueError, TypeError):
            pass
