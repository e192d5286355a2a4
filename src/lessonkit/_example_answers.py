"""Annotated example answers of a written task: one secure, one developing, each marked
against the rubric, line by line. The student may open them once their own answer is saved.

A written exercise block gives them as ``examples:`` (see ``docs/exercise-format.md``)::

    examples:
      secure:
        answer: The text of a strong answer ...
        notes:                # one per rubric line, in the rubric's order
        - how it meets the first line ...
      developing:
        answer: The text of a weaker answer ...
        notes:
        - what it misses of the first line ...

>>> ex = from_options({"secure": {"answer": "Good [a].", "notes": ["cites a row"]},
...                    "developing": {"answer": "Vague.", "notes": ["cites nothing"]}},
...                   ["Evidence: secure work cites a row; developing work cites none."])
>>> print(ex)
Example answers, marked against the rubric:
  Secure: Good [a].
    - Evidence: cites a row
  Developing: Vague.
    - Evidence: cites nothing
>>> problem({"secure": {"answer": "x", "notes": []}}, ["a"])
"examples needs both 'secure' and 'developing'"
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ._escape import html_text

LEVELS = ("secure", "developing")
_NAME = re.compile(r"^([A-Z][^:;.]{0,40}):\s")


def criterion(rubric_line: str, number: int) -> str:
    """The short name of a rubric line (the words before its first colon), else 'Rubric line N'.

    >>> criterion("Evidence: secure work cites ...", 2), criterion("cites a row", 3)
    ('Evidence', 'Rubric line 3')
    """
    m = _NAME.match(rubric_line)
    return m.group(1) if m else f"Rubric line {number}"


@dataclass(frozen=True)
class ExampleAnswer:
    """One example answer at one level, with a note for each line of the rubric."""

    level: str
    text: str
    notes: tuple[str, ...]


@dataclass(frozen=True)
class ExampleAnswers:
    """The example answers of one written task, with the rubric they are marked against."""

    rubric: tuple[str, ...]
    answers: tuple[ExampleAnswer, ...]

    def _marked(self, answer: ExampleAnswer) -> list[tuple[str, str]]:
        return [(criterion(r, i), n) for i, (r, n) in enumerate(zip(self.rubric, answer.notes), start=1)]

    def __str__(self) -> str:
        lines = ["Example answers, marked against the rubric:"]
        for a in self.answers:
            lines.append(f"  {a.level.capitalize()}: {' '.join(a.text.split())}")
            lines += [f"    - {name}: {note}" for name, note in self._marked(a)]
        return "\n".join(lines)

    def html(self) -> str:
        """Each example as a closed ``<details>`` the student opens (a ``<summary>`` is reached
        with the keyboard), its text and its notes escaped so a ``$`` is never typeset."""
        e = html_text
        parts = []
        for a in self.answers:
            paragraphs = "".join(f"<p>{e(p)}</p>" for p in a.text.split("\n\n") if p.strip())
            notes = "".join(f"<li><strong>{e(name)}:</strong> {e(note)}</li>" for name, note in self._marked(a))
            parts.append(
                f'<details class="lessonkit-example lessonkit-example-{e(a.level)}" style="margin:0.3em 0">'
                f"<summary>Example answer, {e(a.level)} level: open it after reading your own again</summary>"
                f'<blockquote style="margin:0.4em 1em">{paragraphs}</blockquote>'
                f"<p>Marked against the rubric:</p><ul>{notes}</ul></details>")
        return '<div class="lessonkit-examples" style="color:#111">' + "".join(parts) + "</div>"


def problem(value: Any, rubric: Any) -> str:
    """What is wrong with an ``examples`` option ('' when nothing is)."""
    if not isinstance(value, dict) or set(value) != set(LEVELS):
        return f"examples needs both {' and '.join(repr(x) for x in LEVELS)}"
    if not isinstance(rubric, list) or not rubric:
        return "examples are marked against the rubric: give a rubric too"
    for level in LEVELS:
        item = value[level]
        if not isinstance(item, dict) or set(item) != {"answer", "notes"}:
            return f"examples.{level} needs 'answer' and 'notes' (and nothing else)"
        if not isinstance(item["answer"], str) or not item["answer"].strip():
            return f"examples.{level}.answer must be the text of the example answer"
        notes = item["notes"]
        if not isinstance(notes, list) or not all(isinstance(n, str) and n.strip() for n in notes):
            return f"examples.{level}.notes must be a list of texts"
        if len(notes) != len(rubric):
            return (f"examples.{level}.notes has {len(notes)} note{'s' if len(notes) != 1 else ''}; "
                    f"give one per rubric line ({len(rubric)})")
    return ""


def from_options(value: dict[str, Any], rubric: list[str] | tuple[str, ...]) -> ExampleAnswers:
    """The examples of a block's options (already checked with :func:`problem`)."""
    return ExampleAnswers(tuple(rubric), tuple(
        ExampleAnswer(level, value[level]["answer"].strip(), tuple(value[level]["notes"])) for level in LEVELS))
