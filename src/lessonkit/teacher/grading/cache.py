"""The cache of graded submissions: one JSON file per notebook, written as each result comes
(so an interrupted run resumes), and one JSON Lines file for all learning records and other
files of a run (they are quick to grade; a file each would cost more than grading).

It lives in the user's own cache folder (``platformdirs``' user cache, or
``$LESSONKIT_CACHE_DIR``; ``none`` turns it off), one folder per output folder
(:func:`cache_folder`), never in a folder a student could write to. Every entry is signed
with an HMAC-SHA256 under a secret made once per user and kept beside the cache, readable by
that user only; an entry whose signature does not match (made elsewhere, copied, edited) is
dropped and its file graded again. A cache folder that is not the user's own and private
(mode 0700) is not used at all.

A result is cached under the hash of the file's bytes and a hash of the settings its
verdicts depend on: the key's version, and for a notebook the limits, the sandbox and the
student edition's stubs. So a second run is quick and gives the same files, an interrupted
run resumes, and a changed key, limit or sandbox grades again. A cache file that cannot be
read is graded again (a damaged line costs that line only); one that cannot be written
costs only time.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import stat
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from .result import Result, Shared

CACHE_FORMAT = "lessonkit-grade-cache/2"
RECORDS_FORMAT = "lessonkit-grade-records/2"  # the first line of the records' file
SECRET_FILE = "secret.key"
KEEP_DAYS = 60  # a cache folder of an output folder not graded into for this long is removed


def cache_root() -> Path | None:
    """The folder of all grading caches, or None when caching is turned off."""
    from ..._cache import CACHE_ENV

    env = os.environ.get(CACHE_ENV)
    if env is not None:
        return None if env.strip().lower() in ("", "none", "off", "0") else Path(env) / "grading"
    import platformdirs

    return platformdirs.user_cache_path("lessonkit") / "grading"


def cache_folder(out: Path) -> Path | None:
    """The cache folder of one output folder (by its resolved path), or None when turned off."""
    root = cache_root()
    if root is None:
        return None
    return root / hashlib.sha256(str(Path(out).resolve()).encode()).hexdigest()[:24]


def _private_folder(folder: Path) -> bool:
    """Create folder (and its parents) for this user only; True if it is a real folder, the
    user's own and closed to everyone else."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.lstat(folder)
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode):
        return False
    return os.name != "posix" or (info.st_uid == os.getuid() and not info.st_mode & 0o077)


def signing_key(root: Path | None = None) -> bytes | None:
    """The user's secret for signing cache entries (made on first use), or None where the
    cache folder is not private or the secret cannot be kept."""
    root = cache_root() if root is None else root
    if root is None or not _private_folder(root):
        return None
    path = root / SECRET_FILE
    nofollow = getattr(os, "O_NOFOLLOW", 0)
    for _ in range(2):
        try:
            fd = os.open(path, os.O_RDONLY | nofollow)
        except FileNotFoundError:
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | nofollow, 0o600)
            except FileExistsError:
                continue  # another run made it meanwhile
            except OSError:
                return None
            with os.fdopen(fd, "wb") as f:
                f.write(secrets.token_bytes(32))
            continue
        except OSError:
            return None
        with os.fdopen(fd, "rb") as f:
            info = os.fstat(f.fileno())
            key = f.read(64)
        private = os.name != "posix" or (info.st_uid == os.getuid() and not info.st_mode & 0o077)
        return key if private and stat.S_ISREG(info.st_mode) and len(key) == 32 else None
    return None


def sign(key: bytes, name: str, text: str) -> str:
    """The signature of one entry: its name (so it cannot be moved to another) and its text."""
    return hmac.new(key, name.encode() + b"\0" + text.encode(), hashlib.sha256).hexdigest()


def signed(key: bytes | None, name: str, text: Any, mac: Any) -> bool:
    """Whether mac is the signature of text under name (always False without a key)."""
    return (key is not None and isinstance(text, str) and isinstance(mac, str)
            and hmac.compare_digest(sign(key, name, text), mac))


def prune(root: Path | None = None, keep_days: float = KEEP_DAYS) -> None:
    """Remove the cache folders of output folders not graded into for keep_days."""
    import shutil

    root = cache_root() if root is None else root
    if root is None or not root.is_dir():
        return
    limit = time.time() - keep_days * 86400
    for folder in root.iterdir():
        try:
            if folder.is_dir() and not folder.is_symlink() and folder.stat().st_mtime < limit:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            pass


