"""Ask before you show (issue 24): Run All on a fresh student copy of every lesson, with no
guess saved, prints no prediction's answer.

Each prediction block names what its reveal shows (``shows_from``: the numbers or sentences
the data sets beside the guess). The student edition is executed as a student's first Run All
would (every answer still ``...``, no learning record); in every cell up to the last cell that
reveals the prediction, no output may hold any of those values. Each reveal cell must print
the line asking for a guess, and nothing else.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from . import shown_text as st
from .test_learning_design import _close, _contains, numbers_in


def _reveals(cell, label: str) -> bool:
    return cell.cell_type == "code" and f'reveal("{label}"' in cell.source


def leaks(nb: nbformat.NotebookNode, label: str, values: list) -> list[str]:
    """Each cell up to the prediction's last reveal whose output holds a value the reveal shows."""
    last = max((i for i, c in enumerate(nb.cells) if _reveals(c, label)), default=None)
    if last is None:
        return [f"{label}: no cell calls reveal({label!r})"]
    found = []
    for i, cell in enumerate(nb.cells[:last + 1]):
        if cell.cell_type != "code":
            continue
        text = st.cell_output_text(cell)
        for value in values:
            if isinstance(value, str):
                hit = _contains(text, value)
            else:  # a small whole number is in almost every output; any other is checked
                hit = not (float(value).is_integer() and abs(value) < 10) and any(
                    _close(n, float(value), 0.001) for n in numbers_in(text))
            if hit:
                found.append(f"{label}: cell {i} shows {value!r} before any guess")
        if _reveals(cell, label):
            from lessonkit._exercises import NO_GUESS

            if text.strip() != NO_GUESS:
                found.append(f"{label}: its reveal cell {i} shows {text[:120]!r} with no guess saved")
    return found


def run_all(notebook: Path, keys: Path, folder: Path) -> nbformat.NotebookNode:
    """A student's first Run All, in a folder of its own (no learning record yet)."""
    from nbclient import NotebookClient

    shutil.copy(notebook, folder / notebook.name)
    shutil.copytree(keys, folder / ".lessonkit" / "keys")
    nb = nbformat.read(folder / notebook.name, as_version=4)
    NotebookClient(nb, timeout=180, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(folder)}}).execute()
    return nb


@pytest.fixture(scope="module")
def editions(tmp_path_factory) -> Path:
    return st.editions(tmp_path_factory)


@pytest.mark.slow
@pytest.mark.parametrize("lesson", st.LESSONS, ids=[p.stem for p in st.LESSONS])
def test_run_all_prints_no_prediction_answer_before_a_guess(editions, lesson, tmp_path):
    from lessonkit._keys import parse_lesson, to_exercise

    predictions = [s for s in parse_lesson(lesson) if s.kind == "prediction"]
    assert predictions, f"{lesson.name} has no prediction"
    nb = run_all(editions / "student" / lesson.with_suffix(".ipynb").name,
                 editions / "student" / ".lessonkit" / "keys", tmp_path)
    found = []
    for spec in predictions:
        assert "shows_from" in spec.options, f"{spec.label}: name what its reveal shows (shows_from)"
        values = list(to_exercise(spec).shows())
        assert values, f"{spec.label}: its reveal shows nothing"
        found += leaks(nb, spec.label, values)
    assert not found, f"{lesson.name}: " + "; ".join(found)


def test_the_leak_check_catches_a_reveal_that_prints_before_a_guess():
    """A notebook whose reveal prints the data with no guess, and a cell before it that
    prints the number, is caught; the same notebook with a silent reveal is not."""
    cells = [nbformat.v4.new_code_cell('print("There were 26 events after the summit.")'),
             nbformat.v4.new_code_cell('reveal("demo.guess", show)')]
    cells[0].outputs = [nbformat.v4.new_output("stream", text="There were 26 events after the summit.\n")]
    cells[1].outputs = [nbformat.v4.new_output("stream", text="26 after, 12 before\n")]
    nb = nbformat.v4.new_notebook(cells=cells)
    assert len(leaks(nb, "demo.guess", [12, 26])) == 4  # 26 in cell 0; 12 and 26 in the reveal; the reveal not silent
    from lessonkit._exercises import NO_GUESS

    cells[0].outputs = [nbformat.v4.new_output("stream", text="There were 5 cells.\n")]
    cells[1].outputs = [nbformat.v4.new_output("stream", text=NO_GUESS + "\n")]
    assert leaks(nb, "demo.guess", [12, 26]) == []
