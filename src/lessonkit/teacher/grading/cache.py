"""The cache of graded submissions, in ``<out>/.cache/``: one JSON file per notebook, written
as each result comes (so an interrupted run resumes), and one JSON Lines file for all
learning records and other files of a run (they are quick to grade; a file each would cost
more than grading).

A result is cached under the hash of the file's bytes and a hash of the settings its
verdicts depend on: the key's version, and for a notebook the limits, the sandbox and the
student edition's stubs. So a second run is quick and gives the same files, an interrupted
run resumes, and a changed key, limit or sandbox grades again. A cache file that cannot be
read is graded again (a damaged line costs that line only); one that cannot be written
costs only time.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

from .result import Result, Shared

CACHE_FORMAT = "lessonkit-grade-cache/1"
RECORDS_FORMAT = "lessonkit-grade-records/1"  # the first line of the records' file


def _short(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12]


class Cache:
    """The results of earlier runs with the same settings, by the hash of a file's bytes.

    Results read from the records' file share equal parts through shared (see
    :class:`lessonkit.teacher.grading.result.Shared`), so a large class's cache stays small.
    """

    def __init__(self, folder: Path, lesson: str, version: str, notebook_settings: str,
                 shared: Shared | None = None) -> None:
        self.folder = folder
        self.settings = {"record": _short(f"{CACHE_FORMAT}|{lesson}|{version}"),
                         "notebook": _short(f"{CACHE_FORMAT}|{lesson}|{version}|{notebook_settings}")}
        self.shared = shared or Shared()
        self._small: dict[str, Result] | None = None  # the records' file, read when first asked
        self._used: set[str] = set()
        self._changed = False

    def _small_results(self) -> dict[str, Result]:
        if self._small is None:
            self._small = {}
            try:
                with self._small_file().open(encoding="utf-8") as f:
                    if json.loads(f.readline() or "null") == {"format": RECORDS_FORMAT}:
                        for line in f:  # one entry at a time: the file is never all parsed at once
                            try:
                                entry = json.loads(line)
                                self._small[str(entry["name"])] = Result.from_json(entry["result"], self.shared)
                            except (ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError):
                                continue
            except (OSError, ValueError):
                pass
        return self._small

    def _small_file(self) -> Path:
        return self.folder / f"records-{self.settings['record']}.jsonl"

    def path(self, digest: str, kind: str) -> Path:
        """The cache file of a file whose bytes hash to digest."""
        return self.folder / f"{digest[:32]}-{kind}-{self.settings.get(kind, 'other')}.json"

    def get(self, digest: str, kind: str) -> Result | None:
        """The cached result, or None."""
        if kind != "notebook":
            name = f"{digest[:32]}-{kind}"
            result = self._small_results().get(name)
            if result is not None:
                self._used.add(name)
            return result
        try:
            cached = json.loads(self.path(digest, kind).read_text(encoding="utf-8"))
            if cached.get("format") == CACHE_FORMAT:
                return Result.from_json(cached["result"], self.shared)
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
            self._small_results()[name] = result  # the result itself: written as JSON only by flush
            self._used.add(name)
            self._changed = True
            return
        try:
            replace_text(self.path(digest, kind), json.dumps({"format": CACHE_FORMAT, "result": result.to_json()}) + "\n")
        except (OSError, ValueError, TypeError):  # an uncached result is graded again next time
            pass

    def flush(self) -> None:
        """Write the records' file (only the results this run used, in a fixed order), if anything changed."""
        from .report import replace_text

        if not self._changed or self._small is None:
            return
        try:
            replace_text(self._small_file(), self._lines())
            self._changed = False
        except (OSError, ValueError, TypeError):
            pass

    def _lines(self) -> Iterator[str]:
        small = self._small or {}
        yield json.dumps({"format": RECORDS_FORMAT}) + "\n"
        for name in sorted(self._used):
            if name in small:
                yield json.dumps({"name": name, "result": small[name].to_json()}) + "\n"
