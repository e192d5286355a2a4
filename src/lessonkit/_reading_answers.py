"""Answers as students type them: placeholders, text folded for comparison, numbers read
with their units, and the slips a number shows (a decimal comma, too few decimals).

The exercise kinds of :mod:`lessonkit._checkers` read every answer through these.
"""

from __future__ import annotations

import math
import numbers
import re
import unicodedata
from typing import Any

MAX_TEXT = 1_000
PLACEHOLDERS = {"", "...", "your answer here", "your answer", "answer", "todo", "?"}

# Spellings of the same name that a check should treat as one (transliterations).
SPELLINGS = {
    "zelenskyy": "zelensky", "zelenskiy": "zelensky", "zelenskyi": "zelensky", "zelenskii": "zelensky",
    "zelenski": "zelensky",
    "kyiv": "kyiv", "kiev": "kyiv",
    "volodimir": "volodymyr", "vladimir": "vladimir",
    "nato": "nato", "otan": "nato",
    "peskov": "peskov", "lavrov": "lavrov",
    "medvedyev": "medvedev",
    "sanchez": "sanchez", "store": "store", "stoere": "store",
    "organisation": "organization", "defence": "defense", "programme": "program",
    "uk": "united kingdom", "britain": "united kingdom", "great britain": "united kingdom",
    "us": "united states", "usa": "united states", "america": "united states",
    # country names as students write them (whole answers only)
    "u k": "united kingdom", "the uk": "united kingdom", "the united kingdom": "united kingdom",
    "the u k": "united kingdom", "united kingdom of great britain and northern ireland": "united kingdom",
    "u s": "united states", "u s a": "united states", "the us": "united states", "the usa": "united states",
    "the u s": "united states", "the united states": "united states",
    "united states of america": "united states", "the united states of america": "united states",
    "czechia": "czech republic", "the czech republic": "czech republic",
    "turkiye": "turkey", "the netherlands": "netherlands", "holland": "netherlands",
    "the russian federation": "russia", "russian federation": "russia",
}


def normalize(text: str) -> str:
    """Fold case, accents, punctuation, spacing and common spellings.

    >>> normalize("  Volodymyr  ZELENSKYY! ")
    'volodymyr zelensky'
    >>> normalize("Støre") == normalize("Store")
    True
    >>> normalize("Czechia") == normalize("the Czech Republic") == normalize("Czech Republic")
    True
    """
    text = text.replace("ø", "o").replace("Ø", "O").replace("ß", "ss")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"[^\w\s%.-]", " ", text).replace("_", " ")
    text = re.sub(r"(?<!\d)[.-]|[.-](?!\d)", " ", text)
    words = " ".join(text.split())
    if words in SPELLINGS:
        return SPELLINGS[words]
    return " ".join(SPELLINGS.get(w, w) for w in words.split())


def describe(answer: Any) -> str:
    """Name what a student passed, in words a student knows."""
    if answer is None:
        return "None (nothing)"
    if isinstance(answer, bool):
        return f"True/False ({answer})"
    if isinstance(answer, str):
        return f"the text {answer[:40]!r}" + ("..." if len(answer) > 40 else "")
    if isinstance(answer, numbers.Number):
        return f"the number {short(answer)}"
    names = {"list": "a list", "tuple": "a tuple", "dict": "a dictionary", "set": "a set",
             "Series": "a pandas Series", "DataFrame": "a pandas DataFrame"}
    return names.get(type(answer).__name__, f"a {type(answer).__name__}")


def short(value: Any, limit: int = 40) -> str:
    """A repr cut to a length that fits in a sentence.

    >>> short("x" * 100, limit=10)
    "'xxxxxx..."
    """
    try:
        text = repr(value)
    except Exception:  # a student's object whose repr fails
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[:limit - 3] + "..."


def is_placeholder(answer: Any) -> bool:
    if answer is Ellipsis:
        return True
    return isinstance(answer, str) and normalize(answer) in PLACEHOLDERS


def as_number(answer: Any) -> float | None:
    """A float from a number or a numeric string like '1,600.5'; None if it is not one."""
    if isinstance(answer, bool):
        return None
    if isinstance(answer, numbers.Real):
        try:
            return float(answer)
        except (OverflowError, ValueError, TypeError):
            return None
    if isinstance(answer, str) and len(answer) < 50:
        text = answer.strip().replace(",", "").replace("_", "")
        if re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", text):
            return float(text)
    return None


_SCALE_WORDS = {"billion": ("bn", "billion", "billions", "b"), "million": ("m", "mn", "million", "millions"),
                "thousand": ("k", "thousand", "thousands")}


