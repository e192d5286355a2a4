"""A lesson's link to a glossary term opens the glossary beside the lesson, in JupyterLab.

JupyterLab drops the link's #fragment when it opens another file, so the test asks only that
the glossary opens and shows the term; a student then finds it among the headings."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_a_glossary_link_in_a_lesson_opens_the_glossary(lab):
    lab.open("04-where-they-stand.ipynb")
    link = lab.page.locator(".jp-Notebook .jp-RenderedMarkdown a", has_text="mobilisation").first
    link.scroll_into_view_if_needed()
    link.click()
    lab.page.wait_for_function("() => window.jupyterapp.shell.currentWidget.context.path === 'glossary.md'",
                               timeout=30_000)
    lab.page.locator("h2:has-text('Mobilisation')").first.wait_for(state="visible", timeout=30_000)
    assert "Calling up citizens" in lab.page.locator(".jp-MainAreaWidget:visible").first.inner_text()
