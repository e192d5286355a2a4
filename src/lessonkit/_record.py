"""The learning record: every checked answer, appended atomically to a JSON file.

One file per lesson, beside the notebook (or in LESSONKIT_RECORD_DIR). Each append takes a
file lock, reads the file, adds the attempt and replaces the file in one rename, so two
kernels writing at once lose nothing and a crash never leaves half a file. The lock file
lives in the user's temporary folder, so nothing but the record appears beside the notebook.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import secrets
import tempfile
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from . import _profile

FORMAT = "lessonkit-record/1"


def record_dir() -> Path:
    """Where learning records are written: LESSONKIT_RECORD_DIR, else the current folder."""
    return Path(os.environ.get("LESSONKIT_RECORD_DIR") or os.getcwd())


def record_path(lesson: str) -> Path:
    """The learning record file of one lesson."""
    return record_dir() / f"lessonkit-record-{lesson}.json"


def empty(lesson: str) -> dict:
    """A record with no attempts."""
    return {"format": FORMAT, "lesson": lesson, "student": _profile.student_name(record_dir()), "attempts": []}


def read(path: Path) -> dict:
    """Read a record file; raises ValueError if it is not a learning record."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("attempts"), list):
        raise ValueError(f"{Path(path).name} is not a lessonkit learning record")
    return data


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


def lock_path(path: Path) -> Path:
    """The lock file guarding one record: in the user's temporary folder, keyed by the record's
    path (beside the record only if that folder cannot be made)."""
    key = hashlib.sha256(str(Path(path).resolve()).encode()).hexdigest()[:24]
    try:
        user = getpass.getuser()
    except Exception:  # no user name in this environment
        user = "user"
    folder = Path(tempfile.gettempdir()) / f"lessonkit-locks-{user}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
    except OSError:
        return Path(path).with_name(Path(path).name + ".lock")
    return folder / f"{key}.lock"


def append(lesson: str, attempt: dict) -> list[dict]:
    """Add one attempt to the lesson's record and return all attempts now in it.

    A record that is not valid JSON is kept aside (renamed ``*.unreadable-N.json``), never
    overwritten. Raises OSError if the folder cannot be written.
    """
    from filelock import FileLock

    path = record_path(lesson)
    with FileLock(str(lock_path(path)), timeout=30):
        record = empty(lesson)
        if path.exists():
            try:
                record = read(path)
            except (ValueError, UnicodeDecodeError):
                n = 1
                while path.with_name(f"{path.stem}.unreadable-{n}.json").exists():
                    n += 1
                path.rename(path.with_name(f"{path.stem}.unreadable-{n}.json"))
        record["student"] = _profile.student_name(path.parent) or record.get("student", "")
        attempt = {"time": datetime.now(UTC).isoformat(timespec="seconds"), **attempt}
        record["attempts"].append(attempt)
        write_atomic(path, json.dumps(record, indent=1, ensure_ascii=False) + "\n")
    return record["attempts"]


def attempts(lesson: str) -> list[dict]:
    """The attempts saved so far for a lesson (empty if there is no readable record)."""
    try:
        return read(record_path(lesson))["attempts"]
    except (OSError, ValueError, UnicodeDecodeError):
        return []
