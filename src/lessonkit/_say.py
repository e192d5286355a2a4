"""Prose with facts filled in from the data, and the sources cited underneath.

Lessons never type a number, date, name or quote by hand; they write::

    say("The UK announced {pledges:uk-lmm-ef-pm-remarks:amount|bn} pounds on "
        "{pledges:uk-lmm-ef-pm-remarks:announced|date}.")

and a corrected fact corrects every lesson. One field is about the data itself:
``{package:as_of|date}`` is the last day the data reaches (it cites no source).
"""

from __future__ import annotations

import numbers
import re
from dataclasses import dataclass

from ._data import as_of, cite, correction_note
from ._dates import long_date
from ._errors import LessonkitError
from ._escape import html_text, markdown_text, no_math
from ._facts import row

FIELD = re.compile(r"\{([a-z_]+):([a-z0-9][a-z0-9-]*):([a-z_]+)(?:\|([a-z0-9]+))?\}")
PACKAGE_FIELD = re.compile(r"\{package:([a-z_]+)(?:\|([a-z0-9]+))?\}")
PACKAGE_VALUES = {"as_of": as_of}  # facts about the data package itself, by field name
# A citation mark goes after the end of a quotation (punctuation, then closing quotation marks).
QUOTE_END = re.compile("[.,;:!?\u2026]*[\"'\u2019\u201d\u00bb]+")
FORMATS = ("date", "day", "year", "bn", "m", "int", "lower", "words")
_DATE_FORMATS = {"date", "day", "year"}
_NUMBER_FORMATS = {"bn", "m", "int"}


def _format(value, fmt: str | None) -> str:
    """One cell as text in a format (see FORMATS), or LessonkitError saying why not."""
    if value is None or (not isinstance(value, str) and value != value):
        raise LessonkitError("that cell is empty in the data")
    if fmt not in (None, "") and fmt not in FORMATS:
        raise LessonkitError(f"unknown format {fmt!r}; use {', '.join(FORMATS[:-1])} or {FORMATS[-1]}")
    if fmt in _DATE_FORMATS and not hasattr(value, "year"):
        raise LessonkitError(f"the format {fmt!r} needs a date, and this cell holds {value!r}")
    if fmt in _NUMBER_FORMATS and not isinstance(value, numbers.Number):
        raise LessonkitError(f"the format {fmt!r} needs a number, and this cell holds {value!r}")
    if fmt in (None, ""):
        if hasattr(value, "strftime"):
            return long_date(value)
        if isinstance(value, float) and value == int(value):
            return f"{int(value):,}"
        return f"{value:,}" if isinstance(value, (int, float)) else str(value)
    if fmt == "date":
        return long_date(value)
    if fmt == "day":
        return long_date(value, year=False)
    if fmt == "year":
        return str(value.year)
    if fmt == "bn":
        return f"{value / 1e9:,.2f}".rstrip("0").rstrip(".") + " billion"
    if fmt == "m":
        return f"{value / 1e6:,.1f}".rstrip("0").rstrip(".") + " million"
    if fmt == "int":
        return f"{int(value):,}"
    if fmt == "lower":
        return str(value).lower()
    return str(value).replace("_", " ")  # words


def _package_value(m: re.Match) -> str:
    """The text of one ``{package:name|format}`` field."""
    name, fmt = m.groups()
    if name not in PACKAGE_VALUES:
        raise LessonkitError(f"in {m.group(0)}: no package field {name!r}; use {', '.join(PACKAGE_VALUES)}")
    try:
        return _format(PACKAGE_VALUES[name](), fmt)
    except LessonkitError as e:
        raise LessonkitError(f"in {m.group(0)}: {e}") from None


@dataclass(frozen=True)
class Said:
    """Text with facts filled in; shows as Markdown with numbered sources."""

    text: str
    sources: tuple[str, ...]
    corrected: tuple[str, ...] = ()  # "Table row: corrected on <date>: ..." for each corrected row shown

    def _repr_markdown_(self) -> str:
        lines = [no_math(f"[{n}] {html_text(cite(s))}", "small") for n, s in enumerate(self.sources, 1)]
        lines += [no_math(html_text(c), "small") for c in self.corrected]
        notes = "  \n".join(lines)
        text = markdown_text(self.text)
        return f"{text}\n\n{notes}" if notes else text

    def __repr__(self) -> str:
        lines = [self.text] + [f"[{n}] {cite(s)}" for n, s in enumerate(self.sources, 1)] + list(self.corrected)
        return "\n".join(lines)


def _source_of(r, column: str) -> str:
    """The source of one cell: a later change (``later_*``) has its own, otherwise the row's."""
    later = r.get("later_source_id")
    return later if column.startswith("later_") and isinstance(later, str) else r["source_id"]


def say(text: str) -> Said:
    """Fill ``{table:row_id:column|format}`` fields from the data and cite each row's source.

    >>> print(repr(say("The summit was on {events:london-summit:date|date}.")).splitlines()[0])
    The summit was on 2 March 2025 [1].

    >>> say("The data in this lesson runs to {package:as_of|date}.").sources  # cites no source
    ()

    Raises LessonkitError naming the field if a row, column or format does not exist.
    """
    stray = re.search(r"\{[^{}]*\}?|\}", FIELD.sub("", PACKAGE_FIELD.sub("", text)))
    if stray:
        raise LessonkitError(f"{stray.group(0)!r} is not a data field; write {{table:row_id:column}} or "
                             "{table:row_id:column|format}, and no other braces")
    text = PACKAGE_FIELD.sub(_package_value, text)
    fields = []  # (match, value, source) for each field, in order
    for m in FIELD.finditer(text):
        table, row_id, column, fmt = m.groups()
        try:
            r = row(table, row_id)
            if column not in r:
                raise LessonkitError(f"no column {column!r} in {table}.csv")
            fields.append((m, _format(r[column], fmt), _source_of(r, column)))
        except LessonkitError as e:
            raise LessonkitError(f"in {m.group(0)}: {e}") from None
    sources = list(dict.fromkeys(f[2] for f in fields))
    shown: dict[tuple[str, str], list[str]] = {}
    for m, _, _ in fields:
        shown.setdefault((m.group(1), m.group(2)), []).append(m.group(3))
    corrected = []
    for (table, row_id), columns in shown.items():
        note = correction_note(table, row_id, tuple(columns) + ("source_id",))
        if note:
            corrected.append(f"{table} {row_id}: {note}")
    out, last = [], 0
    for i, (m, value, source) in enumerate(fields):
        # the marker goes after the last of a run of fields from the same source
        run_ends = i + 1 == len(fields) or fields[i + 1][2] != source
        end = m.end()
        if run_ends:  # "... for peace.” [1]", not "... for peace. [1]”" nor "... peace [1].”"
            closing = QUOTE_END.match(text, end)
            if closing and not (closing.end() < len(text) and text[closing.end()].isalnum()):  # not "Starmer's"
                end = closing.end()
        out.append(text[last:m.start()] + value + text[m.end():end]
                   + (f" [{sources.index(source) + 1}]" if run_ends else ""))
        last = end
    filled = "".join(out) + text[last:]
    return Said(filled, tuple(sources), tuple(corrected))
