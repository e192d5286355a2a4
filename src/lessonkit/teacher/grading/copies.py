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
counted answer), and only those of marked exercises: a prediction or a written answer has
no right answer, so it cannot be a mistake.

Written answers are compared as text instead: two answers of at least ``MIN_WORDS`` words
(lower-cased, punctuation aside) whose longest common word sequences cover at least
``SAME_WORDS`` of the longer one are listed, with that share. A row is one student, so a
student's own notebook and record are never compared with each other.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import combinations
from typing import Any

MIN_SHARED = 3
RARE_MIN, RARE_SHARE = 4, 0.15
MIN_WORDS, SAME_WORDS = 12, 0.8
SHINGLE = 5  # words: two answers are compared only if they share a run of this many
COMMON_SHINGLE = 50  # a run of words in more answers than this is a common phrase, not a sign
_WORD = re.compile(r"\w+(?:['’]\w+)*")


@dataclass(frozen=True)
class PossibleCopy:
    """Two rows whose submissions are identical or nearly so, and in what way."""

    first: Any   # report.Row
    second: Any  # report.Row
    reason: str


def _prints(row: Any) -> set[str]:
    return set(getattr(row, "digests", ()) or ((row.digest,) if row.digest else ()))


def words(text: str) -> list[str]:
    """A written answer as the words compared: lower case, punctuation and layout aside.

    >>> words("It's  the LOAN, repaid.")
    ["it's", 'the', 'loan', 'repaid']
    """
    return _WORD.findall(text.casefold().replace("’", "'"))


def shared_words(a: list[str], b: list[str]) -> float:
    """The share of the longer answer's words that lie in word sequences both answers have.

    >>> shared_words("a b c d".split(), "a b x d".split())
    0.75
    """
    if not a or not b:
        return 0.0
    matched = sum(block.size for block in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks())
    return matched / max(len(a), len(b))


def _compare(a, b, n_exercises: int, telling: set[tuple[str, str]]) -> str:
    """Why rows a and b look copied, or '' when they do not."""
    if _prints(a) & _prints(b) and (a.answers or b.answers):
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


def possible_copies(rows: list, n_exercises: int, marked: Collection[str] | None = None) -> list[PossibleCopy]:
    """Every pair of rows that looks copied, in gradebook order.

    marked are the exercises that are marked (all, if None): only their answers can be
    mistakes. Only pairs that share a file, a telling answer or a run of words of a written
    answer are compared, so a large class is quick.

    >>> from lessonkit.teacher.grading.report import Row
    >>> a = Row("ana", "a.json", "record", True, {"x": 0, "y": 1, "z": 1}, answers={"x": "1", "y": "2", "z": "3"})
    >>> b = Row("ben", "b.json", "record", True, {"x": 0, "y": 1, "z": 1}, answers={"x": "1", "y": "2", "z": "3"})
    >>> right = Row("cy", "c.json", "record", True, {"x": 1, "y": 1, "z": 1}, answers={"x": "9", "y": "2", "z": "3"})
    >>> [(c.first.student, c.second.student, c.reason) for c in possible_copies([a, b, right], 3)]
    [('ana', 'ben', 'the same answers to all 3 exercises either answered, 1 of them the same uncommon mistake')]
    """
    if marked is not None:
        keep = set(marked)
        rows = [_marked_only(r, keep) for r in rows]
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
        for digest in _prints(r):
            by_file.setdefault(digest, []).append(i)
    pairs = {pair for who in [*buckets, *by_file.values()] for pair in combinations(who, 2)}
    reasons: dict[tuple[int, int], list[str]] = {}
    for i, j in sorted(pairs):
        reason = _compare(rows[i], rows[j], n_exercises, telling)
        if reason:
            reasons.setdefault((i, j), []).append(reason)
    for (i, j), reason in _written_alike(rows, marked).items():
        if "identical files" not in reasons.get((i, j), []):
            reasons.setdefault((i, j), []).append(reason)
    return [PossibleCopy(rows[i], rows[j], "; ".join(why)) for (i, j), why in sorted(reasons.items())]


def _marked_only(row: Any, marked: set[str]) -> Any:
    from dataclasses import replace

    return replace(row, answers={e: a for e, a in row.answers.items() if e in marked})


def _written_alike(rows: list, marked: Collection[str] | None) -> dict[tuple[int, int], str]:
    """Pairs of rows with a written answer nearly the same, and which and how much."""
    texts: dict[str, dict[int, list[str]]] = {}
    for i, r in enumerate(rows):
        if not r.graded:
            continue
        for e, text in (getattr(r, "written", None) or {}).items():
            if marked is not None and e in marked:
                continue
            found = words(text) if isinstance(text, str) else []
            if len(found) >= MIN_WORDS:
                texts.setdefault(e, {})[i] = found
    alike: dict[tuple[int, int], list[str]] = {}
    for e, answers in sorted(texts.items()):
        runs: dict[tuple[str, ...], list[int]] = {}
        for i, found in answers.items():
            for run in {tuple(found[k:k + SHINGLE]) for k in range(len(found) - SHINGLE + 1)}:
                runs.setdefault(run, []).append(i)
        pairs = {pair for who in runs.values() if len(who) <= COMMON_SHINGLE for pair in combinations(who, 2)}
        for i, j in sorted(pairs):
            share = shared_words(answers[i], answers[j])
            if share >= SAME_WORDS:
                alike.setdefault((i, j), []).append(f"{e} ({share:.0%} of the words in common)")
    return {pair: "nearly the same written answer to " + ", ".join(which) for pair, which in alike.items()}
