"""Every lesson graded in the sandbox, as a class hands it in: the blank student notebook and
the notebook solved with the teacher's solutions. No teaching cell may depend on what the
sandbox hides (the answer keys, the student's record), so neither notebook has a problem,
the blank one scores nothing and the solved one full marks."""

from __future__ import annotations

import csv
from pathlib import Path

import nbformat
import pytest

from lessonkit._exercises import exercises
from lessonkit.teacher import cli, grading
from lessonkit.teacher.editions import TEACHER_STEPS, build, lesson_id, make_edition, read_lesson
from lessonkit.teacher.grading.cells import checked_ids
from lessonkit.teacher.written import is_recorded

REPO = Path(__file__).resolve().parents[1]
LESSONS = sorted((REPO / "notebooks").glob("[0-9][0-9]-*.md"))


def solved(student: nbformat.NotebookNode, source: Path) -> nbformat.NotebookNode:
    """The student edition with each exercise cell as the teacher's edition has it (its solution)."""
    nb = read_lesson(source)
    teacher = make_edition(nb, lesson_id(nb, source), TEACHER_STEPS)
    solutions = {frozenset(checked_ids(c.source)): c.source for c in teacher.cells
                 if c.cell_type == "code" and checked_ids(c.source)}
    done = nbformat.from_dict(student)
    for cell in done.cells:
        if cell.cell_type == "code" and checked_ids(cell.source):
            cell.source = solutions[frozenset(checked_ids(cell.source))]
    return done


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("lessons")
    editions = build(LESSONS, root / "editions", editions=("student",), run_teacher=False)
    for path in (p for p in editions if p.suffix == ".ipynb"):
        student = nbformat.read(path, as_version=4)
        (root / "class" / "blank").mkdir(parents=True, exist_ok=True)
        (root / "class" / "solved").mkdir(parents=True, exist_ok=True)
        nbformat.write(student, root / "class" / "blank" / path.name)
        nbformat.write(solved(student, REPO / "notebooks" / path.with_suffix(".md").name),
                       root / "class" / "solved" / path.name)
    out = root / "grades"
    status = grading.main(cli.parser().parse_args(["grade", str(root / "class"), "--out", str(out), "--no-progress",
                                                   "--timeout", "60"]))
    assert status == 0
    return out


@pytest.mark.slow
@pytest.mark.parametrize("source", LESSONS, ids=[p.stem for p in LESSONS])
def test_a_lessons_blank_and_solved_notebooks_grade_without_problems(graded, source):
    lesson = lesson_id(read_lesson(source), source)
    with open(graded / lesson / "gradebook.csv", newline="", encoding="utf-8") as f:
        rows = {r["student"]: r for r in csv.DictReader(f)}
    assert set(rows) == {"blank", "solved"}
    assert [rows["blank"]["problem"], rows["solved"]["problem"]] == ["", ""]
    marked = sum(not is_recorded(x) for x in exercises(lesson).values())
    assert rows["blank"]["total"] == "0"
    assert rows["solved"]["total"] == str(marked), rows["solved"]


def test_lesson_6_shows_the_options_its_exercises_have():
    """The teaching cells of lesson 6 read the options from lessonkit.lessons.news (the key is
    hidden in the sandbox); they are those of the exercise blocks."""
    from lessonkit.lessons import news

    for label, options in news.OPTIONS.items():
        assert dict(exercises("news")[label].options) == options
