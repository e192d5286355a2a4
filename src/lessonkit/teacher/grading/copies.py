"""Submissions that are identical or nearly so, listed for the teacher to look at.

Identical answers are not proof of copying (students may have worked together, shared a
computer, or made the same common mistake), so the report lists pairs neutrally, as
"possible copies" worth a look, and never in the gradebook or a student's feedback.

Two submissions (two rows of the gradebook) are listed when:

- their files are byte for byte the same, and at least one exercise in them was answered; or
- they gave the same answer to every exercise either of them answered, at least
  ``MIN_SHARED`` exercises (or all of them, in a shorter lesson), and at least one of those
  shared answers is a telling one; or
- all but one of the exercises either answered have the same answer, and at least two of
  the shared answers are telling ones (a copy with one answer changed).

A telling answer is one that is not correct and is uncommon: given by no more than
``max(RARE_MIN, RARE_SHARE * graded submissions)`` submissions. Right answers are the same
for everyone who found them, and a common mistake is common; the same rare mistake is the
sign worth a look. Answers are compared in their record form (a fingerprint of each
counted answer).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Any

MIN_SHARED = 3
RARE_MIN, RARE_SHARE = 4, 0.15


@dataclass(frozen=True)
class PossibleCopy:
    """Two rows whose submissions are identical or nearly so, and in what way."""

    first: Any   # report.Row
    second: Any  # report.Row
    reason: str


def _compare(a, b, n_exercises: int, telling: set[tuple[str, str]]) -> str:
    """Why rows a and b look copied, or '' when they do not."""
    if a.digest and a.digest == b.digest and (a.answers or b.answers):
        return "identical files"
    if not (a.graded and b.graded and a.answers and b.answers):
        return ""
    either = set(a.answers) | set(b.answers)
    same = [e for e in either if a.answers.get(e) is not None and a.answers.get(e) == b.answers.get(e)]
    rare = [e for e in same if (e, a.answers[e]) in telling]
    differ = len(either) - len(same)
    if differ == 0 and len(same) >= min(MIN_SHARED, n_exercises) and rare:
        return (f"the same answers to all {len(same)} exercises either answered, "
                f"{len(rare)} of them the same uncommon mistake")
    if differ == 1 and len(rare) >= 2:
        return (f"the same answers to {len(same)} of the {len(either)} exercises either answered, "
                f"{len(rare)} of them the same uncommon mistake")
    return ""


def possible_copies(rows: list, n_exercises: int) -> list[PossibleCopy]:
    """Every pair of rows that looks copied, in gradebook order.

    Only pairs that share a file or a telling answer are compared, so a large class is quick.

    >>> from lessonkit.teacher.grading.report import Row
    >>> a = Row("ana", "a.json", "record", True, {"x": 0, "y": 1, "z": 1}, answers={"x": "1", "y": "2", "z": "3"})
    >>> b = Row("ben", "b.json", "record", True, {"x": 0, "y": 1, "z": 1}, answers={"x": "1", "y": "2", "z": "3"})
    >>> right = Row("cy", "c.json", "record", True, {"x": 1, "y": 1, "z": 1}, answers={"x": "9", "y": "2", "z": "3"})
    >>> [(c.first.student, c.second.student, c.reason) for c in possible_copies([a, b, right], 3)]
    [('ana', 'ben', 'the same answers to all 3 exercises either answered, 1 of them the same uncommon mistake')]
    """
    graded = [r for r in rows if r.graded]
    given: dict[tuple[str, str], list[int]] = {}
    for i, r in enumerate(rows):
        if r.graded:
            for e, digest in r.answers.items():
                if not r.scores.get(e):
                    given.setdefault((e, digest), []).append(i)
    limit = max(RARE_MIN, int(RARE_SHARE * len(graded)))
    telling = {answer for answer, who in given.items() if len(who) <= limit}
    buckets = [who for answer, who in given.items() if answer in telling]
    by_file: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        if r.digest:
            by_file.setdefault(r.digest, []).append(i)
    pairs = {pair for who in [*buckets, *by_file.values()] for pair in combinations(who, 2)}
    found = []
    for i, j in sorted(pairs):
        reason = _compare(rows[i], rows[j], n_exercises, telling)
        if reason:
            found.append(PossibleCopy(rows[i], rows[j], reason))
    return found
