"""Small lookups into the data package that lessons and answer keys share."""

from __future__ import annotations

from . import _data


def row(table: str, row_id: str) -> dict:
    """One row of a table by its id, as a dict.

    >>> row("actors", "gbr")["name"]
    'United Kingdom'
    """
    return _data.row(table, row_id)


def value(table: str, row_id: str, column: str):
    """One cell of a table, by row id and column name."""
    return row(table, row_id)[column]
