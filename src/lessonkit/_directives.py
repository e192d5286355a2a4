"""MyST directive blocks in a lesson's Markdown, found by a CommonMark parser.

A directive is a fenced block whose info string starts with ``{name}``: backtick or tilde
fences (```` ```{exercise} ````) and MyST's colon fences (``:::{exercise}``). markdown-it-py
(with mdit-py-plugins' colon fences and front matter) decides where each fence opens and
closes, so a longer outer fence holds an inner code fence, and a fence shown inside a code
block is text, not a directive. Directives inside other directives (an exercise inside a
``{note}``) are found too; code directives such as ``{code-cell}`` hold code, never directives.

>>> [(d.argument, d.start, d.end, d.content) for d in directives(
...     "Intro\\n\\n::::{exercise} a.b\\nPrompt\\n```python\\nx = 1\\n```\\n::::\\n", "exercise")]
[('a.b', 2, 8, ['Prompt', '```python', 'x = 1', '```'])]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

# Directives whose content is code or other literal text: nothing inside them is a directive.
LITERAL = frozenset({"code-cell", "code", "code-block", "sourcecode", "literalinclude", "raw", "math", "eval-rst"})
_INFO = re.compile(r"^\{([\w:.-]+)\}(.*)$")
_NEWLINE = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class Directive:
    """One directive block: its name and argument, where it is, and its inner lines."""

    name: str
    argument: str
    start: int  # 0-based index of the opening fence's line
    end: int  # 0-based index after the block's last line
    content: list[str]  # the lines between the fences, without the fence's indentation
    fence: str  # the opening fence's marker: ```, ````, ~~~, :::, ...
    closed: bool  # False when the block runs to the end of the text with no closing fence

    @property
    def line(self) -> int:
        """The 1-based line number of the opening fence (for error messages)."""
        return self.start + 1


def source_lines(text: str) -> list[str]:
    """The text's lines as the parser counts them (the line numbers of :class:`Directive`)."""
    lines = _NEWLINE.split(text)
    return lines[:-1] if lines and lines[-1] == "" else lines


@cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.colon_fence import colon_fence_plugin
    from mdit_py_plugins.front_matter import front_matter_plugin

    return MarkdownIt("commonmark").use(front_matter_plugin).use(colon_fence_plugin)


def directives(text: str, name: str) -> list[Directive]:
    """Every ``{name}`` directive block of a MyST Markdown text, in the order they start."""
    return sorted(_found(text, name, 0), key=lambda d: d.start)


def _found(text: str, name: str, offset: int) -> list[Directive]:
    found: list[Directive] = []
    for token in _parser().parse(text):
        if token.type not in ("fence", "colon_fence") or token.map is None:
            continue
        m = _INFO.match(token.info.strip())
        if m is None:
            continue
        start, end = token.map
        # A closed block spans its opening fence, its content lines and its closing fence.
        closed = end - start - token.content.count("\n") == 2
        if m.group(1) == name:
            found.append(Directive(name, m.group(2).strip(), offset + start, offset + end,
                                   source_lines(token.content), token.markup, closed))
        elif m.group(1) not in LITERAL:
            found += _found(token.content, name, offset + start + 1)
    return found
