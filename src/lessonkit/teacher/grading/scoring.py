"""Scoring attempts with the key: which attempt counts, and what it scores.

Which attempt counts: the last ANSWERED attempt at each exercise.

A learning record keeps every answer a student checked, in order. Opening a fresh copy of
a lesson and pressing Run All checks every exercise's unchanged stub (``...``) again, which
adds a "not attempted" entry after the real answers. Such an entry never replaces an
earlier answer: the last attempt whose verdict is not "not attempted" counts, and an
exercise only ever answered with placeholders is not attempted. It scores 1 when the key
finds it correct, else 0; the status the attempt claims is never trusted.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..._feedback import Status
from ..written import is_recorded, recorded_text

if TYPE_CHECKING:
    from .key import Key

_UNANSWERED = (Status.NOT_ATTEMPTED, "no answer was checked.")
CLAIMS_PASSED = {"correct", "passed", "pass", "ok", "right", "true", "1", "yes"}


def counted_attempt(tries: list[dict], answered: Callable[[dict], bool]) -> dict | None:
    """The attempt that counts among one exercise's attempts (in record order).

    >>> counted_attempt([{"answer": 1}, {"answer": None}], lambda a: a["answer"] is not None)
    {'answer': 1}
    >>> counted_attempt([{"answer": None}], lambda a: a["answer"] is not None)
    {'answer': None}
    >>> counted_attempt([], bool) is None
    True
    """
    for attempt in reversed(tries):
        if answered(attempt):
            return attempt
    return tries[-1] if tries else None


def answer_digest(answer_json: Any) -> str:
    """A short fingerprint of an answer in its record form, to compare two students' answers
    without keeping what they wrote.

    >>> answer_digest([1, 2]) == answer_digest([1, 2]) != answer_digest([2, 1])
    True
    """
    try:
        text = json.dumps(answer_json, sort_keys=True, ensure_ascii=True, default=repr)
    except (TypeError, ValueError, RecursionError):
        text = repr(type(answer_json))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Scored:
    """Scores (1/0), the key's (status, message) and a fingerprint of the counted answer, per
    exercise, the text of written answers and predictions, and the problems scoring found."""

    scores: dict[str, int]
    verdicts: dict[str, tuple[Status, str]]
    answers: dict[str, str]
    problems: tuple[str, ...]
    written: dict[str, str]  # the text of each written answer and prediction (never scored)


def score_attempts(key: Key, attempts: Any) -> Scored:
    """Scores, verdicts and problems for a list of attempts, re-checked with the key.

    Attempts not in lessonkit's form (an id that is not a known exercise's string, no answer)
    are counted as ignored, never raised on; a claimed status is read only if it is text, a
    boolean, 0 or 1, and only to flag a claim of "correct" that the key rejects.
    """
    problems: list[str] = []
    tries: dict[str, list[dict]] = {}
    ignored = 0
    for attempt in attempts if isinstance(attempts, list) else []:
        if isinstance(attempt, dict) and isinstance(attempt.get("exercise"), str) \
                and attempt["exercise"] in key.exercises and "answer" in attempt:
            tries.setdefault(attempt["exercise"], []).append(attempt)
        else:
            ignored += 1
    scores: dict[str, int] = {}
    verdicts: dict[str, tuple[Status, str]] = {}
    answers: dict[str, str] = {}
    written: dict[str, str] = {}
    overclaimed = []
    for eid in key.exercises:
        def answered(attempt: dict, eid: str = eid) -> bool:
            return key.verdict(eid, attempt["answer"])[0] != Status.NOT_ATTEMPTED

        counted = counted_attempt(tries.get(eid, []), answered)
        if counted is None:
            verdicts[eid] = _UNANSWERED
            scores[eid] = 0
            continue
        verdicts[eid] = key.verdict(eid, counted["answer"])  # one shared tuple per distinct answer
        status = verdicts[eid][0]
        scores[eid] = int(status == Status.CORRECT)
        if status != Status.NOT_ATTEMPTED:
            answers[eid] = answer_digest(counted["answer"])
            if is_recorded(key.exercises[eid]):  # shown to the teacher in the report, never scored
                written[eid] = recorded_text(counted["answer"])
        claimed = counted.get("status")
        claimed = (claimed.strip().lower()[:20] if isinstance(claimed, str)
                   else str(claimed).lower() if isinstance(claimed, bool) or claimed in (0, 1) else "")
        if claimed in CLAIMS_PASSED and status != Status.CORRECT:
            overclaimed.append(eid)
    if overclaimed:
        problems.append(f"the record claims {len(overclaimed)} answer(s) correct that the key rejects "
                        f"({', '.join(overclaimed)}): edited? Scored by the key")
    if ignored:
        problems.append(f"{ignored} attempt(s) for other lessons or not in lessonkit's form were ignored")
    return Scored(scores, verdicts, answers, tuple(problems), written)
