"""Keys go to the control that has focus: in JupyterLab, with a drop-down of an explorer focused,
ArrowDown and the type-ahead letters change its value, and no notebook shortcut fires (``j``
would move to the next cell, ``m`` would turn the explorer's cell into Markdown and the widget
would disappear). Also: each explorer's result line is a live region, and a group of toggle
buttons has a name and says which one is pressed.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

# Where the notebook stands: the active cell, the number of cells and the type of the cell
# holding a given element (found by a marker attribute the test puts on it).
_STATE = """(marker) => {
    const nb = window.jupyterapp.shell.currentWidget.content;
    const el = document.querySelector(`[data-lk-under-test="${marker}"]`);
    const index = nb.widgets.findIndex(c => el && c.node.contains(el));
    return {active: nb.activeCellIndex, cells: nb.widgets.length, index,
            type: index >= 0 ? nb.widgets[index].model.type : null,
            explorer: !!(el && el.closest('.jp-OutputArea-output .lessonkit-explorer')),
            focused: !!el && document.activeElement === el,
            selected: el ? el.selectedIndex : -1};
}"""

# What Chromium's type-ahead picks on a closed <select>: the next option (after the current one,
# wrapping round) whose label starts with the letter; the value stays if none does.
_TYPE_AHEAD = """([marker, letter]) => {
    const el = document.querySelector(`[data-lk-under-test="${marker}"]`);
    const labels = Array.from(el.options).map(o => o.label.trim().toLowerCase());
    for (let step = 1; step <= labels.length; step++) {
        const i = (el.selectedIndex + step) % labels.length;
        if (labels[i].startsWith(letter)) return i;
    }
    return el.selectedIndex;
}"""


def _dropdowns(lab) -> int:
    """Mark every drop-down in the lesson's outputs with data-lk-under-test=N; return how many."""
    return lab.page.evaluate("""() => {
        const all = Array.from(document.querySelectorAll('.jp-Notebook .jp-OutputArea-output select'));
        all.forEach((s, i) => s.setAttribute('data-lk-under-test', String(i)));
        return all.length;
    }""")


def _press(lab, marker: str, key: str, expected: int) -> dict:
    before = lab.page.evaluate(_STATE, marker)
    lab.page.keyboard.press(key)
    lab.page.wait_for_timeout(150)
    after = lab.page.evaluate(_STATE, marker)
    where = f"drop-down {marker}, key {key!r}: before {before}, after {after}"
    assert after["type"] == "code" and after["explorer"], f"the cell stopped being the explorer's: {where}"
    assert after["cells"] == before["cells"] and after["active"] == before["active"], f"a notebook shortcut fired: {where}"
    assert after["focused"], f"the drop-down lost the focus: {where}"
    assert after["selected"] == expected, f"expected option {expected}: {where}"
    return after


def test_arrows_and_type_ahead_change_every_drop_down(lab, lesson_notebook):
    lab.open(lesson_notebook)
    lab.run_all()
    count = _dropdowns(lab)
    if not count:
        pytest.skip(f"{lesson_notebook} has no drop-down")
    changed = 0
    for n in range(count):
        marker = str(n)
        select = lab.page.locator(f'[data-lk-under-test="{marker}"]')
        select.scroll_into_view_if_needed()
        select.focus()
        options, start = select.evaluate("s => [s.options.length, s.selectedIndex]")
        if start == options - 1:  # at the end ArrowDown has nowhere to go: start one up
            lab.page.keyboard.press("ArrowUp")
            start -= 1
        _press(lab, marker, "ArrowDown", min(start + 1, options - 1))
        changed += options > 1
        for letter in ("j", "m"):
            lab.page.wait_for_timeout(1100)  # type-ahead forgets earlier letters after about a second
            expected = lab.page.evaluate(_TYPE_AHEAD, [marker, letter])
            _press(lab, marker, letter, expected)
    assert changed, f"{lesson_notebook}: no drop-down had a second option to move to"
    lab.wait_for_idle()
    assert lab.error_outputs() == []


def test_a_changed_drop_down_changes_the_explorer_and_its_announced_result(lab):
    """The key reaches the kernel (the table changes), and the one-line result sits in a
    role="status" region of its own, outside the table, which changes with it."""
    lab.open("01-the-weekend-in-context.ipynb")
    lab.run_all()
    box = lab.page.locator(".lessonkit-explorer", has_text="Timeline explorer").first
    box.scroll_into_view_if_needed()
    assert box.get_attribute("data-lm-suppress-shortcuts") == "true"
    status = box.locator("[role='status']")
    assert status.count() == 1 and status.get_attribute("aria-live") == "polite"
    assert status.locator("table").count() == 0 and status.locator("xpath=ancestor::table").count() == 0
    before, table = status.inner_text(), box.locator(".lessonkit-output").inner_text()
    assert "event" in before
    box.locator("select").first.focus()
    lab.page.keyboard.press("ArrowDown")
    lab.page.wait_for_function("([el, t]) => el.innerText !== t", arg=[status.element_handle(), before])
    assert box.locator(".lessonkit-output").inner_text() != table


def test_toggle_buttons_are_a_named_group_that_says_which_is_pressed(lab):
    lab.open("01-the-weekend-in-context.ipynb")
    lab.run_all()
    box = lab.page.locator(".lessonkit-explorer", has_text="Timeline explorer").first
    group = box.locator("[role='group']")
    assert group.count() == 1 and group.get_attribute("aria-label") == "When"
    buttons = group.locator("button")
    pressed = lambda: buttons.evaluate_all("bs => bs.map(b => b.getAttribute('aria-pressed'))")  # noqa: E731
    assert pressed() == ["true", "false", "false", "false"]
    status = box.locator("[role='status']").inner_text()
    buttons.nth(1).focus()
    lab.page.keyboard.press("Space")
    lab.page.wait_for_function("() => document.querySelectorAll("
                               "'.lessonkit-explorer [aria-pressed=\"true\"]')[0].textContent.includes('before')")
    assert pressed() == ["false", "true", "false", "false"]
    box.locator("[role='status']").filter(has_not_text=status).wait_for()
    # Seen, not only heard: the pressed button is filled dark with light text (not a pale shade).
    colours = buttons.evaluate_all("bs => bs.map(b => [getComputedStyle(b).backgroundColor, getComputedStyle(b).color])")
    assert colours[1] == ["rgb(13, 71, 161)", "rgb(255, 255, 255)"], colours
    assert colours[0][0] != colours[1][0]
