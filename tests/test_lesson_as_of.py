"""Every lesson says, near its top, the date its data runs to (the package's as-of date)."""

import tomllib
from pathlib import Path

import pytest

from lessonkit import say
from lessonkit._data import as_of
from lessonkit._dates import long_date
from lessonkit.teacher.editions import read_lesson

ROOT = Path(__file__).resolve().parents[1]
ORDER = tomllib.loads((ROOT / "notebooks" / "lessons.toml").read_text(encoding="utf-8"))["lesson"]
LESSONS = [ROOT / "notebooks" / entry["file"] for entry in ORDER]
AS_OF_LINE = 'say("The data in this lesson runs to {package:as_of|date}.")'


def as_of_cell(path: Path) -> int:
    """The index of the cell that shows the as-of line (the test fails if there is none)."""
    cells = read_lesson(path).cells
    found = [i for i, c in enumerate(cells) if c.cell_type == "code" and AS_OF_LINE in c.source]
    assert len(found) == 1, f"{path.name}: expected one cell with {AS_OF_LINE}, found {len(found)}"
    return found[0]


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_every_lesson_shows_the_as_of_date_before_it_starts(path):
    cells = read_lesson(path).cells
    at = as_of_cell(path)
    first_section = next(i for i, c in enumerate(cells) if c.cell_type == "markdown"
                         and any(line.startswith("## ") for line in c.source.splitlines()))
    first_code = next(i for i, c in enumerate(cells) if c.cell_type == "code")
    assert at < first_section, f"{path.name}: the as-of line comes after the first section"
    assert at == first_code, f"{path.name}: the as-of line must be the lesson's first code cell"


def test_the_as_of_line_reads_as_a_date():
    said = say(AS_OF_LINE[len('say("'):-len('")')])
    assert said.text == f"The data in this lesson runs to {long_date(as_of())}."


def test_the_lesson_template_shows_it_too():
    as_of_cell(ROOT / "docs" / "lesson-template.md")
