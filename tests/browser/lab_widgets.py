"""Check a notebook's ipywidgets in a real JupyterLab: they render, respond, and how fast.

A lesson's browser test declares, per widget, where it is, how a person interacts with it
and what should change; :func:`check_widgets` does the rest and returns the timings::

    from lab_widgets import WidgetCheck, keys_after_tab, select_option, check_widgets

    CHECKS = [
        WidgetCheck("year slider", cell="# demo: slider", widget=".widget-slider",
                    action=keys_after_tab("ArrowRight"), expect=r"Year: 2026"),
        WidgetCheck("country", cell="# demo: dropdown", widget=".widget-dropdown",
                    action=select_option("Canada"), expect=r"Country: Canada"),
    ]

    def test_widgets(lab):
        lab.open("01-pledges.ipynb"); lab.run_all()
        timings = check_widgets(lab, CHECKS)

The time measured is from the first input event the action fires in the page (pointerdown,
keydown, input or change, caught in the capture phase) to the first change of the output's
text (a MutationObserver), both by the page's own clock: the kernel round trip plus
rendering, without Playwright's own latency.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field

WIDGET_ERRORS = ("Error displaying widget", "model not found", "Error rendering")


@dataclass(frozen=True)
class Action:
    """How a person interacts with a widget: ``prepare`` (e.g. focus, not timed) then ``act``."""

    describe: str
    act: Callable  # (page, widget_locator) -> None
    prepare: Callable | None = None  # (page, widget_locator) -> None


def click(target: str | None = None) -> Action:
    """Click the widget (or the element matching target inside it), like a mouse user."""
    def act(page, widget):
        (widget.locator(target).first if target else widget).click()
    return Action(f"click {target or 'the widget'}", act)


def keys_after_tab(*keys: str, target: str | None = None, max_tabs: int = 12) -> Action:
    """Reach the widget with Tab (from its description label), then press keys, e.g. ArrowRight.

    target is the element that must end up focused (default: any focusable element in the
    widget). Raises AssertionError if Tab never reaches it: a keyboard user could not either.
    """
    def prepare(page, widget):
        start = widget.locator(".widget-label").first
        if start.count():
            start.click()
        else:
            widget.click(position={"x": 1, "y": 1})
        goal = widget.locator(target).first if target else widget
        for _ in range(max_tabs):
            if goal.evaluate("el => el.contains(document.activeElement) && document.activeElement !== document.body"):
                return
            page.keyboard.press("Tab")
        raise AssertionError(f"{max_tabs} presses of Tab never focused {target or 'the widget'}")

    def act(page, widget):
        for key in keys:
            page.keyboard.press(key)

    return Action(f"Tab to {target or 'the widget'}, press {'+'.join(keys)}", act, prepare)


def type_text(text: str, target: str = "input, textarea", submit: bool = False) -> Action:
    """Click into the widget's text box, select what is there, and type text (then Enter)."""
    def prepare(page, widget):
        box = widget.locator(target).first
        box.click()
        box.press("Control+A")

    def act(page, widget):
        page.keyboard.type(text, delay=20)
        if submit:
            page.keyboard.press("Enter")

    return Action(f"type {text!r}" + (" and Enter" if submit else ""), act, prepare)


def select_option(value: str, target: str = "select") -> Action:
    """Choose value (label or value) in the widget's native <select>."""
    def act(page, widget):
        box = widget.locator(target).first
        labels = box.evaluate("s => Array.from(s.options).map(o => o.label)")
        if value in labels:
            box.select_option(label=value)
        else:
            box.select_option(value=value)
    return Action(f"select {value!r}", act)


@dataclass(frozen=True)
class WidgetCheck:
    """One widget to check.

    name: for messages. cell: text found in the source of the cell whose output holds the
    widget. widget: CSS selector of the widget inside that output (e.g. ``.widget-slider``,
    ``.widget-dropdown``, ``.widget-text``, ``.widget-button``, ``.widget-checkbox``).
    action: how a person interacts (click, keys_after_tab, type_text, select_option or your
    own Action). output: CSS selector, inside the same cell, of what must change (default:
    the cell's Output widgets); its text or its images (a redrawn figure) must change.
    expect: a regex (JavaScript syntax; ``^``, ``$``, ``\\s``, ``\\d`` work as in Python) the
    changed text must match (optional).
    nth: which match of ``widget`` when there are several.
    """

    name: str
    cell: str
    widget: str
    action: Action
    output: str = ".widget-output"
    expect: str | None = None
    nth: int = 0


@dataclass(frozen=True)
class Timing:
    """The outcome of one widget check."""

    name: str
    ms: float
    before: str
    after: str


@dataclass
class Report:
    """All timings of a run of :func:`check_widgets`."""

    timings: list[Timing] = field(default_factory=list)

    @property
    def median_ms(self) -> float:
        """The median interaction-to-output time in milliseconds."""
        return statistics.median(t.ms for t in self.timings)

    def __str__(self) -> str:
        lines = [f"{t.name}: {t.ms:.0f} ms ({t.before!r} -> {t.after!r})" for t in self.timings]
        if self.timings:
            lines.append(f"median: {self.median_ms:.0f} ms over {len(self.timings)} interactions")
        return "\n".join(lines)


_ARM = """
(cell, outputSelector) => {
  const text = () => Array.from(cell.querySelectorAll(outputSelector)).map(e => e.textContent).join('\\n');
  const old = window.__lkTiming;
  if (old && old.cleanup) old.cleanup();
  // What counts as a change: the text, and any image (a matplotlib figure has no text).
  const signature = () => text() + Array.from(cell.querySelectorAll(outputSelector + ' img'))
      .map(i => i.src.length + ':' + i.src.slice(-64)).join('|') +
      cell.querySelectorAll(outputSelector + ' svg').length;
  const st = {t0: null, t1: null, before: text(), signature: signature()};
  const events = ['pointerdown', 'mousedown', 'keydown', 'input', 'change'];
  const onEvent = () => { if (st.t0 === null) st.t0 = performance.now(); };
  events.forEach(n => document.addEventListener(n, onEvent, {capture: true}));
  const obs = new MutationObserver(() => {
    if (st.t0 !== null && st.t1 === null && signature() !== st.signature) st.t1 = performance.now();
  });
  obs.observe(cell, {subtree: true, childList: true, characterData: true, attributes: false});
  st.text = text;
  st.cleanup = () => { obs.disconnect(); events.forEach(n => document.removeEventListener(n, onEvent, {capture: true})); };
  window.__lkTiming = st;
  return st.before;
}
"""


def rendered_widgets(lab, index: int):
    """Locator of the widgets rendered in the output of cell index."""
    return lab.widgets(index)


def assert_widgets_render(lab, index: int, minimum: int = 1) -> None:
    """Assert at least ``minimum`` widgets are visible in cell index's output, and no widget error."""
    cell = lab.cell(index)
    widgets = rendered_widgets(lab, index)
    widgets.first.wait_for(state="visible")
    assert widgets.count() >= minimum, f"cell {index}: {widgets.count()} widgets rendered, expected {minimum}+"
    text = " ".join(cell.locator(".jp-OutputArea-output").all_text_contents())
    bad = [e for e in WIDGET_ERRORS if e in text]
    assert not bad, f"cell {index}: widget error in output: {text[:300]!r}"


def check_widget(lab, check: WidgetCheck, timeout_ms: int = 15_000) -> Timing:
    """Interact with one widget as declared and assert its output changed (as expected)."""
    page = lab.page
    index = lab.cell_index(check.cell)
    assert_widgets_render(lab, index)
    cell = lab.cell(index)
    widget = cell.locator(f".jp-OutputArea-output {check.widget}").nth(check.nth)
    widget.wait_for(state="visible")
    widget.scroll_into_view_if_needed()
    if check.action.prepare:
        check.action.prepare(page, widget)
    before = cell.evaluate(_ARM, check.output)
    try:
        check.action.act(page, widget)
        page.wait_for_function("() => window.__lkTiming.t1 !== null", timeout=timeout_ms, polling="raf")
        if check.expect:
            page.wait_for_function(
                "([re]) => new RegExp(re).test(window.__lkTiming.text())", arg=[check.expect],
                timeout=timeout_ms, polling=50)
        t0, t1, after = page.evaluate("() => [window.__lkTiming.t0, window.__lkTiming.t1, window.__lkTiming.text()]")
    except Exception as e:
        after = page.evaluate("() => window.__lkTiming.text()")
        raise AssertionError(f"{check.name}: after '{check.action.describe}' the output "
                             f"{check.output!r} went from {before!r} to {after!r}"
                             + (f", expected /{check.expect}/" if check.expect else "") + f" ({e})") from None
    finally:
        page.evaluate("() => window.__lkTiming.cleanup()")
    if check.expect:
        assert re.search(check.expect, after), f"{check.name}: output {after!r} does not match /{check.expect}/"
    return Timing(check.name, t1 - t0, before.strip(), after.strip())


def check_widgets(lab, checks: list[WidgetCheck], timeout_ms: int = 15_000) -> Report:
    """Run every check in order (the notebook must be open and run); return the timings."""
    report = Report()
    for check in checks:
        report.timings.append(check_widget(lab, check, timeout_ms))
    return report
