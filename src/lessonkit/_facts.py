"""Small lookups into the data package that lessons and answer keys share."""

from __future__ import annotations

from ._data import load
from ._errors import UnknownNameError


def row(table: str, row_id: str) -> dict:
    """One row of a table by its id, as a dict.

    >>> row("actors", "gbr")["name"]
    'United Kingdom'
    """
    frame = load(table)
    key = frame.columns[0]
    match = frame[frame[key] == row_id]
    if match.empty:
        raise UnknownNameError(f"no {key} {row_id!r} in {table}.csv")
    return match.iloc[0].to_dict()


def value(table: str, row_id: str, column: str):
    """One cell of a table, by row id and column name."""
    return row(table, row_id)[column]
