"""The one parser for lesson markup: solution regions and instructor notes.

A code cell tagged ``solution`` holds one or more regions::

    # BEGIN SOLUTION
    total = pledges["amount"].sum()
    # END SOLUTION
    check("money.total", total)

The teacher edition keeps the code and drops the marker lines; the student edition
replaces each region by a stub (``total = ...``). Markdown cells tagged ``instructor``
appear in the teacher edition only. Every build step uses :func:`parse_cell`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .._errors import MarkupError

BEGIN = re.compile(r"^\s*#\s*BEGIN SOLUTION\s*$")
END = re.compile(r"^\s*#\s*END SOLUTION\s*$")
MARKER = re.compile(r"#\s*(BEGIN|END)\s+SOLUTION", re.IGNORECASE)
ASSIGN = re.compile(r"^([A-Za-z_]\w*)\s*(?::[^=]+)?=(?!=)")
SOLUTION_TAG, INSTRUCTOR_TAG = "solution", "instructor"
STUB_COMMENT = "# Your code here"


@dataclass(frozen=True)
class Region:
    """One solution region: the 1-based lines of its markers and the code between them."""

    begin: int
    end: int
    code: tuple[str, ...]


def tags(cell) -> list[str]:
    """The tags of a notebook cell."""
    return list(cell.get("metadata", {}).get("tags", []))


def parse_cell(source: str, lesson: str, cell: int, tagged: bool) -> list[Region]:
    """Find the solution regions of one cell's source; raise MarkupError if malformed.

    >>> parse_cell("# BEGIN SOLUTION\\nx = 1\\n# END SOLUTION\\ncheck('a.b', x)", "demo", 3, True)
    [Region(begin=1, end=3, code=('x = 1',))]
    >>> parse_cell("# BEGIN SOLUTION\\nx = 1", "demo", 3, True)
    Traceback (most recent call last):
    ...
    lessonkit._errors.MarkupError: demo, cell 3, line 1: '# BEGIN SOLUTION' has no '# END SOLUTION' after it
    """
    regions: list[Region] = []
    start: int | None = None
    body: list[str] = []
    for n, line in enumerate(source.splitlines(), start=1):
        if BEGIN.match(line):
            if start is not None:
                raise MarkupError(lesson, cell, n, f"a second '# BEGIN SOLUTION' before the '# END SOLUTION' "
                                                   f"of line {start}")
            start, body = n, []
        elif END.match(line):
            if start is None:
                raise MarkupError(lesson, cell, n, "'# END SOLUTION' with no '# BEGIN SOLUTION' before it")
            regions.append(Region(start, n, tuple(body)))
            start = None
        elif MARKER.search(line):
            raise MarkupError(lesson, cell, n, f"malformed marker {line.strip()!r}; write '# BEGIN SOLUTION' "
                                               "or '# END SOLUTION' alone on the line")
        elif start is not None:
            body.append(line)
    if start is not None:
        raise MarkupError(lesson, cell, start, "'# BEGIN SOLUTION' has no '# END SOLUTION' after it")
    if regions and not tagged:
        raise MarkupError(lesson, cell, regions[0].begin, f"a solution region in a cell without the "
                                                          f"{SOLUTION_TAG!r} tag")
    if tagged and not regions:
        raise MarkupError(lesson, cell, None, f"tagged {SOLUTION_TAG!r} but has no '# BEGIN SOLUTION' region")
    return regions


def stub(region: Region) -> list[str]:
    """What the student edition shows instead of a region: each assigned name set to ``...``.

    >>> stub(Region(1, 4, ("total = df.sum()", "share = total / 2")))
    ['total = ...', 'share = ...']
    >>> stub(Region(1, 3, ("print(1)",)))
    ['# Your code here']
    """
    names = []
    for line in region.code:
        m = ASSIGN.match(line)
        if m and m.group(1) not in names:
            names.append(m.group(1))
    return [f"{name} = ..." for name in names] or [STUB_COMMENT]


def rewrite(source: str, regions: list[Region], student: bool) -> str:
    """The cell source for one edition: regions stubbed (student) or unmarked (teacher)."""
    lines = source.splitlines()
    out, i = [], 0
    for region in regions:
        out += lines[i:region.begin - 1]
        out += stub(region) if student else list(region.code)
        i = region.end
    out += lines[i:]
    return "\n".join(out)


def solution_lines(nb, lesson: str) -> list[str]:
    """Every non-blank line of every solution region in a notebook (for leak tests)."""
    found = []
    for index, cell in enumerate(nb.cells, start=1):
        if cell.cell_type != "code":
            continue
        for region in parse_cell(cell.source, lesson, index, SOLUTION_TAG in tags(cell)):
            found += [line.strip() for line in region.code if line.strip()]
    return found
