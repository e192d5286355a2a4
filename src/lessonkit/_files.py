"""Files replaced whole: a reader sees the old file or the new one, never half of either."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable
from pathlib import Path


def write_atomic(path: Path, text: str | Iterable[str], sync: bool = True) -> None:
    """Replace path with text in one rename: readers see the old file or the new, never half.

    text may be an iterable of pieces, written one after another (a large file need not be
    one string in memory). ``sync=False`` skips the fsync, for the many small files of a run
    that a crash may lose but never leave half written.
    """
    target = os.fspath(path)
    fd, tmp = _create_temporary(target)
    owned = True  # whether fd is still this function's to close
    try:
        if isinstance(text, str) and os.linesep == "\n":  # what text mode would write, without its file object
            data = memoryview(text.encode("utf-8"))
            while data:
                data = data[os.write(fd, data):]
            if sync:
                os.fsync(fd)
            owned = False
            os.close(fd)
        else:
            f = os.fdopen(fd, "w", encoding="utf-8")
            owned = False  # the file object closes it
            with f:
                f.writelines([text] if isinstance(text, str) else text)
                if sync:
                    f.flush()
                    os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        if owned:
            os.close(fd)
        Path(tmp).unlink(missing_ok=True)
        raise


def _create_temporary(path: str) -> tuple[int, str]:
    """Open a new hidden file beside path, with the permissions the user's umask gives.

    ``tempfile.mkstemp`` would make it owner-only (0600) whatever the umask; the rename then
    gives that mode to the finished file.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    folder, name = os.path.split(path)
    while True:
        tmp = os.path.join(folder, f".{name}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue
