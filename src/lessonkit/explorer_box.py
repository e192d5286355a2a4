"""The box every explorer is drawn in: its title, its controls, a one-line status that a
screen reader announces when it changes, then its result; and the style and script the page
needs for keyboard use and narrow screens. The explorers themselves are :mod:`lessonkit.widgets`.
"""

from __future__ import annotations

import html
import re

import ipywidgets as w

from ._escape import html_text


class Explorer(w.VBox):
    """An explorer's box. Where a widget cannot be drawn (an untrusted or kernel-less copy of an
    executed lesson) it shows a short note naming it, never ``VBox(children=(HTML(...``."""

    title = ""

    def __repr__(self) -> str:
        return f"{self.title}: an interactive explorer (run the lesson's cells in JupyterLab to use it)."

    def _repr_mimebundle_(self, **kwargs):
        data = super()._repr_mimebundle_(**kwargs)
        data["text/html"] = (f'<p class="lessonkit-widget-note"><strong>{html_text(self.title)}</strong>: an interactive '
                             "explorer. Run the lesson's cells (or trust the notebook) to use it.</p>")
        return data


# The style every explorer brings with it (a <style> in an HTML widget applies to the whole page):
# - a focus ring in the text colour (black on white, white on a dark theme: far above 3:1);
# - the chosen option of a group of toggle buttons filled dark, bold and ticked, not only a shade;
# - controls that shrink and wrap on a narrow page (200% zoom) instead of running off it;
# - on the whole page (every lesson shows an explorer), long links and code in prose and in
#   say()'s source lists break rather than run past the notebook's edge at 200% zoom.
EXPLORER_STYLE = """<style>
.lessonkit-explorer select:focus, .lessonkit-explorer input:focus, .lessonkit-explorer textarea:focus,
.lessonkit-explorer button:focus-visible, .lessonkit-explorer [tabindex]:focus-visible,
.lessonkit-table-wrap:focus-visible {
  outline: 3px solid var(--jp-ui-font-color0, #000) !important; outline-offset: -3px; }
.lessonkit-explorer .widget-toggle-button.mod-active {
  background: #0d47a1 !important; color: #fff !important; font-weight: bold;
  box-shadow: inset 0 -3px 0 #000; }
.lessonkit-explorer .widget-toggle-button.mod-active::before { content: "\\2713\\00a0" / ""; }
.lessonkit-explorer, .lessonkit-explorer .widget-html-content { max-width: 100%; min-width: 0; }
.lessonkit-explorer .widget-html-content { white-space: normal; overflow-wrap: break-word; }
.lessonkit-explorer .widget-inline-hbox, .lessonkit-explorer .widget-toggle-buttons > div {
  flex-wrap: wrap; max-width: 100%; min-width: 0; }
.lessonkit-explorer .widget-inline-hbox .widget-label { max-width: 100%; white-space: normal; }
.lessonkit-explorer .widget-inline-hbox select, .lessonkit-explorer .widget-inline-hbox input[type="number"] {
  min-width: 5em; max-width: 100%; flex: 1 1 8em; }
.lessonkit-truce .widget-inline-hbox .widget-label { text-align: left; }
.lessonkit-explorer .lessonkit-status { font-weight: bold; margin: 0.3em 0; }
.jp-RenderedHTMLCommon a, .jp-RenderedHTMLCommon code { overflow-wrap: anywhere; }
</style>"""

# What JupyterLab cannot be told from Python: run once per explorer, in the page. It marks the
# explorer and each of its controls with data-lm-suppress-shortcuts: JupyterLab's command
# registry looks for a shortcut's selector from the focused element up and stops at an element
# so marked (the focused control itself must carry it, since the notebook's shortcuts match the
# focused element). So ArrowDown, type-ahead letters, Enter and Space reach the focused
# control, and "m" never turns the explorer's cell into Markdown.
# It makes the result line a polite live region (role="status"), and gives each group of
# toggle buttons a role and a name (its label) and each button its state (aria-pressed).
EXPLORER_SCRIPT = """<script>
(function (script) {
  var tries = 0;
  function setup() {
    var box = script && script.closest('.lessonkit-explorer');
    if (!box) { if (tries++ < 600) { requestAnimationFrame(setup); } return; }
    if (box.hasAttribute('data-lm-suppress-shortcuts')) { return; }
    box.setAttribute('data-lm-suppress-shortcuts', 'true');
    function set(el, name, value) { if (el.getAttribute(name) !== value) { el.setAttribute(name, value); } }
    function sync() {
      box.querySelectorAll('select, input, textarea, button, [tabindex]').forEach(function (el) {
        set(el, 'data-lm-suppress-shortcuts', 'true');
      });
      box.querySelectorAll('.lessonkit-status').forEach(function (el) {
        set(el, 'role', 'status'); set(el, 'aria-live', 'polite');
      });
      box.querySelectorAll('.widget-toggle-buttons').forEach(function (toggles) {
        var label = toggles.querySelector(':scope > .widget-label');
        var group = toggles.querySelector(':scope > div:not(.widget-label)');
        if (group) { set(group, 'role', 'group'); set(group, 'aria-label', label ? label.textContent : 'options'); }
        toggles.querySelectorAll('button').forEach(function (b) {
          set(b, 'aria-pressed', b.classList.contains('mod-active') ? 'true' : 'false');
        });
      });
    }
    sync();
    new MutationObserver(sync).observe(box, {subtree: true, childList: true, attributes: true,
                                             attributeFilter: ['class']});
  }
  setup();
})(document.currentScript);
</script>"""


def _page_support() -> list[w.Widget]:
    """The explorer's style and script, as two widgets that take no room on the page.

    The script goes through an Output widget, whose outputs JupyterLab and Voila treat as
    trusted (an HTML widget's scripts never run)."""
    style = w.HTML(EXPLORER_STYLE, layout=w.Layout(display="none"))
    script = w.Output(layout=w.Layout(display="none"))
    script.outputs = ({"output_type": "display_data", "data": {"text/html": EXPLORER_SCRIPT,
                                                                "text/plain": ""}, "metadata": {}},)
    return [style, script]


def make_box(controls: list, out: w.HTML, title: str, status: w.HTML | None = None) -> w.VBox:
    """An explorer: its title, its controls, a one-line summary of the result that a screen
    reader announces when it changes (``status``), then the result itself (``out``, last)."""
    header = w.HTML(f"<strong>{html_text(title)}</strong>")
    status = status if status is not None else w.HTML()
    status.add_class("lessonkit-status")
    box = Explorer([header, w.HBox(controls, layout=w.Layout(flex_flow="row wrap", align_items="center")),
                    status, *_page_support(), out])
    box.title = title
    box.add_class("lessonkit-explorer")
    out.add_class("lessonkit-output")
    return box


def summary(box: w.Box) -> str:
    """The explorer's one-line summary of its current result, as a screen reader hears it."""
    found = [c for c in box.children if isinstance(c, w.HTML) and "lessonkit-status" in c._dom_classes]
    return html.unescape(re.sub(r"<[^>]+>", "", found[0].value)) if found else ""


def controls(box: w.Box) -> list[w.DOMWidget]:
    """Every control inside an explorer, depth first (its output is ``box.children[-1]``)."""
    found, stack = [], list(box.children[1:-1])
    while stack:
        child = stack.pop(0)
        if isinstance(child, w.Box):
            stack[:0] = list(child.children)
        elif isinstance(child, (w.Button, w.ValueWidget)) and not isinstance(child, w.HTML):
            found.append(child)
    return found
