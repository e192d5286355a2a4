"""Making text that came from a submission safe to show: one line, bounded, printable.

Every writer of grading output (gradebook, feedback, report, run notes, the terminal) passes
submission-derived text (student names, file names, exception names and messages, checker
messages) through :func:`clean` before escaping it for its own format.
"""

from __future__ import annotations

import unicodedata
from typing import Any

NAME_CHARS = 100      # student ids and file names
PROBLEM_CHARS = 300   # one note in the problem column
EXCEPTION_CHARS = 60  # an exception's class name
MESSAGE_CHARS = 120   # an exception's message

# Format characters that reorder or hide text (bidi overrides, zero-width marks) are dropped.
_DROP_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def clean(value: Any, limit: int = PROBLEM_CHARS) -> str:
    """value as one printable line of at most limit characters.

    Control and format characters (newlines, bidi overrides, lone surrogates from file names
    that are not UTF-8) become spaces or U+FFFD; runs of spaces become one; a cut is marked.

    >>> clean("a\\n# Heading <script>")
    'a # Heading <script>'
    >>> clean("x" * 50, limit=10)
    'xxxxxxxxx…'
    >>> clean("caf\\udce9.json")
    'caf\\ufffd.json'
    """
    try:
        text = value if isinstance(value, str) else str(value)
    except Exception:  # an object whose str() fails
        text = f"<{type(value).__name__}>"
    if len(text) > limit * 4 + 64:  # never scan megabytes to keep a few characters
        text = text[:limit * 4 + 64]
    if text.isprintable():  # the usual case: nothing to drop or replace (isprintable is False for them all)
        text = " ".join(text.split())
        return text if len(text) <= limit else text[:max(limit - 1, 0)] + "…"
    chars = []
    for ch in text:
        category = unicodedata.category(ch)
        if category == "Cs":
            chars.append("\ufffd")
        elif category in _DROP_CATEGORIES or not ch.isprintable():
            chars.append(" " if ch.isspace() or category in ("Cc", "Zl", "Zp") else "")
        else:
            chars.append(ch)
    text = " ".join("".join(chars).split())
    return text if len(text) <= limit else text[:max(limit - 1, 0)] + "…"
