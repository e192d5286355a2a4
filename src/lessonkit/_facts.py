"""Small lookups into the data package that lessons and answer keys share."""

from __future__ import annotations

from . import _data
from ._errors import UnknownNameError


def row(table: str, row_id: str) -> dict:
    """One row of a table by its id, as a dict.

    >>> row("actors", "gbr")["name"]
    'United Kingdom'
    """
    index = _data.rows_by_id(table)
    if row_id not in index:
        key = _data.load_package().tables[table].columns[0]
        raise UnknownNameError(f"no {key} {row_id!r} in {table}.csv")
    return dict(index[row_id])


def value(table: str, row_id: str, column: str):
    """One cell of a table, by row id and column name."""
    return row(table, row_id)[column]
