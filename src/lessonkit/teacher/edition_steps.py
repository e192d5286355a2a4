"""The steps that make an edition of a lesson: each changes one notebook in place.

An edition is the lesson's notebook after an ordered list of steps (:data:`STUDENT_STEPS`,
:data:`TEACHER_STEPS`); every step that touches solutions goes through
:mod:`lessonkit.teacher.markup`. :mod:`lessonkit.teacher.editions` builds and writes the
editions; the grader and the nbgrader edition make theirs in memory from the same steps.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path

import nbformat

from .._errors import MarkupError
from . import markup
from .lab_metadata import lab_metadata

Step = Callable[[nbformat.NotebookNode, str], None]


def read_lesson(path: Path | str) -> nbformat.NotebookNode:
    """Read a lesson's .md source (jupytext) as a notebook."""
    import jupytext

    return jupytext.read(str(path))


def lesson_id(nb: nbformat.NotebookNode, path: Path | str) -> str:
    """The lesson key from the notebook's ``lessonkit.lesson`` metadata."""
    meta = nb.metadata.get("lessonkit", {})
    if not isinstance(meta, dict) or not meta.get("lesson"):
        raise MarkupError(Path(path).name, 0, None, "the front matter has no 'lessonkit: lesson:' key")
    return str(meta["lesson"])


def check_markup(nb: nbformat.NotebookNode, lesson: str) -> None:
    """Parse every cell once so a malformed region fails before anything is written."""
    for index, cell in enumerate(nb.cells, start=1):
        if cell.cell_type == "code":
            markup.parse_cell(cell.source, lesson, index, markup.SOLUTION_TAG in markup.tags(cell))
        elif markup.SOLUTION_TAG in markup.tags(cell):
            raise MarkupError(lesson, index, None, "only code cells can be tagged 'solution'")


def drop_instructor_notes(nb: nbformat.NotebookNode, lesson: str) -> None:
    """Student step: remove every cell tagged ``instructor``."""
    nb.cells = [c for c in nb.cells if markup.INSTRUCTOR_TAG not in markup.tags(c)]


def stub_solutions(nb: nbformat.NotebookNode, lesson: str) -> None:
    """Student step: replace each solution region by its stub."""
    _rewrite(nb, lesson, student=True)


def unmark_solutions(nb: nbformat.NotebookNode, lesson: str) -> None:
    """Teacher step: keep the solution code, drop the marker lines."""
    _rewrite(nb, lesson, student=False)


def _rewrite(nb: nbformat.NotebookNode, lesson: str, student: bool) -> None:
    for index, cell in enumerate(nb.cells, start=1):
        if cell.cell_type == "code" and markup.SOLUTION_TAG in markup.tags(cell):
            regions = markup.parse_cell(cell.source, lesson, index, True)
            cell.source = markup.rewrite(cell.source, regions, student)


def clear_outputs(nb: nbformat.NotebookNode, lesson: str) -> None:
    """Student step: no outputs and no execution counts."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        cell.metadata.pop("execution", None)


def mark_edition(edition: str) -> Step:
    """A step recording which edition this is in the notebook metadata."""
    def step(nb: nbformat.NotebookNode, lesson: str) -> None:
        nb.metadata.setdefault("lessonkit", {})["edition"] = edition
        nb.metadata.pop("jupytext", None)
    step.__name__ = f"mark_{edition}"
    return step


def set_lab_metadata(nb: nbformat.NotebookNode, lesson: str) -> None:
    """Both editions: the kernelspec and language_info that JupyterLab would write on opening
    the notebook (see :mod:`lessonkit.teacher.lab_metadata`)."""
    nb.metadata.update(lab_metadata())


STUDENT_STEPS: list[Step] = [drop_instructor_notes, stub_solutions, clear_outputs, mark_edition("student"),
                             set_lab_metadata]
TEACHER_STEPS: list[Step] = [unmark_solutions, mark_edition("teacher"), set_lab_metadata]

def make_edition(nb: nbformat.NotebookNode, lesson: str, steps: list[Step]) -> nbformat.NotebookNode:
    """Apply the steps to a copy of the notebook, after checking its markup."""
    check_markup(nb, lesson)
    out = copy.deepcopy(nb)
    for step in steps:
        step(out, lesson)
    for index, cell in enumerate(out.cells, start=1):  # stable ids: builds are reproducible
        cell["id"] = f"{lesson}-{index:03d}"
    out.nbformat, out.nbformat_minor = 4, 5
    return out
