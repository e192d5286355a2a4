"""The student edition of every lesson works in a real JupyterLab, as a student meets it."""

from __future__ import annotations

import html
import json
import re
import time

import pytest

from lessonkit.teacher.settings import settings_path, shipped_settings

pytestmark = pytest.mark.browser


def feedback_texts(lab) -> list[str]:
    """The text of every lessonkit feedback box in the notebook, in order."""
    return lab.page.locator(".jp-Notebook .lessonkit-feedback").all_text_contents()


def feedback_outputs(cells: list[dict]) -> list[str]:
    """The text of every feedback output the kernel sent, read from the notebook's model: a
    long notebook renders only the cells near the window, so the page need not show them all."""
    texts = []
    for cell in cells:
        for output in cell.get("outputs", []):
            markup = output.get("data", {}).get("text/html", "")
            markup = "".join(markup) if isinstance(markup, list) else str(markup)
            if "lessonkit-feedback" in markup:
                texts.append(" ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split()))
    return texts


def test_student_edition_runs_with_no_error_and_every_check_is_not_attempted(lab, lesson_notebook):
    lab.open(lesson_notebook)
    lab.run_all()
    cells = lab.cells()
    unrun = [i for i, c in enumerate(cells) if c["type"] == "code" and c["execution_count"] is None]
    assert not unrun, f"cells {unrun} did not run"
    assert lab.error_outputs() == []
    checks = sum(c["source"].count("check(") for c in cells if c["type"] == "code")
    texts = feedback_outputs(cells)
    assert len(texts) == checks, f"{checks} check() calls but {len(texts)} feedback outputs: {texts}"
    assert all(t.startswith("Not attempted yet") for t in texts), texts
    shown = feedback_texts(lab)  # and the page draws them as feedback boxes (those it has rendered)
    assert shown and all(t.startswith("Not attempted yet") for t in shown), shown


def test_a_student_answers_an_exercise_by_typing_and_sees_feedback(lab):
    lab.open("sample.ipynb")
    lab.run_all()
    index = lab.cell_index('check("sample.year", year)')
    assert "Not attempted yet" in " ".join(lab.output_texts(index))
    lab.edit_line(index, "year = ...", "year = 2024")
    lab.run_cell_with_shift_enter(index)
    wrong = " ".join(lab.output_texts(index))
    assert "Not yet" in wrong and "Hint 1 of 2" in wrong, wrong

    lab.edit_line(index, "year = 2024", "year = 2025")
    lab.run_cell_with_shift_enter(index)
    right = " ".join(lab.output_texts(index))
    assert right.startswith("Correct") and "sample.year" in right, right
    assert lab.error_outputs() == []


def test_shipped_settings_are_in_the_environment_the_server_runs_from(jupyter_server):
    """The server applies the settings the package installed (overrides.d), as defaults."""
    path = settings_path()
    assert path.exists(), f"{path} is missing: installing lessonkit puts it there (reinstall with make)"
    written = json.loads(path.read_text())
    for plugin, values in shipped_settings().items():
        assert {k: written.get(plugin, {}).get(k) for k in values} == values, plugin
        status, body = jupyter_server.api(f"/lab/api/settings/{plugin}")
        assert status == 200, body[:200]
        schema = json.loads(body)["schema"]["properties"]
        for key, value in values.items():
            assert schema[key]["default"] == value, f"JupyterLab's default of {plugin} {key} ignores overrides.d/lessonkit.json"


def test_a_jupytext_markdown_lesson_opens_as_a_notebook_with_no_news_pop_up(lab):
    """A teacher opens a lesson's .md source with Open With > Jupytext Notebook (Markdown files
    open in the preview by default, so that glossary links scroll to their term)."""
    lab.page.goto(f"{lab.server.url}/lab?token={lab.server.token}&reset", wait_until="domcontentloaded")
    lab.page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell", timeout=60_000)
    lab.page.evaluate("async () => { await window.jupyterapp.restored; await window.jupyterapp.commands"
                      ".execute('docmanager:open', {path: 'sample.md', factory: 'Jupytext Notebook'}); }")
    lab.page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    lab.wait_for_kernel()
    assert lab.current_path() == "sample.md"
    assert lab.is_notebook()
    assert lab.page.locator(".jp-FileEditor").count() == 0
    cells = lab.cells()
    assert any('check("sample.year", year)' in c["source"] for c in cells)
    assert any(c["type"] == "markdown" and "Sample lesson" in c["source"] for c in cells)
    # Without the override JupyterLab asks "Would you like to get notified about official
    # Jupyter news?" in a toast as soon as it has restored (checked: within the open above).
    time.sleep(1)
    assert lab.toasts() == []
    assert lab.page.get_by_text("official Jupyter news").count() == 0
