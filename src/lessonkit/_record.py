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
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from . import _profile
from ._files import write_atomic
from ._paths import record_dir

FORMAT = "lessonkit-record/1"


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
