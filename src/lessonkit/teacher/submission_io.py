"""Reading a submission's bytes safely: regular files only, a size limit and a time limit.

A class's folder may hold anything a zip or a student can make: FIFOs (which block a plain
``open``), symbolic links to devices (``/dev/zero`` never ends), huge files, files on a
hanging network mount. None of them may stop grading: each becomes a sentence for its row.
"""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

MAX_FILE_BYTES = 20_000_000
READ_SECONDS = 20.0


def _read(path: Path, limit: int) -> tuple[bytes | None, str]:
    """The bytes of path if it is a regular file of at most limit bytes (no time limit)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        if os.path.islink(path):
            return None, "the file is a symbolic link, not the file itself (not read)"
        fd = os.open(path, flags)
    except OSError as e:
        return None, f"the file could not be read ({e.strerror or type(e).__name__})"
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None, "not a regular file (a FIFO, device, socket or folder; not read)"
        if info.st_size > limit:
            return None, f"the file is {info.st_size / 1e6:.0f} MB, more than the {limit / 1e6:.0f} MB allowed"
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            return None, f"the file grew past the {limit / 1e6:.0f} MB allowed while it was read"
        return b"".join(chunks), ""
    except OSError as e:
        return None, f"the file could not be read ({e.strerror or type(e).__name__})"
    finally:
        os.close(fd)


def read_submission(path: Path, limit: int = MAX_FILE_BYTES, seconds: float = READ_SECONDS) -> tuple[bytes | None, str]:
    """The bytes of a submission, or None and a sentence saying why it was not read.

    Only a regular file is read (opened without following a final symbolic link and without
    blocking, then checked with fstat); at most limit bytes; a read still going after
    seconds is abandoned. Never raises.
    """
    result: list[tuple[bytes | None, str]] = []

    def work() -> None:
        try:
            result.append(_read(Path(path), limit))
        except Exception as e:  # noqa: BLE001 - whatever happens is this file's row
            result.append((None, f"the file could not be read ({type(e).__name__})"))

    reader = threading.Thread(target=work, name="lessonkit-read", daemon=True)
    reader.start()
    reader.join(seconds)
    if not result:
        return None, f"the file could not be read within {seconds:g} s (not read)"
    return result[0]
