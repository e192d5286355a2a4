"""``lessonkit export --printable``: a worksheet per lesson with every fact, figure and table
shown and every exercise blank; no solution and no instructor note in it."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from lessonkit.teacher import cli, markup
from lessonkit.teacher.editions import lesson_id, read_lesson
from lessonkit.teacher.export import export_printable, notebook_to_html

from . import shown_text as st
from .lesson_source import front_matter

pytestmark = pytest.mark.slow  # the pages are made by running the lessons in kernels

SAMPLE = Path(__file__).parent / "sample" / "sample.md"  # a small lesson with exercise blocks


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, str]:
    """The printable page of every lesson, as written by the command."""
    out = tmp_path_factory.mktemp("printable")
    assert cli.main(["export", "--printable", "--out", str(out), *map(str, st.LESSONS)]) == 0
    return {p.name: (out / "printable" / p.with_suffix(".html").name).read_text(encoding="utf-8") for p in st.LESSONS}


def _visible(page: str) -> str:
    """The page's text, each line with its spaces collapsed (code tokens joined again)."""
    return st.html_text(page)


def leaks(page: str, lesson: Path) -> list[str]:
    """Solution lines and instructor-note lines of the lesson that the page shows."""
    nb = read_lesson(lesson)
    text = _visible(page)
    found = [f"solution line {line!r}" for line in markup.solution_lines(nb, lesson_id(nb, lesson))
             if len(line) >= 8 and " ".join(line.split()) in text]
    from lessonkit._keys import parse_lesson
    from lessonkit.teacher.exercise_blocks import teacher_note

    for spec in parse_lesson(lesson):  # the teacher's note under each exercise: answer, hints, rubric
        found += [f"teacher note {line!r}" for line in st.markdown_text(teacher_note(spec)).splitlines()
                  if len(line) >= 25 and line in text]
    for cell in nb.cells:
        if cell.cell_type == "markdown" and markup.INSTRUCTOR_TAG in markup.tags(cell):
            found += [f"instructor note {line!r}" for line in st.markdown_text(cell.source).splitlines()
                      if len(line) >= 25 and line in text]
    return found


@pytest.mark.parametrize("lesson", st.LESSONS, ids=[p.stem for p in st.LESSONS])
def test_no_solution_or_instructor_note_is_printed(pages, lesson):
    page = pages[lesson.name]
    assert not leaks(page, lesson), leaks(page, lesson)[:5]
    assert "BEGIN SOLUTION" not in page and "END SOLUTION" not in page


@pytest.fixture(scope="module")
def editions(tmp_path_factory) -> Path:
    return st.editions(tmp_path_factory)


def _shown_outputs(nb) -> list[dict]:
    return [o for c in nb.cells if c.cell_type == "code" and not st.is_solution(c) for o in c.get("outputs", [])]


@pytest.mark.parametrize("lesson", st.LESSONS, ids=[p.stem for p in st.LESSONS])
def test_facts_figures_and_tables_are_printed_and_exercises_left_blank(pages, editions, lesson):
    """Every figure (with its alt text) and every table of the executed teacher edition's own
    cells is on the page; each exercise cell has an empty answer box and no feedback."""
    page = pages[lesson.name]
    nb = read_lesson(lesson)
    shown = _shown_outputs(st.read(editions, "teacher", lesson))
    figures = [o for o in shown if "image/png" in o.get("data", {})]
    tables = [o for o in shown if "<table" in st._joined(o.get("data", {}).get("text/html", ""))]
    assert figures or tables, f"{lesson.name}: the teacher edition shows no figure and no table"
    alts = [tag for tag in re.findall(r"<img\b[^>]*>", page)
            if re.search(r'src="data:image/png;base64,[^"]{100,}"', tag) and re.search(r'alt="[^"]{10,}"', tag)]
    assert len(alts) == len(figures), f"{lesson.name}: {len(alts)} figures printed of {len(figures)}"
    assert page.count("<table") >= len(tables), f"{lesson.name}: tables missing"
    answers = sum(c.cell_type == "code" and markup.SOLUTION_TAG in markup.tags(c) for c in nb.cells)
    assert page.count('class="lessonkit-answer-space"') == answers
    assert "lessonkit-feedback" not in page, f"{lesson.name}: a check's feedback is printed"
    assert "@media print" in page and 'class="jp-Cell' in page
    assert "Traceback" not in page and "Error" not in re.findall(r"\w*Error\b", _visible(page))


def test_the_leak_check_finds_solutions_in_the_teacher_edition(tmp_path):
    """The same check, on a page that does show solutions, finds them: it is not blind."""
    from lessonkit._keys import parse_lesson
    from lessonkit.teacher import exercise_blocks
    from lessonkit.teacher.editions import TEACHER_STEPS, make_edition

    lesson = st.LESSONS[3]
    nb = read_lesson(lesson)
    teacher = make_edition(nb, lesson_id(nb, lesson), TEACHER_STEPS)
    found = leaks(notebook_to_html(teacher, "teacher"), lesson)
    assert any(f.startswith("solution line") for f in found)
    assert any(f.startswith("instructor note") for f in found)
    sample = SAMPLE
    nb = read_lesson(sample)
    teacher = make_edition(nb, "sample", TEACHER_STEPS)
    exercise_blocks.render(teacher, parse_lesson(sample), teacher=True)
    assert any(f.startswith("teacher note") for f in leaks(notebook_to_html(teacher, "teacher"), sample))


def test_the_sample_lesson_prints_its_exercise_blocks_without_answers(tmp_path):
    """Exercise blocks become the student's Markdown: no YAML options, no teacher note."""
    sample = SAMPLE
    (page,) = export_printable([sample], tmp_path)
    text = page.read_text(encoding="utf-8")
    assert page == tmp_path / "printable" / "sample.html"
    assert not leaks(text, sample)
    assert "{exercise}" not in text and "answer_from" not in text and "For the teacher" not in text
    assert "Exercise sample.year" in st.html_text(text)


BROKEN = front_matter('broken', 5) + textwrap.dedent('''\

    # A lesson with a failing cell

    ```{code-cell} ipython3
    1 / 0
    ```
    ''')


def test_a_failing_lesson_is_a_clear_error_and_writes_nothing(tmp_path, capsys):
    source = tmp_path / "99-broken.md"
    source.write_text(BROKEN, encoding="utf-8")
    out = tmp_path / "out"
    assert cli.main(["export", "--printable", "--out", str(out), str(SAMPLE), str(source)]) == 2
    err = capsys.readouterr().err
    assert "99-broken.md" in err and "ZeroDivisionError" in err and "Traceback" not in err and "\x1b" not in err
    assert not (out / "printable").exists()


def test_printable_cannot_take_built_editions(tmp_path, capsys):
    assert cli.main(["export", "--printable", "--editions", str(tmp_path), "--out", str(tmp_path / "o")]) == 2
    assert "--printable" in capsys.readouterr().err


