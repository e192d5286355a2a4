"""What a student reads in a lesson: the text of outputs as JupyterLab shows them, and prose.

Shared by the learning-design and reading-load tests. An output is read in the form
JupyterLab renders (its richest type): a widget (its text cannot be known without a kernel,
so it counts as nothing), HTML stripped of tags, Markdown stripped of its marks, an image's
alt text, else plain text; streams as they are.
"""

from __future__ import annotations

import os
import re
import tomllib
from html.parser import HTMLParser
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
ORDER = tomllib.loads((NOTEBOOKS / "lessons.toml").read_text(encoding="utf-8"))["lesson"]
LESSONS = [NOTEBOOKS / e["file"] for e in ORDER if (NOTEBOOKS / e["file"]).exists()]
MINUTES = {e["file"]: int(e["minutes"]) for e in ORDER}
KEYS = {e["file"]: e["key"] for e in ORDER}
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
IMAGES = ("image/png", "image/jpeg", "image/svg+xml", "image/gif")
_BLOCK = {"p", "div", "tr", "li", "br", "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody",
          "caption", "summary", "details", "pre", "ul", "ol", "dt", "dd", "figcaption", "blockquote"}
WORD = re.compile(r"[^\W_]+(?:[’'.,-][^\W_]+)*")


class _Text(HTMLParser):
    """The visible text of an HTML fragment: tags dropped, a line break at each block, cells
    of a row separated by spaces, nothing from <style> or <script>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0
        self._pre = 0

    def handle_starttag(self, tag, attrs):
        if tag == "pre":
            self._pre += 1
        if tag in ("style", "script"):
            self._skip += 1
        elif tag in _BLOCK:
            self.parts.append("\n")
        elif tag in ("td", "th"):  # header cells marked apart, so a header row does not look like data
            self.parts.append(" | " if tag == "td" else " ‖ ")
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.parts.append(f" {alt} ")

    def handle_endtag(self, tag):
        if tag == "pre":
            self._pre = max(0, self._pre - 1)
        if tag in ("style", "script"):
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._skip:  # outside <pre>, a line break in the source is only a space
            self.parts.append(data if self._pre else re.sub(r"\s+", " ", data))


def html_text(html: str) -> str:
    """The visible text of HTML, one line per block (a table row is one line).

    >>> html_text("<style>p{}</style><table><tr><th>state</th></tr><tr>\\n<td>France</td>\\n<td>1.5</td></tr></table>")
    '‖ state\\n| France | 1.5'
    """
    parser = _Text()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


def markdown_text(md: str) -> str:
    """Markdown as read: link targets, emphasis marks, heading hashes and HTML tags dropped.

    >>> markdown_text("## The [glossary](glossary.md#Backstop) says **this**")
    'The glossary says this'
    """
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", md)  # an image: its alt text
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # a link: its words
    text = html_text(text) if "<" in text else text
    text = re.sub(r"^\s{0,3}(#{1,6}|>|[-*+]|\d+[.)])\s+", "", text, flags=re.M)
    text = re.sub(r"[*_`]+", "", text)
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


def _joined(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def output_text(output: dict) -> str:
    """The text of one output in the form JupyterLab shows it."""
    kind = output.get("output_type")
    if kind == "stream":
        return _joined(output.get("text", ""))
    if kind == "error":
        return "\n".join(output.get("traceback", []))
    data = output.get("data", {})
    if WIDGET_VIEW in data:
        return ""
    if "text/html" in data:
        return html_text(_joined(data["text/html"]))
    if "text/markdown" in data:
        return markdown_text(_joined(data["text/markdown"]))
    for mime in IMAGES:
        if mime in data:
            alt = output.get("metadata", {}).get(mime, {})
            return str(alt.get("alt", "")) if isinstance(alt, dict) else ""
    return _joined(data.get("text/plain", ""))


def cell_output_text(cell: dict) -> str:
    """Every output of a code cell, one after the other."""
    return "\n".join(t for t in (output_text(o) for o in cell.get("outputs", [])) if t)


def words(text: str) -> int:
    """Words in a text (numbers count as words; punctuation and table rules do not).

    >>> words("France | 1,500.5 | the UK's loan")
    5
    """
    return len(WORD.findall(text))


def tags(cell: dict) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def is_solution(cell: dict) -> bool:
    return "solution" in tags(cell)


def is_instructor(cell: dict) -> bool:
    return "instructor" in tags(cell)


def editions(tmp_path_factory) -> Path:
    """Built editions of every lesson: those the test command built (LESSONKIT_EDITIONS), or a
    fresh build in a temporary folder (the teacher edition executed)."""
    from lessonkit.teacher.editions import build

    given = os.environ.get("LESSONKIT_EDITIONS")
    if given and all((Path(given) / e / p.with_suffix(".ipynb").name).exists()
                     for p in LESSONS for e in ("teacher", "student")):
        return Path(given)
    out = tmp_path_factory.mktemp("lesson-editions")
    build(LESSONS, out)
    return out


def read(folder: Path, edition: str, lesson: Path) -> nbformat.NotebookNode:
    return nbformat.read(folder / edition / lesson.with_suffix(".ipynb").name, as_version=4)
