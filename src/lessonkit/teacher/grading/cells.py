"""Which cell of a notebook answers which exercise, and what its untouched stub looks like.

An exercise's own cell is the code cell that calls ``check("<id>", ...)``. The grader counts
an answer only when that cell produced it, and not when the cell is still the stub of the
student edition, which is built here, in memory, from the lesson's source.
"""

from __future__ import annotations

import ast
import os
import re
from functools import cache
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
    """A cell's code with layout and comments ignored (its syntax tree), for comparison with a stub.

    >>> normalize("year = ( ... )  # later\\n\\ncheck('y.x', year)\\n") == normalize("year = ...\\ncheck('y.x', year)")
    True
    """
    try:
        return ast.dump(ast.parse(source))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return "\n".join(line.rstrip() for line in source.splitlines() if line.strip())


def passes_stub(source: str, exercise_id: str) -> bool:
    """True when the cell's one check() of exercise_id directly follows ``name = ...`` and
    passes that name: a real check() can then only have been given ``...``.

    >>> passes_stub("year = ...  # todo\\npass\\nyear = ...\\ncheck('y.x', year)", "y.x")
    True
    >>> passes_stub("year = ...\\nyear = 2025\\ncheck('y.x', year)", "y.x")
    False
    """
    try:
        body = ast.parse(source).body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    calls = [i for i, node in enumerate(body) if _checks(node, exercise_id)]
    if len(calls) != 1 or calls[0] == 0:
        return False
    call = body[calls[0]]
    assert isinstance(call, ast.Expr) and isinstance(call.value, ast.Call)  # what _checks matched
    arg = call.value.args[1]
    before = body[calls[0] - 1]
    return (isinstance(arg, ast.Name) and isinstance(before, ast.Assign) and len(before.targets) == 1
            and isinstance(before.targets[0], ast.Name) and before.targets[0].id == arg.id
            and isinstance(before.value, ast.Constant) and before.value.value is Ellipsis)


def _checks(node: ast.stmt, exercise_id: str) -> bool:
    """node is the statement ``check("<exercise_id>", <one argument>)``."""
    call = node.value if isinstance(node, ast.Expr) else None
    return (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "check"
            and len(call.args) == 2 and not call.keywords and isinstance(call.args[0], ast.Constant)
            and call.args[0].value == exercise_id)


def cell_source(cell: object) -> str:
    """The source of a notebook cell as one string ('' when it has none)."""
    source = cell.get("source", "") if isinstance(cell, dict) else ""
    return "".join(s for s in source if isinstance(s, str)) if isinstance(source, list) else str(source)


def _candidates() -> list[Path]:
    """Lesson sources to search: LESSONKIT_LESSON_SOURCES, the installed copies, the checkout's."""
    from ..._paths import lessons_toml

    places = [Path(p) for p in os.environ.get(SOURCES_ENV, "").split(os.pathsep) if p]
    # the checkout's notebooks/ (beside lessons.toml) or the copy installed with the package
    places += [lessons_toml().parent, Path(__file__).resolve().parents[2] / "_package_data" / "notebooks"]
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


@cache
def student_stubs(lesson: str) -> dict[str, str] | None:
    """The normalised source of each exercise's cell in the student edition of lesson, by id;
    None when the lesson's source cannot be found or built."""
    from .. import edition_steps

    source = find_source(lesson)
    if source is None:
        return None
    try:
        nb = edition_steps.read_lesson(source)
        student = edition_steps.make_edition(nb, lesson, edition_steps.STUDENT_STEPS)
    except Exception:  # a broken source: the stub rule cannot be applied
        return None
    stubs: dict[str, str] = {}
    for cell in student.cells:
        if cell.get("cell_type") == "code":
            for eid in checked_ids(cell_source(cell)):
                stubs.setdefault(eid, normalize(cell_source(cell)))
    return stubs
