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