def _short(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def replace_text(path: Path, text: str | Iterable[str]) -> None:
    """Write text (or its pieces) to path atomically, without fsync (feedback and cache files;
    the gradebook itself is synced)."""
    from ..._record import write_atomic

    write_atomic(path, text, sync=False)


class Cache:
    """The results of earlier runs with the same settings, by the hash of a file's bytes.

    folder None: nothing is cached. Results read from the records' file share equal parts
    through shared (see :class:`lessonkit.teacher.grading.result.Shared`), so a large class's
    cache stays small. Only entries signed with the user's key (see :func:`signing_key`) are read.
    """

    def __init__(self, folder: Path | None, lesson: str, version: str, notebook_settings: str,
                 shared: Shared | None = None) -> None:
        self.folder = folder
        self.settings = {"record": _short(f"{CACHE_FORMAT}|{lesson}|{version}"),
                         "notebook": _short(f"{CACHE_FORMAT}|{lesson}|{version}|{notebook_settings}")}
        self.shared = shared or Shared()
        self._key: bytes | None = None
        if folder is not None:
            self._key = signing_key(folder.parent)
            if self._key is None or not _private_folder(folder):
                self.folder, self._key = None, None
            else:
                try:
                    os.utime(folder)  # in use: kept by prune()
                except OSError:
                    pass
        self._small: dict[str, Result] | None = None  # the records' file, read when first asked
        self._used: set[str] = set()
        self._changed = False
        self.dropped = 0  # entries whose signature did not match

    def _small_results(self) -> dict[str, Result]:
        if self._small is None:
            self._small = {}
            if self.folder is None:
                return self._small
            try:
                with self._small_file().open(encoding="utf-8") as f:
                    if json.loads(f.readline() or "null") == {"format": RECORDS_FORMAT}:
                        for line in f:  # one entry at a time: the file is never all parsed at once
                            try:
                                entry = json.loads(line)
                                name = str(entry["name"])
                                if not signed(self._key, name, entry["result"], entry["mac"]):
                                    self.dropped += 1
                                    continue
                                self._small[name] = Result.from_json(json.loads(entry["result"]), self.shared)
                            except (ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError):
                                continue
            except (OSError, ValueError):
                pass
        return self._small

    def _small_file(self) -> Path:
        assert self.folder is not None
        return self.folder / f"records-{self.settings['record']}.jsonl"

    def path(self, digest: str, kind: str) -> Path | None:
        """The cache file of a file whose bytes hash to digest (None when nothing is cached)."""
        if self.folder is None:
            return None
        return self.folder / f"{digest[:32]}-{kind}-{self.settings.get(kind, 'other')}.json"

    def get(self, digest: str, kind: str) -> Result | None:
        """The cached result, or None."""
        if kind != "notebook":
            name = f"{digest[:32]}-{kind}"
            result = self._small_results().get(name)
            if result is not None:
                self._used.add(name)
            return result
        path = self.path(digest, kind)
        if path is None:
            return None
        try:
            cached = json.loads(path.read_text(encoding="utf-8"))
            if cached.get("format") == CACHE_FORMAT:
                if not signed(self._key, path.name, cached["result"], cached["mac"]):
                    self.dropped += 1
                    return None
                return Result.from_json(json.loads(cached["result"]), self.shared)
        except (OSError, ValueError, KeyError, AttributeError, TypeError, IndexError, RecursionError):
            pass
        return None

    def put(self, digest: str, kind: str, result: Result) -> None:
        """Keep a result, if it is worth keeping (see Result.cacheable)."""
        if not result.cacheable or self.folder is None or self._key is None:
            return
        if kind != "notebook":
            name = f"{digest[:32]}-{kind}"
            self._small_results()[name] = result  # the result itself: written as JSON only by flush
            self._used.add(name)
            self._changed = True
            return
        path = self.path(digest, kind)
        assert path is not None
        try:
            text = json.dumps(result.to_json())
            replace_text(path, json.dumps({"format": CACHE_FORMAT, "result": text,
                                           "mac": sign(self._key, path.name, text)}) + "\n")
        except (OSError, ValueError, TypeError):  # an uncached result is graded again next time
            pass

    def take_records(self, other: Cache) -> None:
        """Take over the results of records and other files that other holds (the same lesson
        and key, so the same records' file): only how notebooks run differs between the two."""
        if other.settings["record"] == self.settings["record"] and other.folder == self.folder:
            self._small, self._used, self._changed = other._small, other._used, other._changed
            self.dropped += other.dropped

    def flush(self) -> None:
        """Write the records' file (only the results this run used, in a fixed order), if anything changed."""
        if not self._changed or self._small is None or self.folder is None:
            return
        try:
            replace_text(self._small_file(), self._lines())
            self._changed = False
        except (OSError, ValueError, TypeError):
            pass

    def _lines(self) -> Iterator[str]:
        small = self._small or {}
        key = self._key
        assert key is not None
        yield json.dumps({"format": RECORDS_FORMAT}) + "\n"
        for name in sorted(self._used):
            if name in small:
                text = json.dumps(small[name].to_json())
                yield json.dumps({"name": name, "result": text, "mac": sign(key, name, text)}) + "\n"
