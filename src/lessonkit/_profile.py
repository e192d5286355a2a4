"""The student's name, set once and stamped into every learning record.

The name is kept in a small profile file beside the records (``lessonkit-profile.json``).
When a record is written its ``student`` is, in this order: LESSONKIT_STUDENT, the profile's
name, JUPYTERHUB_USER.
"""

from __future__ import annotations

import html
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FORMAT = "lessonkit-profile/1"
FILE_NAME = "lessonkit-profile.json"
MAX_NAME = 100


def profile_path(folder: Path) -> Path:
    """The profile file in a folder of learning records."""
    return Path(folder) / FILE_NAME


def saved_name(folder: Path) -> str:
    """The name saved in the folder's profile; empty if there is no readable profile."""
    try:
        data = json.loads(profile_path(folder).read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return ""
    name = data.get("name") if isinstance(data, dict) and data.get("format") == FORMAT else None
    return name.strip() if isinstance(name, str) else ""


def student_name(folder: Path) -> str:
    """The name a record written in folder carries: LESSONKIT_STUDENT, the profile, JUPYTERHUB_USER."""
    return (os.environ.get("LESSONKIT_STUDENT", "").strip() or saved_name(folder)
            or os.environ.get("JUPYTERHUB_USER", "").strip())


@dataclass(frozen=True)
class NameNote:
    """What ``set_name`` did, in words; renders as text and as HTML."""

    saved: bool
    message: str

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return self.message

    def _repr_html_(self) -> str:
        return f'<p class="lessonkit-name" role="status">{html.escape(self.message)}</p>'


def _problem(name: Any) -> str:
    """Why name cannot be saved as a student's name; empty if it can."""
    if name is Ellipsis or (isinstance(name, str) and name.strip() in ("", "...")):
        return "Not saved yet: replace the ... with your name in quotes, like \"Alice Smith\", and run the cell again."
    if not isinstance(name, str):
        return f"Not saved: your name goes in quotes, like \"Alice Smith\" (this is {type(name).__name__}, not text)."
    if len(name.strip()) > MAX_NAME:
        return f"Not saved: that is {len(name.strip())} characters long; write your name in at most {MAX_NAME}."
    if any(not c.isprintable() for c in name.strip()):
        return "Not saved: write your name on one line, with letters and spaces only."
    return ""


def set_name(name: str) -> NameNote:
    """Save the student's name once; every learning record written from now on carries it.

    The name goes into ``lessonkit-profile.json`` in the folder of the records (the
    notebook's folder). Never raises: a name that cannot be saved gets a message saying why.

    >>> print(set_name(...))
    Not saved yet: replace the ... with your name in quotes, like "Alice Smith", and run the cell again.
    """
    from ._files import write_atomic
    from ._paths import record_dir

    problem = _problem(name)
    if problem:
        return NameNote(False, problem)
    name = " ".join(name.split())
    folder = record_dir()
    try:
        text = json.dumps({"format": FORMAT, "name": name}, ensure_ascii=False, indent=1) + "\n"
        write_atomic(profile_path(folder), text)
    except OSError as e:
        return NameNote(False, f"Not saved: the file {FILE_NAME} could not be written in {folder} "
                               f"({type(e).__name__}). Ask your teacher.")
    note = f"Saved: your learning records will carry the name {name!r} (kept in {FILE_NAME})."
    env = os.environ.get("LESSONKIT_STUDENT", "").strip()
    if env and env != name:
        note += f" This computer sets the name {env!r} for you, and that one is used instead."
    return NameNote(True, note)
