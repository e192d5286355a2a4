"""Which attempt counts: the last ANSWERED attempt at each exercise.

A learning record keeps every answer a student checked, in order. Opening a fresh copy of
a lesson and pressing Run All checks every exercise's unchanged stub (``...``) again, which
adds a "not attempted" entry after the real answers. Such an entry never replaces an
earlier answer: the last attempt whose verdict is not "not attempted" counts, and an
exercise only ever answered with placeholders is not attempted.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Callable


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
