"""The nbgrader edition: lesson notebooks that nbgrader takes as the source of an assignment.

It is the student edition (instructor notes removed, no outputs) with the solutions kept for
nbgrader to remove, and the cell metadata nbgrader reads (``metadata.nbgrader``):

- each cell tagged ``solution`` is an nbgrader *solution cell*. Its regions keep lessonkit's
  ``# BEGIN SOLUTION`` / ``# END SOLUTION`` markers (nbgrader's own), each preceded by the
  student edition's stub (``total = ...``), so that ``nbgrader generate_assignment`` releases
  the student edition's cell, followed by nbgrader's code stub;
- after each marked exercise's own cell (the code cell that calls ``check("<id>", answer)``)
  comes a locked *autograder test cell* worth one point. Its test is hidden (nbgrader's
  ``BEGIN HIDDEN TESTS`` region): students see one comment, and ``nbgrader autograde`` puts
  the test back and runs it, in the kernel that runs the submitted notebook. The test passes
  the same answer to the exercise's checker (:func:`autograde_test`);
- a prediction has no right answer: its cell is an answer cell with no grade and no test;
- a written answer is marked by the teacher: its cell is nbgrader's *manually graded answer*
  (one point), and its solution region carries the exercise's rubric as comments, which the
  teacher's copy (the source) shows and ``generate_assignment`` removes with the solution.
"""

from __future__ import annotations

import ast
import copy
from typing import Any

import nbformat

from .._errors import MarkupError
from . import edition_steps, markup
from .grading.cells import checked_ids

EDITION = "nbgrader"
POINTS = 1
SCHEMA_VERSION = 3  # of nbgrader's cell metadata
UNMARKED = ("prediction",)  # exercise kinds that get no grade at all
MANUAL = ("written",)  # exercise kinds the teacher marks by hand, with their rubric
TEST_IMPORT = "from lessonkit.teacher.nbgrader_edition import autograde_test"


def grade_id(exercise_id: str) -> str:
    """nbgrader's id for an exercise (letters, digits, ``_`` and ``-`` only).

    >>> grade_id("money.total")
    'money-total'
    """
    return exercise_id.replace(".", "-")


def autograde_test(exercise_id: str, answer: Any) -> None:
    """The hidden test of one exercise: raise AssertionError, with the checker's feedback on
    the answer (never the expected answer), unless the answer is correct.

    It records nothing in the learning record. Under ``lessonkit grade`` (where the kernel
    has no answer key) it does nothing: the grader checks the answer outside the kernel.

    >>> autograde_test("sample.venue", "Lancaster House")
    >>> autograde_test("sample.venue", "Buckingham Palace")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    AssertionError: [sample.venue] Not yet: ...
    """
    from .._exercises import get_exercise, grading
    from .._feedback import CORRECT, Feedback

    if grading():
        return
    verdict = get_exercise(exercise_id).evaluate(answer)
    if verdict.status != CORRECT:
        raise AssertionError(str(Feedback(exercise_id, verdict.status, verdict.message)))


def _answers(cell: nbformat.NotebookNode, lesson: str, index: int) -> dict[str, str]:
    """{exercise id: source of the answer it passes to check()} for one exercise cell."""
    wanted = checked_ids(cell.source)
    if not wanted:
        return {}
    from IPython.core.inputtransformer2 import TransformerManager

    source = TransformerManager().transform_cell(cell.source)  # IPython's %magics as Python
    found: dict[str, str] = {}
    try:
        tree = ast.parse(source)
    except SyntaxError as e:
        raise MarkupError(lesson, index, e.lineno, f"the exercise cell is not valid Python ({e.msg}), so "
                                                   "its answer cannot be found for the nbgrader test") from None
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "check"
                and len(node.args) in (2, 3) and isinstance(node.args[0], ast.Constant)
                and node.args[0].value in wanted):
            found.setdefault(node.args[0].value, ast.get_source_segment(source, node.args[1]) or "")
    missing = sorted(wanted - set(found))
    if missing:
        raise MarkupError(lesson, index, None, f"check({missing[0]!r}, ...) is not a call with the id and the "
                                               "answer, so the nbgrader test cannot pass it the answer")
    return found


def _test_cell(exercise_id: str, answer: str, gid: str) -> nbformat.NotebookNode:
    """The locked autograder test cell of one exercise, its test hidden from students."""
    source = "\n".join([
        f"# Autograder test of exercise {exercise_id} ({POINTS} point): nbgrader runs it when it grades.",
        "### BEGIN HIDDEN TESTS",
        TEST_IMPORT,
        f"autograde_test({exercise_id!r}, {answer})",
        "### END HIDDEN TESTS",
    ])
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": gid, "locked": True, "points": POINTS,
                                 "schema_version": SCHEMA_VERSION, "solution": False, "task": False}
    return cell


