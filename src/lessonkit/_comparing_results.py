"""What differs between the value a student's code computes and the expected one: tables,
Series, lists (in order, or the right items in the wrong order), numbers within a tolerance,
dates and texts, each said in one sentence. The code task (:class:`lessonkit._checkers.Value`)
uses it.
"""

from __future__ import annotations

import numbers
import re
import sys
from typing import Any

from ._feedback import INCORRECT, INVALID
from ._reading_answers import as_number, close_enough, describe, normalize, number_text, short


def missing_prefix(got: Any, want: Any) -> str:
    """The letters an id lost ('c' when 32 was given for 'c32'); empty if that is not the slip.

    >>> missing_prefix(32, "c32"), missing_prefix("32", "c32"), missing_prefix(33, "c32")
    ('c', 'c', '')
    """
    if isinstance(got, bool) or not isinstance(got, (int, str)) or not isinstance(want, str):
        return ""
    match = re.fullmatch(r"([A-Za-z][A-Za-z_-]*?)-?(\d+)", want)
    if not match or str(got).strip().lstrip("0") != match[2].lstrip("0") or not str(got).strip().isdigit():
        return ""
    return want[: len(want) - len(match[2])]


def same_items(got: list | tuple, want: list | tuple, tol: float) -> bool:
    """True if got holds the items of want, each once, in another order."""
    left = list(want)
    for g in got:
        match = next((i for i, w in enumerate(left) if compare(g, w, tol) is None), None)
        if match is None:
            return False
        left.pop(match)
    return not left


def compare(got: Any, want: Any, tol: float) -> tuple[str, str] | None:
    """None when got equals want (numbers within tol); else (status, what differs)."""
    pd = sys.modules.get("pandas")  # a DataFrame or Series exists only once pandas is imported

    if pd is not None and isinstance(want, pd.DataFrame):
        if not isinstance(got, pd.DataFrame):
            return INVALID, f"expected a pandas DataFrame, got {describe(got)}."
        missing = [c for c in want.columns if c not in got.columns]
        if missing:
            return INCORRECT, f"your table has no column {missing[0]!r} (it has {short(list(got.columns), 120)})."
        if len(got) != len(want):
            return INCORRECT, f"your table has {len(got)} rows; expected {len(want)}."
        g = got[list(want.columns)].reset_index(drop=True)
        w = want.reset_index(drop=True)
        for col in w.columns:
            diff = compare(list(g[col]), list(w[col]), tol)
            if diff:
                return INCORRECT, f"column {col!r} differs: {diff[1]}"
        return None
    if pd is not None and isinstance(want, pd.Series):
        if not isinstance(got, pd.Series):
            return INVALID, f"expected a pandas Series, got {describe(got)}."
        if set(got.index) != set(want.index):
            extra = [i for i in got.index if i not in set(want.index)]
            lack = [i for i in want.index if i not in set(got.index)]
            what = f"missing {short(lack[0])}" if lack else f"an unexpected {short(extra[0])}"
            return INCORRECT, f"your Series has the wrong labels ({what})."
        for label in want.index:
            if compare(got[label], want[label], tol):
                return INCORRECT, f"the value for {short(label)} is {short(got[label])}; check how you computed it."
        return None
    if isinstance(want, (list, tuple)):
        if isinstance(got, str) or not isinstance(got, (list, tuple)):
            return INVALID, f"expected a list, got {describe(got)}."
        if len(got) != len(want):
            return INCORRECT, f"your list has {len(got)} items; expected {len(want)}."
        for i, (g, w) in enumerate(zip(got, want)):
            if compare(g, w, tol):
                prefix = missing_prefix(g, w)
                if prefix:
                    return INVALID, (f"item {i + 1} is {short(g)}: ids are text, with their letters before the "
                                     f"number. Write {prefix + str(g).strip()!r}, in quotes, as the table has it.")
                if same_items(got, want, tol):
                    return INCORRECT, ("your list has the right items, in the wrong order: read the question "
                                       "again for the order it asks for (sorted A to Z, by date, or as in the table).")
                return INCORRECT, f"item {i + 1} is {short(g)}, which is not right."
        return None
    if isinstance(want, numbers.Real) and not isinstance(want, bool) and want == want:  # not NaN
        g = as_number(got) if not isinstance(got, str) else None
        if g is None:
            return INVALID, f"expected a number, got {describe(got)}."
        return None if close_enough(g, float(want), tol) else (INCORRECT, f"{number_text(g)} is not right.")
    if hasattr(want, "isoformat") and hasattr(got, "isoformat"):
        return None if str(got)[:10] == str(want)[:10] else (INCORRECT, f"{got} is not the right date.")
    if isinstance(want, str) and isinstance(got, str):
        return None if normalize(got) == normalize(want) else (INCORRECT, f"{short(got)} is not right.")
    return None if got == want else (INCORRECT, f"{describe(got)} is not right.")
