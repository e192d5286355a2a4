"""Reading a submission safely: regular files only, a size and a time limit; then its JSON.

A class's folder may hold anything a zip or a student can make: FIFOs (which block a plain
``open``), symbolic links to devices (``/dev/zero`` never ends), huge files, files on a
hanging network mount. None of them may stop grading: each becomes a sentence for its row.
"""

from __future__ import annotations

import errno
import json
import os
import queue
import stat
import threading
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

MAX_FILE_BYTES = 20_000_000
READ_SECONDS = 20.0


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_FLAGS = os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
_SYMLINK = "the file is a symbolic link, not the file itself (not read)"


def _read(path: Path | str, limit: int) -> tuple[bytes | None, str]:
    """The bytes of path if it is a regular file of at most limit bytes (no time limit)."""
    try:
        if not _NOFOLLOW and os.path.islink(path):
            return None, _SYMLINK
        fd = os.open(path, _FLAGS)
    except OSError as e:
        if _NOFOLLOW and e.errno in (errno.ELOOP, errno.EMLINK) and os.path.islink(path):
            return None, _SYMLINK  # O_NOFOLLOW refused the link itself
        return None, f"the file could not be read ({e.strerror or type(e).__name__})"
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None, "not a regular file (a FIFO, device, socket or folder; not read)"
        if info.st_size > limit:
            return None, f"the file is {info.st_size / 1e6:.0f} MB, more than the {limit / 1e6:.0f} MB allowed"
        chunks, size = [], 0
        want = min(info.st_size + 1, limit + 1)  # the whole file, and one byte to see that it ends
        while size <= limit:
            chunk = os.read(fd, want)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if len(chunk) < want:  # a short read of a regular file: its end
                break
            want = min(1 << 20, limit + 1 - size)
        if size > limit:
            return None, f"the file grew past the {limit / 1e6:.0f} MB allowed while it was read"
        return b"".join(chunks), ""
    except OSError as e:
        return None, f"the file could not be read ({e.strerror or type(e).__name__})"
    finally:
        os.close(fd)


def _safe_read(path: Path, limit: int) -> tuple[bytes | None, str]:
    try:
        return _read(path, limit)
    except Exception as e:  # noqa: BLE001 - whatever happens is this file's row
        return None, f"the file could not be read ({type(e).__name__})"


AHEAD = 8  # files read ahead of the grader


def read_many(paths: Sequence[Path], limit: int = MAX_FILE_BYTES, seconds: float = READ_SECONDS,
              ahead: int = AHEAD) -> Iterator[tuple[bytes | None, str]]:
    """For each path in turn, its bytes or None and a sentence saying why not (as read_submission).

    One thread reads up to ``ahead`` files ahead of the caller (a thread per file, or a
    hand-over per file, costs more than a small file's read). When the next file has not
    come ``seconds`` after the caller asked for it, that read is abandoned with its thread
    and a new thread goes on from the file after it.
    """
    start = 0
    while start < len(paths):
        answers: queue.Queue = queue.Queue(maxsize=ahead)
        stop = threading.Event()
        threading.Thread(target=_serve, args=(paths, start, limit, answers, stop), name="lessonkit-read",
                         daemon=True).start()
        try:
            while start < len(paths):
                try:
                    got = answers.get(timeout=seconds)
                except queue.Empty:  # that thread is stuck in this read: leave it
                    got = None, f"the file could not be read within {seconds:g} s (not read)"
                    start += 1
                    yield got
                    break
                start += 1
                yield got
        finally:
            stop.set()


def _serve(paths: Sequence[Path], start: int, limit: int, answers: queue.Queue, stop: threading.Event) -> None:
    for path in paths[start:]:
        got = _safe_read(path, limit)
        while not stop.is_set():
            try:
                answers.put(got, timeout=0.5)
                break
            except queue.Full:
                continue
        else:
            return


def read_submission(path: Path, limit: int = MAX_FILE_BYTES, seconds: float = READ_SECONDS) -> tuple[bytes | None, str]:
    """The bytes of a submission, or None and a sentence saying why it was not read.

    Only a regular file is read (opened without following a final symbolic link and without
    blocking, then checked with fstat); at most limit bytes; a read still going after
    seconds is abandoned. Never raises.
    """
    return next(read_many([path], limit, seconds))


def parse_json(data: bytes, what: str) -> tuple[Any, str]:
    """Parsed JSON, or None and a sentence saying why it is not valid.

    >>> parse_json(b"[1]", "record"), parse_json(b"[", "record")[1]
    (([1], ''), 'not a record: invalid JSON at line 1, column 2 (Expecting value)')
    """
    if not data.strip():
        return None, "the file is empty"
    try:
        return json.loads(data.decode("utf-8")), ""
    except UnicodeDecodeError:
        return None, f"not a {what}: the file is not UTF-8 text"
    except json.JSONDecodeError as e:
        return None, f"not a {what}: invalid JSON at line {e.lineno}, column {e.colno} ({e.msg})"
    except RecursionError:
        return None, f"not a {what}: the JSON is nested too deeply"
    except ValueError as e:  # e.g. a number of more digits than Python converts
        return None, f"not a {what}: the JSON cannot be read ({' '.join(str(e).split())[:80]})"
    except MemoryError:
        return None, f"not a {what}: the JSON is too large to read"


def looks_like_notebook(data: bytes | None) -> bool:
    """Whether data looks like a notebook of nbformat 4 at a glance (cells with a known type and
    a text source), without nbformat, whose import takes seconds; read_notebook decides.

    >>> looks_like_notebook(b'{"nbformat": 4, "cells": [{"cell_type": "code", "source": ["x"]}]}')
    True
    >>> looks_like_notebook(b'{"nbformat": 4, "cells": [{"cell_type": 3}]}'), looks_like_notebook(None)
    (False, False)
    """
    raw = parse_json(data, "notebook")[0] if data is not None else None
    if not isinstance(raw, dict) or type(raw.get("nbformat")) is not int or raw["nbformat"] != 4:
        return False
    cells = raw.get("cells")
    return isinstance(cells, list) and all(
        isinstance(c, dict) and c.get("cell_type") in ("code", "markdown", "raw")
        and (isinstance(c.get("source"), str) or (isinstance(c.get("source"), list)
                                                  and all(isinstance(x, str) for x in c["source"])))
        for c in cells)


def read_notebook(data: bytes | None, why: str) -> tuple[Any, str]:
    """A valid notebook (nbformat 4) from a submission's bytes, or None and why not."""
    import nbformat

    if data is None:
        return None, why
    raw, why = parse_json(data, "notebook")
    if why:
        return None, why
    if not isinstance(raw, dict) or "cells" not in raw or "nbformat" not in raw:
        return None, "not a notebook (no cells or nbformat version in the JSON)"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nb = nbformat.reads(json.dumps(raw), as_version=4)
            nbformat.validator.normalize(nb)
            nbformat.validate(nb)
    except Exception as e:
        text = " ".join(str(e).split())[:160]
        return None, f"not a valid notebook ({type(e).__name__}: {text})"
    return nb, ""
