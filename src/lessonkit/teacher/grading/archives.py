"""Archives handed in (a zip of a student's folder): named in the run notes, never opened.

A student may hand in a ``.zip`` (or a tarball, a 7-Zip or RAR file) holding their notebook or
record. The grader does not unpack archives (a zip may hold links, ``..`` paths or a
compression bomb); it lists each one found in the submissions, by name, so the teacher can
unpack it and grade again.
"""

from __future__ import annotations

import os
from pathlib import Path

from .sanitize import NAME_CHARS, clean

SUFFIXES = (".zip", ".tar", ".tgz", ".tar.gz", ".tar.bz2", ".tar.xz", ".tbz2", ".txz", ".gz", ".bz2", ".xz",
            ".7z", ".rar")
SHOWN = 20  # archives named in the note; more are counted


def is_archive(name: str) -> bool:
    """Whether a file name is an archive's.

    >>> is_archive("alice.ZIP"), is_archive("work.tar.gz"), is_archive("alice.json")
    (True, True, False)
    """
    return name.lower().endswith(SUFFIXES)


def find_archives(paths: list[str], out: Path) -> list[str]:
    """The archives among the submissions named by paths (files as given, folders searched as
    :func:`lessonkit.teacher.grading.submissions.discover` searches them), as shown labels."""
    out = Path(out).resolve()
    found: list[str] = []
    for raw in paths:
        path = Path(raw)
        if path.is_file():
            if is_archive(path.name):
                found.append(path.name)
            continue
        if not path.is_dir():
            continue
        base = path.resolve()
        for dirpath, dirnames, filenames in os.walk(base):
            here = Path(dirpath)
            dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and (here / d).resolve() != out)
            found += [(Path(base.name) / (here / name).relative_to(base)).as_posix()
                      for name in sorted(filenames) if is_archive(name) and not name.startswith(".")]
    return found


def archives_note(found: list[str]) -> list[str]:
    """The run note naming the archives found (none when there are none)."""
    if not found:
        return []
    shown = ", ".join(clean(f, NAME_CHARS * 2) for f in found[:SHOWN])
    more = f" and {len(found) - SHOWN} more" if len(found) > SHOWN else ""
    return [f"{len(found)} archive file{'s' * (len(found) != 1)} found among the submissions and not opened "
            f"(archives are never unpacked by the grader; unpack them and grade again): {shown}{more}."]
