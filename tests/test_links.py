"""Every link in a lesson's own HTML output is underlined: axe's link-in-text-block rule
(WCAG 1.4.1) fails a link told apart from the text around it by its colour only, and
JupyterLab and the HTML export draw links in colour only."""

import re
from pathlib import Path

import pytest

from lessonkit import excerpts, voices, whats_next

SRC = Path(__file__).resolve().parents[1] / "src" / "lessonkit"
ANCHOR = re.compile(r"<a\b[^>]*>")


@pytest.mark.parametrize("html", [
    lambda: voices.sides("frozen-assets")._repr_html_(),
    lambda: excerpts.excerpt("gbr-european-troops-20250227")._repr_html_(),
    lambda: whats_next.story_box("start", after="london-summit", themes=["security_guarantees"])._repr_html_(),
], ids=["voices", "excerpt", "story-box"])
def test_every_link_in_a_lesson_output_is_underlined(html):
    anchors = ANCHOR.findall(html())
    assert anchors, "the output has links to check"
    assert [a for a in anchors if "text-decoration: underline" not in a] == []


def test_lesson_outputs_make_links_only_through_escape_link():
    """A new output that writes its own <a> would bring back links marked by colour alone."""
    raw = [f"{p.relative_to(SRC)}:{n}" for p in SRC.rglob("*.py") if p.name != "_escape.py" and "teacher" not in p.parts
           for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if "<a " in line]
    assert raw == []
