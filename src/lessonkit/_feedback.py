"""The result of a check: renders as HTML in a notebook and as plain text elsewhere."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ._escape import NO_MATH, html_text, mathless


class Status(StrEnum):
    """What a check says of an answer, and how that is worded, once, for everyone.

    The values are the strings learning records hold, so old records stay readable.
    ``label`` heads a student's feedback; ``words`` says it inside a sentence (a progress
    list, a gradebook's feedback file); ``colour`` is an Okabe–Ito colour (the label always
    says the same in words, so colour is never alone).

    >>> Status("invalid").label, Status.INVALID.words, Status.CORRECT == "correct"
    ('Check the form of your answer', 'not in the expected form', True)
    """

    CORRECT = "correct"
    INCORRECT = "incorrect"
    NOT_ATTEMPTED = "not_attempted"
    INVALID = "invalid"
    RECORDED = "recorded"  # a prediction or written answer saved (never scored), or any answer while grading

    @property
    def label(self) -> str:
        """The status as a heading: Correct, Not yet, Not attempted yet, ..."""
        return _WORDING[self][0]

    @property
    def words(self) -> str:
        """The status inside a sentence: correct, not yet, not attempted, ..."""
        return _WORDING[self][1]

    @property
    def colour(self) -> str:
        """The status's colour (never shown without its label)."""
        return _WORDING[self][2]


_WORDING = {  # status: (label, words, colour)
    Status.CORRECT: ("Correct", "correct", "#009E73"),
    Status.INCORRECT: ("Not yet", "not yet", "#D55E00"),
    Status.NOT_ATTEMPTED: ("Not attempted yet", "not attempted", "#0072B2"),
    Status.INVALID: ("Check the form of your answer", "not in the expected form", "#E69F00"),
    Status.RECORDED: ("Answer recorded", "saved", "#999999"),
}
CORRECT, INCORRECT, NOT_ATTEMPTED, INVALID, RECORDED = Status  # the names other modules import


@dataclass(frozen=True)
class Verdict:
    """What an exercise's checker says of one answer, before any hint is chosen."""

    status: str
    message: str


@dataclass(frozen=True)
class Feedback:
    """Feedback on one answer to one exercise.

    >>> fb = Feedback("sample.1", INCORRECT, "3 is too small.", hint="Count again <carefully>.",
    ...               hint_number=1, hints_total=2)
    >>> print(fb)
    [sample.1] Not yet: 3 is too small.
      Hint 1 of 2: Count again <carefully>.
    >>> "&lt;carefully&gt;" in fb._repr_html_()
    True
    """

    exercise_id: str
    status: str
    message: str
    hint: str = ""
    hint_number: int = 0
    hints_total: int = 0
    note: str = ""
    examples: Any = None  # a written task's ExampleAnswers, given only once an answer is saved

    @property
    def passed(self) -> bool:
        """True when the answer is correct."""
        return self.status == CORRECT

    @property
    def label(self) -> str:
        """The status in words: Correct, Not yet, Not attempted yet, ..."""
        return Status(self.status).label

    def __str__(self) -> str:
        lines = [f"[{self.exercise_id}] {self.label}: {self.message}"]
        if self.hint:
            lines.append(f"  Hint {self.hint_number} of {self.hints_total}: {self.hint}")
        if self.note:
            lines.append(f"  ({self.note})")
        if self.examples is not None:
            lines.append(str(self.examples))
        return "\n".join(lines)

    @mathless
    def _repr_html_(self) -> str:
        e = html_text
        colour = Status(self.status).colour
        parts = [
            f'<div class="lessonkit-feedback lessonkit-{e(self.status)} {NO_MATH}" role="status" '
            f'style="border-left:6px solid {colour};padding:0.4em 0.8em;margin:0.3em 0;'
            f'background:#f7f7f7;color:#111">',
            f"<strong>{e(self.label)}</strong> <code>{e(self.exercise_id)}</code>: {e(self.message)}",
        ]
        if self.hint:
            parts.append(f"<br><em>Hint {self.hint_number} of {self.hints_total}:</em> {e(self.hint)}")
        if self.note:
            parts.append(f"<br><small>{e(self.note)}</small>")
        parts.append("</div>")
        if self.examples is not None:  # outside the status region, so it is not read out at once
            parts.append(self.examples.html())
        return "".join(parts)

    def __repr__(self) -> str:
        return str(self)
