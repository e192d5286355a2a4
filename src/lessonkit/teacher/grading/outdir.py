"""The output folder of a run, written without following anything found in it.

A run writes ``gradebook.csv``, ``report.html``, ``run-notes.txt`` and ``feedback/*.md``. The
folder may hold what someone else put there (a link ``feedback -> ~/Documents``, a link
where a report goes), so every file is made from a handle on its folder (``openat``): the
output folder is opened once, by its resolved path, without following a link; ``feedback``
is opened from it the same way, and a link or file planted under that name is removed (the
link itself, never what it points to) and a real folder made in its place. Files are written
to a new temporary name (``O_EXCL | O_NOFOLLOW``) and renamed over the old one, which replaces
a link rather than writing through it. Nothing in the folder is read.

Where the system offers no directory handles (Windows), paths are used as before.
"""

from __future__ import annotations

import errno
import json
import os
import secrets
from collections.abc import Iterable
from pathlib import Path

from ..._errors import UsageError

_DIR_FDS = {os.open, os.rename, os.mkdir, os.unlink} <= os.supports_dir_fd and hasattr(os, "O_DIRECTORY")
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
MANIFEST = "feedback-files.json"  # in the run's cache folder: the feedback files the last run wrote


def refuse_inside_submissions(out: Path, submissions: list[str]) -> None:
    """Raise UsageError when the output folder is, or lies inside, a folder of submissions
    (students could have put anything there, links included). A single file given is read
    alone, so only folders count.

    >>> import tempfile; class_ = tempfile.mkdtemp()
    >>> refuse_inside_submissions(Path(class_) / "graded", [class_])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    lessonkit._errors.UsageError: --out .../graded is inside the submissions (...): ...
    """
    target = Path(out).resolve()
    for given in submissions:
        folder = Path(given).resolve()
        if not folder.is_dir():  # a file handed in is read alone, and a missing one is an error of its own
            continue
        if target == folder or folder in target.parents:
            raise UsageError(f"--out {out} is inside the submissions ({given}): what students handed in could "
                             "be read there as the grader's own files; give an output folder outside it")


class OutFolder:
    """A folder opened for writing the run's files (see the module); close() when done."""

    def __init__(self, path: Path, fd: int | None) -> None:
        self.path = path
        self._fd = fd

    @classmethod
    def open(cls, path: Path) -> OutFolder:
        """The output folder, made if missing, opened by its resolved path without following a link."""
        path = Path(path).resolve()
        try:
            path.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_RDONLY | _DIRECTORY | _NOFOLLOW) if _DIR_FDS else None
        except OSError as e:
            raise UsageError(f"cannot write to --out {path} ({e.strerror or e})") from None
        return cls(path, fd)

    def folder(self, name: str) -> OutFolder:
        """A real folder called name inside this one (a link or file there is replaced by it)."""
        _plain(name)
        if self._fd is None:
            (self.path / name).mkdir(exist_ok=True)
            return OutFolder(self.path / name, None)
        for _ in range(3):
            try:
                os.mkdir(name, 0o777, dir_fd=self._fd)
            except FileExistsError:
                pass
            try:
                return OutFolder(self.path / name, os.open(name, os.O_RDONLY | _DIRECTORY | _NOFOLLOW,
                                                           dir_fd=self._fd))
            except OSError as e:
                if e.errno not in (errno.ELOOP, errno.ENOTDIR, errno.ENOENT):
                    raise
                self.unlink(name)  # a link or a file in the way: the name itself goes, never its target
        raise UsageError(f"cannot make the folder {self.path / name}: something keeps replacing it")

    def write(self, name: str, text: str | Iterable[str], sync: bool = False) -> None:
        """Replace the file name with text in one rename (a link of that name is replaced, not followed)."""
        _plain(name)
        if self._fd is None:
            from ..._record import write_atomic

            write_atomic(self.path / name, text, sync=sync)
            return
        tmp = f".{name}.{secrets.token_hex(4)}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o666, dir_fd=self._fd)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
                f.writelines([text] if isinstance(text, str) else text)
                if sync:
                    f.flush()
                    os.fsync(f.fileno())
            os.replace(tmp, name, src_dir_fd=self._fd, dst_dir_fd=self._fd)
        except BaseException:
            try:
                os.unlink(tmp, dir_fd=self._fd)
            except OSError:
                pass
            raise

    def unlink(self, name: str) -> None:
        """Remove the file or link name, if there (never what a link points to)."""
        _plain(name)
        try:
            if self._fd is None:
                (self.path / name).unlink()
            else:
                os.unlink(name, dir_fd=self._fd)
        except FileNotFoundError:
            pass

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> OutFolder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _plain(name: str) -> None:
    """Refuse a name that is not one plain entry of a folder (the names are the grader's own)."""
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\0" in name:
        raise ValueError(f"not a plain file name: {name!r}")


def remove_stale_feedback(out: Path, folder: OutFolder, names: list[str]) -> None:
    """Remove the feedback files an earlier run into out wrote for submissions now gone, and
    remember the names written now. The list is kept, signed, in the run's cache folder (see
    :mod:`lessonkit.teacher.grading.cache`), never in the output folder; without it, nothing is removed."""
    from .cache import cache_folder, replace_text, sign, signed, signing_key

    cache = cache_folder(out)
    key = signing_key(cache.parent) if cache is not None else None
    if cache is None or key is None:
        return
    manifest = cache / MANIFEST
    try:
        kept = json.loads(manifest.read_text(encoding="utf-8"))
        if signed(key, MANIFEST, kept["names"], kept["mac"]):
            for old in set(json.loads(kept["names"])) - set(names):
                if isinstance(old, str) and old.endswith(".md") and not old.startswith("."):
                    try:
                        folder.unlink(old)
                    except (OSError, ValueError):
                        pass
    except (OSError, ValueError, KeyError, TypeError):
        pass
    text = json.dumps(sorted(names))
    try:
        cache.mkdir(mode=0o700, parents=True, exist_ok=True)
        replace_text(manifest, json.dumps({"names": text, "mac": sign(key, MANIFEST, text)}) + "\n")
    except OSError:
        pass
