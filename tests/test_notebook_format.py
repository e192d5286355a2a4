"""The notebook format: lessons survive jupytext round trips unchanged."""

import shutil
import tomllib
from pathlib import Path

import pytest
from jupytext.cli import jupytext as jupytext_cli

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
ORDER = tomllib.loads((NOTEBOOKS / "lessons.toml").read_text(encoding="utf-8"))["lesson"]
SOURCES = [NOTEBOOKS / entry["file"] for entry in ORDER] + [ROOT / "docs" / "lesson-template.md"]


@pytest.mark.parametrize("source", SOURCES, ids=[p.stem for p in SOURCES])
def test_a_lesson_survives_md_to_ipynb_to_md_unchanged(source, tmp_path):
    """What an author does with jupytext (pair, open as a notebook, save) changes no line."""
    shutil.copy(ROOT / "jupytext.toml", tmp_path)  # the project's configuration, as beside the lessons
    text = tmp_path / source.name
    shutil.copy(source, text)
    jupytext_cli(["--quiet", "--to", "ipynb", str(text)])
    text.unlink()
    jupytext_cli(["--quiet", "--to", "myst", str(text.with_suffix(".ipynb"))])
    assert text.read_text(encoding="utf-8") == source.read_text(encoding="utf-8")


@pytest.fixture
def kernel():
    """A fresh ipykernel, as JupyterLab, nbclient and nbval start it."""
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3")
    yield client
    client.stop_channels()
    manager.shutdown_kernel(now=True)


def _run(client, code: str, store_history: bool) -> str:
    """Run code in the kernel; return what it printed (raise on an error)."""
    printed = []

    def keep(message):
        if message["msg_type"] == "stream":
            printed.append(message["content"]["text"])
        elif message["msg_type"] == "error":
            raise AssertionError("\n".join(message["content"]["traceback"]))

    client.execute_interactive(code, store_history=store_history, output_hook=keep, timeout=60)
    return "".join(printed)


@pytest.mark.parametrize("store_history", [True, False], ids=["nbclient", "nbval"])
def test_feedback_does_not_depend_on_how_the_cell_is_run(kernel, store_history, tmp_path):
    """nbclient (the build) stores history and nbval does not: a computed answer is recognised
    as computed either way, so strict nbval sees the built outputs again."""
    code = (f"import os; os.environ['LESSONKIT_RECORD_DIR'] = {str(tmp_path)!r}\n"
            "from lessonkit import analysis, check\n"
            "n_before = len(analysis.timeline(period='before'))\n"
            "print(check('start.before', n_before))")
    assert "your code computes the right result" in _run(kernel, code, store_history)