def _stub_then_solution(source: str, regions: list[markup.Region]) -> str:
    """Each region preceded by the student edition's stub of it, markers kept for nbgrader."""
    lines = source.splitlines()
    out, i = [], 0
    for region in regions:
        out += lines[i:region.begin - 1]
        begin = lines[region.begin - 1]
        indent = begin[:len(begin) - len(begin.lstrip())]
        out += [indent + line for line in markup.stub(region) if line != markup.STUB_COMMENT]
        out += lines[region.begin - 1:region.end]
        i = region.end
    out += lines[i:]
    return "\n".join(out)


def _unique(gid: str, used: set[str]) -> str:
    candidate, n = gid, 1
    while candidate in used:
        n += 1
        candidate = f"{gid}-{n}"
    used.add(candidate)
    return candidate


def _specs(nb: nbformat.NotebookNode, lesson: str) -> dict[str, Any]:
    """The lesson's exercise blocks (in its Markdown cells), by id."""
    from .._exercise_format import parse_text

    text = "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    return {spec.label: spec for spec in parse_text(text, lesson)}


def _with_rubric(source: str, rubric: list[str]) -> str:
    """The cell with the rubric as comments at the start of its first solution region."""
    lines = source.splitlines()
    at = next((i for i, line in enumerate(lines) if line.strip() == "# BEGIN SOLUTION"), None)
    if at is None or not rubric:
        return source
    indent = lines[at][:len(lines[at]) - len(lines[at].lstrip())]
    note = [f"{indent}# Rubric (the teacher's copy only; marked by hand in nbgrader):",
            *(f"{indent}# - {' '.join(str(item).split())}" for item in rubric)]
    return "\n".join([*lines[:at + 1], *note, *lines[at + 1:]])


def mark_for_nbgrader(nb: nbformat.NotebookNode, lesson: str) -> None:
    """nbgrader step: solution cells get nbgrader's metadata and keep their regions; each
    marked exercise's cell is followed by its autograder test cell; a written answer's cell
    is graded by hand, with its rubric; a prediction's cell is not graded."""
    specs = _specs(nb, lesson)
    cells: list = []
    used: set[str] = set()
    for index, cell in enumerate(nb.cells, start=1):
        cells.append(cell)
        if cell.cell_type != "code":
            continue
        answers = _answers(cell, lesson, index)
        kinds = {eid: getattr(specs.get(eid), "kind", "") for eid in answers}
        manual = [eid for eid, kind in kinds.items() if kind in MANUAL]
        if markup.SOLUTION_TAG in markup.tags(cell):
            regions = markup.parse_cell(cell.source, lesson, index, True)
            cell.source = _stub_then_solution(cell.source, regions)
            first = next(iter(answers), None)
            gid = _unique(grade_id(first) if first else f"{lesson}-solution-{index}", used)
            cell.metadata["nbgrader"] = {"grade": False, "grade_id": gid, "locked": False,
                                         "schema_version": SCHEMA_VERSION, "solution": True, "task": False}
            if manual:  # nbgrader's "manually graded answer"
                cell.metadata["nbgrader"].update(grade=True, points=POINTS * len(manual))
                cell.source = _with_rubric(cell.source, [r for eid in manual
                                                         for r in specs[eid].options.get("rubric", [])])
        for exercise_id, answer in answers.items():
            if kinds[exercise_id] in UNMARKED or kinds[exercise_id] in MANUAL:
                continue
            cells.append(_test_cell(exercise_id, answer, _unique(f"{grade_id(exercise_id)}-test", used)))
    nb.cells = cells


def _steps() -> list[edition_steps.Step]:
    """The student edition's steps, with mark_for_nbgrader where the solutions are stubbed."""
    steps: list[edition_steps.Step] = []
    for step in edition_steps.STUDENT_STEPS:
        if step is edition_steps.stub_solutions:
            steps.append(mark_for_nbgrader)
        elif getattr(step, "__name__", "") == "mark_student":
            steps.append(edition_steps.mark_edition(EDITION))
        else:
            steps.append(step)
    if mark_for_nbgrader not in steps:  # the student edition no longer stubs solutions in one step
        raise RuntimeError("the nbgrader edition needs edition_steps.stub_solutions in edition_steps.STUDENT_STEPS")
    return steps


def make_nbgrader_edition(nb: nbformat.NotebookNode, lesson: str) -> nbformat.NotebookNode:
    """The nbgrader source notebook of one lesson (the lesson notebook itself is not changed).

    Raises MarkupError, naming lesson, cell and line, when a solution region is malformed or an
    exercise cell's answer cannot be found.
    """
    return edition_steps.make_edition(copy.deepcopy(nb), lesson, _steps())
