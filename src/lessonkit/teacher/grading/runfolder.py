"""The temporary folder of one run, and the removal of those a killed run left behind.

Each run works in a folder ``lessonkit-grade-*`` of the system's temporary folder (the
kernels' throwaway folders are made inside it) and holds a lock on a file in it for as long
as it lives; the kernel drops the lock when the process ends, however it ends. A run that
starts removes every such folder of this user whose lock nobody holds (its run was killed),
and the folder of the fork server's socket (``pymp-*``) that run noted in it.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
import time
from pathlib import Path

PREFIX = "lessonkit-grade-"
LOCK = ".lock"
NOTED = ".pymp"  # the path of the run's pymp-* folder, once it has one
UNLOCKED_GRACE = 600.0  # seconds: a folder without a lock file may be one just being made
_PYMP = re.compile(r"pymp-[A-Za-z0-9_]+")


class RunFolder:
    """The folder of this run (see the module); close() removes it."""

    def __init__(self) -> None:
        sweep()
        self.path = Path(tempfile.mkdtemp(prefix=PREFIX))
        self._lock = _locked(self.path / LOCK, create=True)

    def note_pymp(self) -> None:
        """Remember where multiprocessing keeps this run's sockets, for the next run to remove
        if this one is killed (multiprocessing removes it at a normal exit)."""
        from multiprocessing import util

        try:
            folder = Path(util.get_temp_dir())
            (self.path / NOTED).write_text(str(folder), encoding="utf-8")
        except OSError:
            pass

    def close(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None


def _locked(path: Path, create: bool = False) -> int | None:
    """A file descriptor holding an exclusive lock on path, or None if another process holds it
    (or locks do not exist here)."""
    try:
        import fcntl
    except ImportError:  # Windows: no stale folders are removed
        return None
    flags = os.O_RDWR | getattr(os, "O_NOFOLLOW", 0) | (os.O_CREAT if create else 0)
    try:
        fd = os.open(path, flags, 0o600)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return fd
    except OSError:
        os.close(fd)
        return None


def _own_folder(path: Path) -> bool:
    try:
        info = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and (os.name != "posix" or info.st_uid == os.getuid())


def sweep(temp: Path | None = None) -> list[Path]:
    """Remove the folders of runs that died (see the module); the folders removed."""
    temp = Path(temp or tempfile.gettempdir())
    removed: list[Path] = []
    try:
        candidates = sorted(temp.glob(f"{PREFIX}*"))
    except OSError:
        return removed
    for folder in candidates:
        if not _own_folder(folder):
            continue
        lock = folder / LOCK
        if lock.exists():
            fd = _locked(lock)
            if fd is None:
                continue  # a live run (or a lock that cannot be taken: left alone)
        else:
            try:
                if time.time() - os.lstat(folder).st_mtime < UNLOCKED_GRACE:
                    continue
            except OSError:
                continue
            fd = None
        try:
            noted = (folder / NOTED).read_text(encoding="utf-8").strip() if (folder / NOTED).is_file() else ""
            pymp = Path(noted)
            if noted and _PYMP.fullmatch(pymp.name) and pymp.parent == temp.resolve() and _own_folder(pymp):
                shutil.rmtree(pymp, ignore_errors=True)
                removed.append(pymp)
        except OSError:
            pass
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
        if fd is not None:
            os.close(fd)
    return removed
