"""Reading load: the words each lesson shows a student, against a budget per minute of lesson.

What a student reads is the prose of the student edition (instructor notes and solutions are
not in it) plus the outputs of the executed teacher edition's own cells (the solution cells,
whose output is the teacher's feedback, are left out): HTML without its tags, Markdown
without its marks, the alt text of figures, plain text and printed streams. A widget's text
cannot be known without a kernel and counts as nothing.

The budget. Students of 16-18 read plain informative prose silently at about 200-250 words a
minute; text full of names, figures and tables is read more slowly, and some students read
in a second language, so we count 150. About half of a lesson goes to reading; the rest is
exercises, code, discussion and the widgets. That gives 150 x 1/2 = 75 words per minute of
lesson time (3,000 words for a 40-minute lesson). The minutes are those of
``notebooks/lessons.toml``.
"""

from __future__ import annotations

import nbformat
import pytest

from . import shown_text as st

READING_SPEED = 150  # words per minute, for dense, fact-heavy text (see above)
READING_SHARE = 0.5  # of a lesson's time spent reading
BUDGET_PER_MINUTE = READING_SPEED * READING_SHARE  # 75 words per minute of lesson


def reading_load(student: nbformat.NotebookNode, teacher: nbformat.NotebookNode) -> tuple[int, int]:
    """(words of prose, words of output) that a student of the lesson reads."""
    prose = sum(st.words(st.markdown_text(c.source)) for c in student.cells
                if c.cell_type == "markdown" and not st.is_instructor(c))
    output = sum(st.words(st.cell_output_text(c)) for c in teacher.cells
                 if c.cell_type == "code" and not st.is_solution(c) and not st.is_instructor(c))
    return prose, output


def budget(minutes: int) -> int:
    return int(minutes * BUDGET_PER_MINUTE)


@pytest.fixture(scope="module")
def loads(tmp_path_factory) -> dict[str, tuple[int, int, int]]:
    """Each lesson's (prose words, output words, minutes)."""
    folder = st.editions(tmp_path_factory)
    return {p.name: (*reading_load(st.read(folder, "student", p), st.read(folder, "teacher", p)),
                     st.MINUTES[p.name]) for p in st.LESSONS}


def table(loads: dict[str, tuple[int, int, int]]) -> str:
    """The loads as a printed table."""
    lines = [f"{'lesson':40} {'prose':>6} {'output':>7} {'total':>6} {'min':>4} {'words/min':>9} "
             f"{'budget':>7}  verdict"]
    for name, (prose, output, minutes) in loads.items():
        total = prose + output
        lines.append(f"{name:40} {prose:6d} {output:7d} {total:6d} {minutes:4d} {total / minutes:9.0f} "
                     f"{budget(minutes):7d}  {'within' if total <= budget(minutes) else 'OVER'}")
    return "\n".join(lines)


@pytest.mark.slow  # the loads come from the executed teacher edition
def test_every_lesson_is_within_its_reading_budget(loads):
    print(f"\nReading load (budget {BUDGET_PER_MINUTE:.0f} words per minute of lesson):\n" + table(loads))
    over = {name: (p + o, budget(m)) for name, (p, o, m) in loads.items() if p + o > budget(m)}
    assert not over, "over the reading budget: " + "; ".join(
        f"{name}: {words} words, budget {limit}" for name, (words, limit) in over.items())


def test_the_measure_counts_what_a_student_reads_and_nothing_else():
    student = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Title\n\nThe [glossary](glossary.md#Backstop) explains **it**."),
        nbformat.v4.new_markdown_cell("Only for teachers, five words.", metadata={"tags": ["instructor"]}),
    ])
    shown = nbformat.v4.new_code_cell("x", outputs=[
        nbformat.v4.new_output("stream", name="stdout", text="three printed words\n"),
        nbformat.v4.new_output("display_data", data={"text/html": "<style>td{}</style><table><tr><td>two cells"
                                                                   "</td></tr></table>", "text/plain": "ignored here"}),
        nbformat.v4.new_output("display_data", data={"image/png": "AAAA", "text/plain": "<Figure>"},
                               metadata={"image/png": {"alt": "a bar chart"}}),
        nbformat.v4.new_output("display_data", data={st.WIDGET_VIEW: {"model_id": "x"}, "text/plain": "VBox(...)"}),
    ])
    solution = nbformat.v4.new_code_cell("y", metadata={"tags": ["solution"]}, outputs=[
        nbformat.v4.new_output("stream", name="stdout", text="the teacher's feedback, never counted\n")])
    teacher = nbformat.v4.new_notebook(cells=[shown, solution])
    assert reading_load(student, teacher) == (1 + 4, 3 + 2 + 3)


@pytest.mark.parametrize("minutes, limit", [(15, 1125), (40, 3000), (60, 4500)])
def test_the_budget_scales_with_lesson_time(minutes, limit):
    assert budget(minutes) == limit
