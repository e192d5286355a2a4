"""A lesson's glossary link should open the glossary scrolled to the term (issue 13).

What JupyterLab 4.6 does with ``[mobilisation](glossary.md#Mobilisation)``: its link handler
opens the glossary with the default viewer for Markdown and calls ``setFragment`` at once.
The module's settings make that viewer the Jupytext notebook, whose ``setFragment`` looks for
the heading in the DOM when the file is loaded but before its Markdown cell is rendered; it
finds nothing, and the glossary stays at its top (jupyterlab/jupyterlab#15207 is the same
regression between notebooks). Headings do carry the ids the links use (``data-jupyter-id``),
and explicit ``<a id>`` anchors would fail the same way, for the same reason.

JupyterLab's Markdown Preview renders first and then scrolls to the fragment, so the second
test shows that the link works once Markdown files open in the preview; the first test, the
student's case with the module's settings, is an expected failure until the settings change
(``defaultViewers``: ``markdown`` to ``Markdown Preview``; it would also make lesson sources,
``.md``, open as a preview, which the lead engineer must decide).
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

LESSON = "04-where-they-stand.ipynb"
TERM, LINK_TEXT = "Mobilisation", "mobilisation"  # the last term: far below the glossary's top


def _follow_the_link(lab) -> None:
    link = lab.page.locator(".jp-Notebook .jp-RenderedMarkdown a", has_text=LINK_TEXT).first
    link.scroll_into_view_if_needed()
    href = link.get_attribute("href")
    assert "glossary.md" in href and href.endswith(f"#{TERM}"), href
    link.click()
    lab.page.wait_for_function("() => window.jupyterapp.shell.currentWidget.context.path === 'glossary.md'",
                               timeout=30_000)
    lab.page.locator(f"h2:has-text('{TERM}')").first.wait_for(state="attached", timeout=30_000)
    lab.page.wait_for_timeout(1500)  # let any scrolling finish


def _term_in_view(lab) -> dict:
    """Where the term's heading is, in the glossary's own scrolling area and in the window."""
    return lab.page.evaluate("""(term) => {
        const w = window.jupyterapp.shell.currentWidget;
        const h = Array.from(w.node.querySelectorAll('h2')).find(h => h.textContent.startsWith(term));
        const area = w.content.node.getBoundingClientRect();
        const box = h.getBoundingClientRect();
        return {top: box.top, bottom: box.bottom, areaTop: area.top, areaBottom: area.bottom,
                inView: box.top >= area.top - 1 && box.bottom <= area.bottom + 1,
                viewer: w.content.hasClass && w.content.hasClass('jp-MarkdownViewer') ? 'MarkdownViewer'
                    : (w.content.hasClass && w.content.hasClass('jp-Notebook') ? 'Notebook' : 'other')};
    }""", TERM)


def test_a_glossary_link_scrolls_the_term_into_view(lab):
    """With the module's settings: an expected failure at exactly one point (anything else
    that goes wrong fails the test); it passes, and says so, once the term is in view."""
    lab.open(LESSON)
    _follow_the_link(lab)
    where = _term_in_view(lab)
    if not where["inView"] and where["viewer"] != "MarkdownViewer":
        pytest.xfail(f"the glossary opened as a notebook and stayed at its top (the heading '{TERM}' is at "
                     f"{where['top']:.0f}px, the view ends at {where['areaBottom']:.0f}px): JupyterLab 4.6 "
                     "looks for the fragment before the notebook's Markdown is rendered")
    assert where["inView"], where


def test_the_link_scrolls_to_the_term_when_markdown_opens_in_the_preview(lab):
    lab.open(LESSON)
    lab.page.evaluate("() => window.jupyterapp.docRegistry.setDefaultWidgetFactory('markdown', 'Markdown Preview')")
    try:
        _follow_the_link(lab)
        where = _term_in_view(lab)
        assert where["inView"], f"the heading '{TERM}' is at {where['top']:.0f}px, outside the glossary's view " \
                                f"({where['areaTop']:.0f}-{where['areaBottom']:.0f}px)"
        assert not lab.page.locator(".jp-Dialog").count(), "a dialog (kernel choice?) covers the glossary"
    finally:
        lab.page.evaluate("() => window.jupyterapp.docRegistry"
                          ".setDefaultWidgetFactory('markdown', 'Jupytext Notebook')")
