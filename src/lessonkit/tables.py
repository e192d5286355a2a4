"""Tables as a student reads them: whole sentences wrapped, plain numbers, empty cells.

:func:`table_html` is the one renderer of tables in the module: the explorers use it, and
``%load_ext lessonkit`` (in every lesson's opening code) makes every displayed DataFrame
use it too (see :func:`show_frames_readably`), instead of pandas' own HTML, which cuts text
at 50 characters, prints ``NaN`` and ``3.000000e+09`` and right-aligns prose.
"""

from __future__ import annotations

import numbers

from ._dates import long_date
from ._escape import NO_MATH, html_text
from .labels import CODE_COLUMNS, label

# Lines break between words; only a word longer than its column (an address, an id) breaks inside.
# ("anywhere" would let a narrow notebook squeeze a column to one letter: "su pp ort s".)
CELL = "padding:0.25em 0.6em;text-align:left;vertical-align:top;white-space:normal;overflow-wrap:break-word"
NUMBER_CELL = "padding:0.25em 0.6em;text-align:right;vertical-align:top;white-space:nowrap"
DATE_CELL = "padding:0.25em 0.6em;text-align:left;vertical-align:top;white-space:nowrap"  # "2 Mar 2025" on one line


def cell_text(value, column: str = "", codes: bool = False) -> str:
    """One cell as plain text: '' when empty, dates in words, numbers with thousands separators.

    >>> cell_text(3e9), cell_text(1.2075), cell_text(float("nan")), cell_text("loan", "kind", codes=True)
    ('3,000,000,000', '1.2075', '', 'Loan')
    """
    try:
        if value is None or bool(value != value):
            return ""
    except (TypeError, ValueError):  # pandas' NA, or a list
        if value is None or str(value) in ("<NA>", "NaT"):
            return ""
    if hasattr(value, "strftime"):
        return long_date(value, short_month=True)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, numbers.Integral):
        return f"{int(value):,}"
    if isinstance(value, numbers.Real):
        value = float(value)
        if value.is_integer():
            return f"{int(value):,}"
        return f"{value:,.4f}".rstrip("0").rstrip(".")
    if codes and column in CODE_COLUMNS and isinstance(value, str):
        return label(value)
    return str(value)


def _header(text: str) -> str:
    """A column header; an empty one (an unnamed index) is a plain corner cell, since a header
    that names nothing is read out as a blank (axe: empty-table-header)."""
    if not text.strip():
        return f'<td style="{CELL}"></td>'
    return f'<th scope="col" style="{CELL}">{html_text(text)}</th>'


def table_html(frame, columns: dict[str, str] | None = None, caption: str = "", limit: int = 60,
               index: bool = False, codes: bool = True, narrow_with: str = "") -> str:
    """An accessible HTML table of some columns (header text from ``columns``, all columns if None).

    Text wraps, dates stay on one line, numbers are right-aligned with thousands separators,
    empty cells stay empty, and with ``codes`` the cells of code columns (see lessonkit.labels)
    show as words. Beyond ``limit`` rows it says how many are left out, and ``narrow_with``
    says how to see them (an explorer's controls, say).

    A table wider than the page scrolls sideways inside its own wrapper, which a keyboard can
    focus and a screen reader names (by the caption; without one, by the table's size).
    """
    columns = columns if columns is not None else {str(c): str(c) for c in frame.columns}
    index_name = str(frame.index.name or "") if index else None
    head = "".join(_header(str(h)) for h in ([index_name] if index else []) + list(columns.values()))
    body = []
    for key, row in frame.head(limit).iterrows():
        cells = [f'<th scope="row" style="{CELL}">{html_text(cell_text(key))}</th>'] if index else []
        for col in columns:
            value = row[col]
            numeric = isinstance(value, numbers.Real) and not isinstance(value, bool) and value == value
            text = html_text(cell_text(value, col, codes))
            style = NUMBER_CELL if numeric else DATE_CELL if hasattr(value, "strftime") else CELL
            cells.append(f'<td style="{style}">{text}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    more = (f"<p>Showing {limit} of {len(frame)} rows{'; ' + html_text(narrow_with) if narrow_with else ''}.</p>"
            if len(frame) > limit else "")
    caption = caption or size_caption(frame, len(columns) + (1 if index else 0))
    return scrolling_table(f'<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody>', caption) + more


def scrolling_table(rows: str, caption: str) -> str:
    """A table (its ``<thead>``/``<tbody>`` HTML) with a caption, in a wrapper that scrolls
    sideways when the table is wider than the page: the wrapper takes keyboard focus (so the
    arrow keys scroll it) and is a region named by the caption."""
    if not caption.strip():
        raise ValueError("a table needs a caption")
    return (f'<div tabindex="0" role="region" aria-label="{html_text(caption)}" '
            f'class="lessonkit-table-wrap {NO_MATH}" style="max-width:100%;overflow-x:auto">'
            f'<table class="lessonkit-table" style="border-collapse:collapse;table-layout:auto">'
            f'<caption style="text-align:left;font-weight:bold;caption-side:top">{html_text(caption)}</caption>'
            f"{rows}</table></div>")


def size_caption(frame, columns: int) -> str:
    """The caption of a table that has none of its own: its size, and the data file it is from.

    >>> import pandas as pd
    >>> size_caption(pd.DataFrame({"a": [1, 2]}), 1)
    'A table of 2 rows and 1 column'
    """
    rows = len(frame)
    text = f"A table of {rows:,} row{'s' if rows != 1 else ''} and {columns} column{'s' if columns != 1 else ''}"
    source = frame.attrs.get("source_file") if isinstance(getattr(frame, "attrs", None), dict) else None
    return f"{text}, from {source}" if isinstance(source, str) else text


def frame_html(frame) -> str:
    """A DataFrame as a lesson shows it: its own column names (students type them), every cell
    readable, and the index when it means something (not 0, 1, 2, ...)."""
    import pandas as pd

    plain_index = isinstance(frame.index, pd.RangeIndex) and frame.index.name is None
    return table_html(frame, None, limit=int(pd.get_option("display.max_rows") or 60),
                      index=not plain_index, codes=False)


def show_frames_readably() -> bool:
    """Make IPython show every DataFrame with :func:`frame_html` (True if IPython is running)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None:
        return False
    import pandas as pd

    shell.display_formatter.formatters["text/html"].for_type(pd.DataFrame, frame_html)
    return True