def strip_unit(answer: Any, unit: str) -> Any:
    """A numeric text without the currency sign or the scale word of the stated unit:
    '€2.7bn' is 2.7 when the unit is billions of euros; anything else is left as it is.

    >>> strip_unit("€2.7 bn", "billion EUR"), strip_unit("£320,000", "GBP"), strip_unit("2.7 m", "billion EUR")
    ('2.7', '320,000', '2.7 m')
    """
    if not isinstance(answer, str):
        return answer
    text = answer.strip().lstrip("£€$").strip()
    words = [w for scale, forms in _SCALE_WORDS.items() if scale in unit.lower() for w in forms]
    words += [w.lower() for w in unit.split() if len(w) >= 3]  # 'days', 'GBP', 'points', ...
    for word in sorted(words, key=len, reverse=True):
        if text.lower().endswith(word) and re.search(r"\d\s*$", text[: -len(word)]):
            text = text[: -len(word)].strip()
            break
    return text if re.fullmatch(r"[+-]?[\d,_]*\.?\d+", text) else answer


def close_enough(a: float, b: float, rel: float) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=1e-12)


_DECIMAL_COMMA = re.compile(r"\s*([+-]?\d+),(\d+)\s*")
_THOUSANDS = re.compile(r"\s*[+-]?\d{1,3}(,\d{3})+(\.\d*)?\s*")


def comma_slip(answer: Any, target: float, rel: float) -> str:
    """A message if the answer is a number written with a decimal comma: '2,73', or 2,73 without
    quotes, which Python reads as the tuple (2, 73); else an empty string.

    >>> comma_slip("2,73", 2.7346, 0.01)
    "Python writes decimals with a point, not a comma: write 2.73 rather than '2,73'."
    """
    if isinstance(answer, str):
        match = _DECIMAL_COMMA.fullmatch(answer)
        if not match:
            return ""
        as_decimal = float(f"{match[1]}.{match[2]}")
        if _THOUSANDS.fullmatch(answer) and not close_enough(as_decimal, target, rel):
            return ""  # '1,600' is one thousand six hundred, unless the decimal reading is the answer
        return (f"Python writes decimals with a point, not a comma: write {match[1]}.{match[2]} "
                f"rather than {answer.strip()!r}.")
    if (isinstance(answer, tuple) and 2 <= len(answer) <= 5 and all(type(x) is int for x in answer)
            and all(0 <= x < 10**6 for x in answer[1:]) and abs(answer[0]) < 10**6):
        grouped = all(x < 1000 for x in answer[1:])
        whole = "".join(str(x).zfill(3) if i else str(x) for i, x in enumerate(answer))  # 320,000 is (320, 0)
        decimal = f"{answer[0]}.{answer[1]}" if len(answer) == 2 else ""
        if decimal and (close_enough(float(decimal), target, rel) or not grouped
                        or not close_enough(float(whole), target, rel) and answer[1] and len(str(answer[1])) != 3):
            return (f"without quotes, a comma makes two numbers for Python, {answer!r}. "
                    f"Write a decimal with a point: {decimal}.")
        if grouped:
            return (f"without quotes, commas make a group of numbers for Python, {short(answer)}. "
                    f"Write a large number without commas, like {whole}, and a decimal with a point.")
    return ""


def decimals_of(answer: Any) -> int | None:
    """How many decimal places a number was written with (None if it is not a plain number)."""
    if isinstance(answer, bool) or not isinstance(answer, (int, float, str)):
        return None
    text = answer.strip().replace(",", "") if isinstance(answer, str) else repr(answer)
    if not re.fullmatch(r"[+-]?\d+(\.\d*)?", text):
        return None
    return len(text.split(".")[1]) if "." in text else 0


def precision_slip(answer: Any, value: float, target: float, rel: float) -> str:
    """A message if value is the answer rounded to too few decimal places; else an empty string.

    >>> precision_slip(2.7, 2.7, 2.7346, 0.01)
    '2.7 is the answer rounded to 1 decimal place, which is not precise enough here: give it to 2 decimal places.'
    """
    places = decimals_of(answer)
    if places is None or places > 6 or value != round(value, places) or round(target, places) != value:
        return ""
    needed = next((k for k in range(places + 1, 10) if close_enough(round(target, k), target, rel)), None)
    if needed is None:
        return ""
    written = f"{places} decimal place{'' if places == 1 else 's'}" if places else "a whole number"
    return (f"{number_text(value)} is the answer rounded to {written}, which is not precise enough here: "
            f"give it to {needed} decimal place{'' if needed == 1 else 's'}.")


def number_text(x: float) -> str:
    if x == int(x) and abs(x) < 10_000:
        return str(int(x))
    return f"{x:,.6g}" if abs(x) < 1e6 else f"{x:,.0f}"
