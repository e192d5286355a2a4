"""Every lesson has the same blocks, 4–8 exercises of at least three kinds, a widget and a
figure, no hand-typed numbers in its prose; both editions execute and behave."""

import re
import tomllib
from pathlib import Path

import nbformat
import pytest

from lessonkit._exercises import exercises
from lessonkit._keys import parse_lesson
from lessonkit.teacher import exercise_blocks, markup
from lessonkit.teacher.editions import STUDENT_STEPS, TEACHER_STEPS, lesson_id, make_edition, read_lesson

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
ORDER = tomllib.loads((NOTEBOOKS / "lessons.toml").read_text(encoding="utf-8"))["lesson"]
LESSONS = [NOTEBOOKS / entry["file"] for entry in ORDER]  # a listed lesson that is missing fails below
BLOCKS = ("**Questions**", "**Learning objectives**", "**Prerequisites**", "**Key points**")
CHECK = re.compile(r"""check\(\s*["']([a-z_]+\.[a-z0-9_-]+)["']""")
# What prose may hold in digits: the time line, lesson numbers, exercise ids, bullet numbering,
# the name of NATO's Article 5 (a glossary term).
ALLOWED_DIGITS = re.compile(r"\*\*Time:\*\* \d+ minutes|[Ll]esson \d+|\b\d+[.)] |Article 5\b|Article-5-|"
                            r"\b[a-z_]+\.[a-z0-9_-]+\b|`[^`]*`|\d+[–-]\d+ minutes|\(\d+ minutes?\)|"
                            r"\d+ minutes|[Ss]tep \d+|\bNN-|\d\d-[a-z-]+\.md|CC-BY-4\.0|ISO \d+")


def test_the_order_list_and_the_files_agree():
    files = sorted(p.name for p in NOTEBOOKS.glob("[0-9][0-9]-*.md"))
    assert files == sorted(entry["file"] for entry in ORDER), "lessons.toml and notebooks/ list different lessons"
    assert [e["file"][:2] for e in ORDER] == [f"{i:02d}" for i in range(len(ORDER))]


@pytest.fixture(scope="module", params=LESSONS, ids=[p.stem for p in LESSONS])
def lesson(request):
    """The lesson as the student edition shows it: exercise blocks rendered as Markdown."""
    nb = read_lesson(request.param)
    exercise_blocks.render(nb, parse_lesson(request.param), teacher=False)
    return request.param, nb, lesson_id(nb, request.param)


def _markdown(nb, instructor=False):
    return [c.source for c in nb.cells if c.cell_type == "markdown"
            and (markup.INSTRUCTOR_TAG in markup.tags(c)) == instructor]


def test_lesson_key_matches_the_order_list(lesson):
    path, nb, key = lesson
    entry = next(e for e in ORDER if e["file"] == path.name)
    assert key == entry["key"]


def test_every_block_is_there(lesson):
    path, nb, key = lesson
    text = "\n".join(_markdown(nb))
    for block in BLOCKS:
        assert block in text, f"{path.name} has no {block} block"
    assert text.index("**Questions**") < text.index("**Key points**")
    minutes = nb.metadata["lessonkit"]["minutes"]
    assert f"**Time:** {minutes} minutes" in text, f"{path.name}: the time line must match the front matter"
    entry = next(e for e in ORDER if e["file"] == path.name)
    assert entry["minutes"] == minutes, f"{path.name}: lessons.toml and the front matter disagree on minutes"
    assert _markdown(nb, instructor=True), f"{path.name} has no instructor note"


def test_objectives_start_with_a_verb(lesson):
    path, nb, key = lesson
    text = "\n".join(_markdown(nb))
    objectives = text.split("**Learning objectives**")[1].split("**")[0]
    items = [line[2:].strip() for line in objectives.splitlines() if line.startswith("- ")]
    assert items, path.name
    for item in items:
        assert item.split()[0][0].isupper() and item.split()[0].lower() not in {"the", "a", "an", "to"}, item


def test_exercises_are_four_to_ten_of_three_kinds_and_all_used(lesson):
    path, nb, key = lesson
    used = [m for c in nb.cells if c.cell_type == "code" for m in CHECK.findall(c.source)]
    defined = exercises(key)
    assert 4 <= len(defined) <= 10, f"{key} has {len(defined)} exercises"
    assert len({type(e).__name__ for e in defined.values()}) >= 3
    assert sorted(used) == sorted(defined), "every exercise is checked exactly once in the lesson"
    for e in defined.values():  # predictions and written answers are never marked wrong: no hints
        assert e.hints or type(e).__name__ in ("Written", "Prediction"), f"{e.id} has no hints"


