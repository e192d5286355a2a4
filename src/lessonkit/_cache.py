"""A private, per-user cache of the validated data package, keyed by a hash of its content.

Validating every cell of the data package costs a new kernel about 30 ms; loading the
already validated, typed tables costs about 4 ms. The tables are kept with pandas' own
format, pickle, because every safe alternative either needs a heavy dependency (parquet
needs pyarrow) or rebuilds the DataFrames, which is half the cost saved. Pickle runs code
when it is loaded, so a cache file is trusted only when all of these hold:

- its folder is the user's own: owned by the user running Python, a real folder (not a
  symbolic link) that no group or other user can read or write (mode 0700, which this
  module sets when it creates the folder); anyone who can write there can already run code
  as the user;
- its bytes match the SHA-256 written at the head of the same file (a truncated,
  half-written or corrupted file is ignored and replaced, never loaded);
- its name is the hash of everything the tables depend on (every file of the package,
  the loader's own source, the versions of Python and pandas), so a changed byte in any
  file means a different name: a stale entry is never found, only pruned later.

The folder is ``$LESSONKIT_CACHE_DIR`` if set (``none`` turns the cache off), else the
user's cache folder as platformdirs knows it for each system (on Linux
``$XDG_CACHE_HOME/lessonkit``, else ``~/.cache/lessonkit``; ``~/Library/Caches/lessonkit`` on
macOS; ``%LOCALAPPDATA%/lessonkit/Cache`` on Windows). Writes go to a temporary file
that is renamed into place, so concurrent writers leave only whole files. Where the folder
cannot be created or written (a read-only home, a sandbox), the cache is silently skipped.
"""

from __future__ import annotations

import hashlib
import os
import stat
import sys
import tempfile
import time
from pathlib import Path

CACHE_ENV = "LESSONKIT_CACHE_DIR"
KEEP = 8  # entries of one kind kept; older ones are deleted when a new one is written
# The kinds of entry, each with its own file name ending and number kept: the typed tables
# (the data package: one entry per version), rendered figures (see lessonkit._figure_cache) and
# the answers a key computes from the data and the modules each source file imports (see
# lessonkit.teacher.grading.key).
KINDS = {"tables": (".pickle", KEEP), "figure": (".figure", 96), "key": (".key", 32), "imports": (".imports", 2)}
_SUFFIX = KINDS["tables"][0]
_MAGIC = b"lessonkit cache 1\n"


MAX_HASHED_FILES = 5_000  # files hashed from one folder (hash_folder)
MAX_READ_BYTES = 20_000_000  # a larger file is hashed by its size and modification time


def folder_files(folder: Path) -> list[Path]:
    """Regular files under folder, sorted, without hidden ones or compiled caches."""
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "__pycache__")
        found += [Path(dirpath) / f for f in sorted(filenames) if not f.startswith(".")]
        if len(found) > MAX_HASHED_FILES:
            break
    return [f for f in found if f.is_file()][:MAX_HASHED_FILES]


def hash_folder(h: hashlib._Hash, label: str, folder: Path) -> None:
    """Feed every file under folder (see folder_files) into the hash h, with its path: the
    answer key's version and the figure cache's key both change whenever one does."""
    h.update(f"\0folder {label}\0".encode())
    for file in folder_files(folder):
        name = file.relative_to(folder).as_posix()
        try:
            st = file.stat()
            if st.st_size > MAX_READ_BYTES:  # a large file is known by its size and time
                h.update(f"{name}\0{st.st_size} {st.st_mtime_ns}\0".encode())
            else:
                h.update(name.encode() + b"\0" + file.read_bytes() + b"\0")
        except OSError as e:  # an unreadable file still changes the version when it changes
            h.update(f"{name}\0unreadable {e.errno}\0".encode())


def cache_dir() -> Path | None:
    """The cache folder (not created here), or None when the cache is turned off."""
    env = os.environ.get(CACHE_ENV)
    if env is not None:
        return None if env.strip().lower() in ("", "none", "off", "0") else Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("lessonkit", appauthor=False))


def _private(folder: Path) -> bool:
    """True if the folder is a real folder owned by this user and closed to everyone else."""
    try:
        st = os.lstat(folder)
    except OSError:
        return False
    if not stat.S_ISDIR(st.st_mode):
        return False
    if sys.platform == "win32":  # no POSIX owners or modes; the user's profile is private
        return True
    return st.st_uid == os.getuid() and not st.st_mode & 0o077


def _open_folder(create: bool) -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    if create:
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError:
            return None
    return folder if _private(folder) else None


def read(key: str, kind: str = "tables") -> bytes | None:
    """The bytes cached under ``key``, only if they are whole and in a private folder."""
    folder = _open_folder(create=False)
    if folder is None:
        return None
    try:
        raw = (folder / f"{key}{KINDS[kind][0]}").read_bytes()
    except OSError:
        return None
    head, _, data = raw[len(_MAGIC):].partition(b"\n")
    if not raw.startswith(_MAGIC) or head != hashlib.sha256(data).hexdigest().encode("ascii"):
        return None
    return data


def write(key: str, data: bytes, kind: str = "tables") -> None:
    """Keep ``data`` under ``key`` (atomically; silently nothing where the folder is unusable)."""
    folder = _open_folder(create=True)
    if folder is None:
        return
    digest = hashlib.sha256(data).hexdigest().encode("ascii")
    suffix, keep = KINDS[kind]
    try:
        _replace(folder / f"{key}{suffix}", _MAGIC + digest + b"\n" + data)
        _prune(folder, suffix, keep)
    except OSError:
        return


def _replace(path: Path, data: bytes) -> None:
    """Write a temporary file beside ``path`` and rename it into place (atomic on one file system)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _prune(folder: Path, suffix: str = _SUFFIX, keep: int = KEEP) -> None:
    """Delete all but the ``keep`` most recent entries of one kind, and temporary files left for an hour."""
    entries = sorted(folder.glob(f"*{suffix}"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in entries[keep:]:
        old.unlink(missing_ok=True)
    for tmp in folder.glob(".*.tmp"):
        if time.time() - tmp.stat().st_mtime > 3600:
            tmp.unlink(missing_ok=True)
