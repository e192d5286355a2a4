"""Every explorer in every lesson's student edition, in a real JupyterLab: it renders, and it
answers a person's interaction (mostly from the keyboard: Tab to the control, then a key)
by changing what it shows. Timings are printed and kept as a test property."""

from __future__ import annotations

import re

import pytest

from lessonkit import widgets

from .lab_widgets import Action, WidgetCheck, check_widgets, click, type_text

pytestmark = pytest.mark.browser

def tab_then(*keys: str, target: str, max_tabs: int = 10) -> Action:
    """Click the explorer's title (nothing focusable), Tab until ``target`` has the focus,
    then press keys: what a keyboard-only user does. Fails if Tab never gets there."""
    def prepare(page, explorer):
        explorer.locator(".widget-html").first.click()
        goal = explorer.locator(target).first
        for _ in range(max_tabs):
            page.keyboard.press("Tab")
            if goal.evaluate("el => el === document.activeElement || el.contains(document.activeElement)"):
                return
        raise AssertionError(f"{max_tabs} presses of Tab never reached {target}")

    def act(page, explorer):
        for key in keys:
            page.keyboard.press(key)

    return Action(f"Tab to {target}, press {'+'.join(keys)}", act, prepare)


# How a person uses each explorer: the first control, reached and changed as a user would.
# Drop-down lists: Alt+Down opens the list, Down, Enter (plain Down and type-ahead letters on a
# closed list are checked in test_explorer_keys.py).
ACTIONS = {
    "timeline_explorer": tab_then("Alt+ArrowDown", "ArrowDown", "Enter", target="select"),
    "actor_explorer": tab_then("Alt+ArrowDown", "ArrowDown", "Enter", target="select"),
    "pledge_explorer": tab_then("Alt+ArrowDown", "ArrowDown", "Enter", target="select"),
    "position_explorer": tab_then("Alt+ArrowDown", "ArrowDown", "Enter", target="select"),
    "quote_explorer": tab_then("Alt+ArrowDown", "ArrowDown", "Enter", target="select"),
    "role_card_explorer": tab_then("Alt+ArrowDown", "ArrowDown", "Enter", target="select"),
    "currency_converter": type_text("2.5", target="input", submit=True),
    "truce_game_explorer": type_text("6", target="input", submit=True),
    "claim_stepper": click("button:has-text('Next')"),
}
CALL = re.compile(r"widgets\.(\w+)\(")


def test_every_explorer_has_an_interaction():
    assert set(ACTIONS) == set(widgets.EXPLORERS)


def test_every_explorer_in_the_lesson_renders_and_responds(lab, lesson_notebook, record_property):
    lab.open(lesson_notebook)
    lab.run_all()
    assert lab.error_outputs() == []
    used = []
    for cell in lab.cells():
        if cell["type"] == "code":
            used += [name for name in CALL.findall(cell["source"]) if name in ACTIONS and name not in used]
    if not used:
        pytest.skip(f"{lesson_notebook} has no explorer")
    checks = [WidgetCheck(name, cell=f"widgets.{name}(", widget=".lessonkit-explorer", action=ACTIONS[name],
                          output=".lessonkit-output") for name in used]
    report = check_widgets(lab, checks)
    print(report)
    assert lab.widget_errors() == []
    record_property("widget_ms", {t.name: round(t.ms) for t in report.timings})


def test_truce_game_inputs_have_names_and_pass_axe(lab):
    """Each of the five inputs is named by its label (a slider's handle was not: axe, serious)."""
    from axe_playwright_python.sync_playwright import Axe

    lab.open("05-the-ceasefire-question.ipynb")
    lab.run_all()
    box = lab.page.locator(".lessonkit-explorer", has_text="The truce game").first
    box.scroll_into_view_if_needed()
    box.evaluate("e => e.setAttribute('id', 'truce-game-under-test')")
    labels = box.locator("input").evaluate_all("inputs => inputs.map(i => i.labels[0] ? i.labels[0].textContent : '')")
    assert len(labels) == 5 and all(labels), labels
    found = Axe().run(lab.page, context="#truce-game-under-test").response["violations"]
    assert [(v["id"], v["impact"]) for v in found] == []