def test_every_exercise_cell_has_a_solution_region(lesson):
    path, nb, key = lesson
    for index, cell in enumerate(nb.cells, start=1):
        if cell.cell_type == "code" and CHECK.search(cell.source):
            assert markup.SOLUTION_TAG in markup.tags(cell), f"{path.name} cell {index}"


def test_at_least_one_widget_and_one_figure(lesson):
    path, nb, key = lesson
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert re.search(r"widgets\.\w+\(", code), f"{path.name} has no widget"
    # a figure of the package (plots.x) or of the lesson's own module (lesson.x_chart)
    assert re.search(r"plots\.\w+\(|\b(lesson|news|capstone)\.\w+_chart\(", code), f"{path.name} has no figure"


def test_prose_types_no_numbers_by_hand(lesson):
    """Figures and dates in prose come from the data through say(); only the allowed forms remain."""
    path, nb, key = lesson
    for source in _markdown(nb) + _markdown(nb, instructor=True):
        stripped = ALLOWED_DIGITS.sub("", source)
        digits = re.findall(r"[^\n]{0,30}\d[^\n]{0,30}", stripped)
        assert not digits, f"{path.name}: typed numbers in prose: {digits[:3]}"


def test_student_edition_has_no_solution_text(lesson):
    path, nb, key = lesson
    student = make_edition(nb, key, STUDENT_STEPS)
    text = nbformat.writes(student)
    for line in markup.solution_lines(nb, key):
        if len(line) > 12:  # short lines like 'answer = [' can occur in stubs and prose
            assert line not in text, f"{path.name}: solution line leaked: {line!r}"
    assert all(markup.INSTRUCTOR_TAG not in markup.tags(c) for c in student.cells)
    teacher = make_edition(nb, key, TEACHER_STEPS)
    assert "BEGIN SOLUTION" not in nbformat.writes(teacher)


# --- executing both editions ---------------------------------------------------------------


@pytest.fixture(scope="session")
def editions(tmp_path_factory):
    """Built editions of every lesson: those the test command built (LESSONKIT_EDITIONS), or a
    fresh build in a temporary folder."""
    import os

    from lessonkit.teacher.editions import build

    given = os.environ.get("LESSONKIT_EDITIONS")
    if given and all((Path(given) / "teacher" / p.with_suffix(".ipynb").name).exists() for p in LESSONS):
        return Path(given)
    out = tmp_path_factory.mktemp("lesson-editions")
    build(LESSONS, out)
    return out


def _check_outputs(nb):
    texts = []
    for cell in nb.cells:
        if cell.cell_type == "code" and CHECK.search(cell.source):
            texts.append("".join(o.get("text", "") or o.get("data", {}).get("text/plain", "")
                                 for o in cell.outputs))
    return texts


def _errors(nb):
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_teacher_edition_every_reference_solution_passes(editions, path):
    nb = nbformat.read(editions / "teacher" / path.with_suffix(".ipynb").name, as_version=4)
    assert not _errors(nb)
    outputs = _check_outputs(nb)
    assert outputs
    for text in outputs:  # a prediction or a written answer is saved, never marked
        assert "Correct" in text or "Answer recorded" in text, f"{path.name}: {text}"


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_student_edition_runs_with_every_exercise_not_attempted(editions, path, tmp_path):
    from lessonkit.teacher.editions import execute

    nb = nbformat.read(editions / "student" / path.with_suffix(".ipynb").name, as_version=4)
    execute(nb, cwd=tmp_path)
    assert not _errors(nb)
    outputs = _check_outputs(nb)
    assert outputs
    for text in outputs:
        assert "Not attempted yet" in text, f"{path.name}: {text}"


def test_readme_lists_the_lessons_from_the_order_list():
    import subprocess
    import sys

    result = subprocess.run([sys.executable, str(ROOT / "tools" / "readme_lessons.py"), "--check"])
    assert result.returncode == 0, "README.md's lesson table is out of date: run python tools/readme_lessons.py"
