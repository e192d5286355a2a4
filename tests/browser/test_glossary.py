"""A lesson's glossary link opens the glossary scrolled to the term (issue 13).

JupyterLab's link handler opens the glossary with the default viewer for Markdown and then
asks it to show the link's #fragment. A Jupytext notebook view looks for the heading before its
Markdown is rendered and stays at the top; the Markdown Preview renders first and then scrolls.
The module's settings (``lessonkit settings``) therefore open Markdown files in the preview.
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
    """With the module's settings, as a student has them: the term is in view, in the preview,
    and no dialog (a kernel choice) covers it."""
    lab.open(LESSON)
    _follow_the_link(lab)
    where = _term_in_view(lab)
    assert where["viewer"] == "MarkdownViewer", where
    assert where["inView"], f"the heading '{TERM}' is at {where['top']:.0f}px, outside the glossary's view " \
                            f"({where['areaTop']:.0f}-{where['areaBottom']:.0f}px)"
    assert not lab.page.locator(".jp-Dialog").count(), "a dialog (kernel choice?) covers the glossary"
