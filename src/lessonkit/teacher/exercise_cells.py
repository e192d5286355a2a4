"""Which cell of a notebook answers which exercise, and what its untouched stub looks like.

An exercise's own cell is the code cell that calls ``check("<id>", ...)``. The grader counts
an answer only when that cell produced it, and not when the cell is still the stub of the
student edition, which is built here, in memory, from the lesson's source.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

SOURCES_ENV = "LESSONKIT_LESSON_SOURCES"  # more lesson .md files or folders, separated like PATH
CHECK_CALL = re.compile(r"""\bcheck\(\s*(['"])([a-z][a-z0-9_]*\.[a-z0-9][a-z0-9_-]*)\1""")
_FRONT_MATTER_LESSON = re.compile(r"(?m)^\s+lesson:\s*['\"]?([\w-]+)['\"]?\s*$")


def checked_ids(source: str) -> set[str]:
    """The exercise ids a cell's source passes to check().

    >>> sorted(checked_ids('x = 1\\ncheck("sample.year", x)  # check("sample.venue", v)'))
    ['sample.venue', 'sample.year']
    """
    return {m.group(2) for m in CHECK_CALL.finditer(source)}


def normalize(source: str) -> str:
    """A cell's source with trailing spaces and blank lines ignored, for comparison with a stub.

    >>> normalize("year = ...  \\n\\ncheck('sample.year', year)\\n") == normalize("year = ...\\ncheck('sample.year', year)")
    True
    """
    return "\n".join(line.rstrip() for line in source.splitlines() if line.strip())


def cell_source(cell: object) -> str:
    """The source of a notebook cell as one string ('' when it has none)."""
    source = cell.get("source", "") if isinstance(cell, dict) else ""
    return "".join(s for s in source if isinstance(s, str)) if isinstance(source, list) else str(source)


def _candidates() -> list[Path]:
    """Lesson sources to search: LESSONKIT_LESSON_SOURCES, the installed copies, the checkout's."""
    from .._paths import lessons_toml

    places = [Path(p) for p in os.environ.get(SOURCES_ENV, "").split(os.pathsep) if p]
    places += [lessons_toml().parent, Path(__file__).resolve().parents[1] / "_package_data" / "notebooks",
               Path(__file__).resolve().parents[3] / "notebooks"]
    files: list[Path] = []
    for place in places:
        if place.is_file() and place.suffix == ".md":
            files.append(place)
        elif place.is_dir():
            files += sorted(place.glob("*.md"))
    return files


def find_source(lesson: str) -> Path | None:
    """The .md source of lesson (its front matter says ``lessonkit: lesson: <lesson>``), if found."""
    for path in _candidates():
        try:
            head = path.read_text(encoding="utf-8")[:4000]
        except (OSError, UnicodeDecodeError):
            continue
        if head.startswith("---") and lesson in _FRONT_MATTER_LESSON.findall(head.split("\n---", 1)[0]):
            return path
    return None


@lru_cache(maxsize=None)
def student_stubs(lesson: str) -> dict[str, str] | None:
    """The normalised source of each exercise's cell in the student edition of lesson, by id;
    None when the lesson's source cannot be found or built."""
    from . import editions

    source = find_source(lesson)
    if source is None:
        return None
    try:
        nb = editions.read_lesson(source)
        student = editions.make_edition(nb, lesson, editions.STUDENT_STEPS)
    except Exception:  # a broken source: the stub rule cannot be applied
        return None
    stubs: dict[str, str] = {}
    for cell in student.cells:
        if cell.get("cell_type") == "code":
            for eid in checked_ids(cell_source(cell)):
                stubs.setdefault(eid, normalize(cell_source(cell)))
    return stubs
