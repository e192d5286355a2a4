"""Submissions that are identical or nearly so, listed for the teacher to look at.

Identical answers are not proof of copying (students may have worked together, shared a
computer, or made the same common mistake), so the report lists pairs neutrally, as
"possible copies" worth a look, and never in the gradebook or a student's feedback.

Two submissions (two rows of the gradebook) are listed when:

- their files are byte for byte the same, and at least one exercise in them was answered; or
- they gave the same answer to every exercise either of them answered, at least
  ``MIN_SHARED`` exercises (or all of them, in a shorter lesson), and at least one of those
  shared answers is not correct: right answers are the same for everyone who found them,
  the same wrong answers are the telling sign; or
- all but one of the exercises either answered have the same answer, and at least two of
  the shared answers are not correct (a copy with one answer changed).

Answers are compared in their record form (a fingerprint of each counted answer).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

MIN_SHARED = 3


@dataclass(frozen=True)
class PossibleCopy:
    """Two rows whose submissions are identical or nearly so, and in what way."""

    first: object   # report.Row
    second: object  # report.Row
    reason: str


def _compare(a, b, n_exercises: int) -> str:
    """Why rows a and b look copied, or '' when they do not."""
    if a.digest and a.digest == b.digest and (a.answers or b.answers):
        return "identical files"
    if not (a.graded and b.graded and a.answers and b.answers):
        return ""
    either = set(a.answers) | set(b.answers)
    same = [e for e in either if a.answers.get(e) is not None and a.answers.get(e) == b.answers.get(e)]
    wrong = [e for e in same if not a.scores.get(e)]
    differ = len(either) - len(same)
    if differ == 0 and len(same) >= min(MIN_SHARED, n_exercises) and wrong:
        return (f"the same answers to all {len(same)} exercises either answered, "
                f"{len(wrong)} of them not correct")
    if differ == 1 and len(wrong) >= 2:
        return (f"the same answers to {len(same)} of the {len(either)} exercises either answered, "
                f"{len(wrong)} of them not correct")
    return ""


def possible_copies(rows: list, n_exercises: int) -> list[PossibleCopy]:
    """Every pair of rows that looks copied, in gradebook order.

    >>> from lessonkit.teacher.report import Row
    >>> a = Row("ana", "a.json", "record", True, {"x": 0, "y": 1, "z": 1}, answers={"x": "1", "y": "2", "z": "3"})
    >>> b = Row("ben", "b.json", "record", True, {"x": 0, "y": 1, "z": 1}, answers={"x": "1", "y": "2", "z": "3"})
    >>> right = Row("cy", "c.json", "record", True, {"x": 1, "y": 1, "z": 1}, answers={"x": "9", "y": "2", "z": "3"})
    >>> [(c.first.student, c.second.student, c.reason) for c in possible_copies([a, b, right], 3)]
    [('ana', 'ben', 'the same answers to all 3 exercises either answered, 1 of them not correct')]
    """
    found = []
    for a, b in combinations(rows, 2):
        reason = _compare(a, b, n_exercises)
        if reason:
            found.append(PossibleCopy(a, b, reason))
    return found
