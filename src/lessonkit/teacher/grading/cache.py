"""The cache of graded submissions: one JSON file per file graded, in ``<out>/.cache/``.

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

    def path(self, digest: str, kind: str) -> Path:
        """The cache file of a file whose bytes hash to digest."""
        return self.folder / f"{digest[:32]}-{kind}-{self.settings.get(kind, 'other')}.json"

    def get(self, digest: str, kind: str) -> Result | None:
        """The cached result, or None."""
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
        try:
            replace_text(self.path(digest, kind), json.dumps({"format": CACHE_FORMAT, "result": result.to_json()}) + "\n")
        except (OSError, ValueError, TypeError):  # an uncached result is graded again next time
            pass
