"""Turning answers into JSON for the learning record, and back, without losing them."""

from __future__ import annotations

import math
from typing import Any

MAX_TEXT = 10_000  # characters of one string kept in a record
MAX_ITEMS = 1_000  # items of one list, dict or table kept in a record


def to_json(value: Any, depth: int = 0) -> Any:
    """A JSON-safe form of an answer; anything unknown is kept as its repr.

    >>> to_json(...)
    {'$type': 'ellipsis'}
    >>> to_json([1, 2.5, "a", float("nan")])
    [1, 2.5, 'a', {'$type': 'float', 'value': 'nan'}]
    """
    if depth > 20:
        return {"$type": "repr", "value": "<nested too deeply>"}
    if value is Ellipsis:
        return {"$type": "ellipsis"}
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value if abs(value) < 2**63 else {"$type": "repr", "value": repr(value)[:MAX_TEXT]}
    if isinstance(value, float):
        return value if math.isfinite(value) else {"$type": "float", "value": repr(value)}
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            return {"$type": "str", "value": value[:MAX_TEXT], "truncated_from": len(value)}
        return value
    if type(value).__module__ == "numpy" and hasattr(value, "item") and getattr(value, "ndim", 1) == 0:
        return to_json(value.item(), depth + 1)
    kind = type(value).__name__
    if kind == "Series" and hasattr(value, "index"):
        return {"$type": "series", "name": to_json(value.name, depth + 1),
                "index": [to_json(v, depth + 1) for v in list(value.index)[:MAX_ITEMS]],
                "values": [to_json(v, depth + 1) for v in list(value)[:MAX_ITEMS]]}
    if kind == "DataFrame" and hasattr(value, "columns"):
        head = value.head(MAX_ITEMS)
        return {"$type": "dataframe", "columns": [to_json(c, depth + 1) for c in head.columns],
                "index": [to_json(v, depth + 1) for v in head.index],
                "data": [[to_json(v, depth + 1) for v in row] for row in head.itertuples(index=False)]}
    if isinstance(value, (list, tuple)):
        return {"$type": "tuple", "items": [to_json(v, depth + 1) for v in value[:MAX_ITEMS]]} \
            if isinstance(value, tuple) else [to_json(v, depth + 1) for v in value[:MAX_ITEMS]]
    if isinstance(value, (set, frozenset)):
        items = sorted((to_json(v, depth + 1) for v in list(value)[:MAX_ITEMS]), key=repr)
        return {"$type": "set", "items": items}
    if isinstance(value, dict):
        return {"$type": "dict", "items": [[to_json(k, depth + 1), to_json(v, depth + 1)]
                                           for k, v in list(value.items())[:MAX_ITEMS]]}
    if hasattr(value, "isoformat"):
        return {"$type": "date", "value": value.isoformat()}
    try:
        text = repr(value)
    except Exception:  # a student's object whose repr fails
        text = f"<{kind} object>"
    return {"$type": "repr", "value": text[:MAX_TEXT]}


def from_json(value: Any) -> Any:
    """Rebuild an answer from its record form (the inverse of to_json, as far as JSON allows).

    >>> from_json(to_json({"a": (1, 2)}))
    {'a': (1, 2)}
    """
    if isinstance(value, list):
        return [from_json(v) for v in value]
    if not isinstance(value, dict):
        return value
    kind = value.get("$type")
    if kind == "ellipsis":
        return Ellipsis
    if kind == "float":
        return float(value["value"])
    if kind == "str":
        return value["value"]
    if kind == "tuple":
        return tuple(from_json(v) for v in value["items"])
    if kind == "set":
        return {from_json(v) for v in value["items"]}
    if kind == "dict":
        return {from_json(k): from_json(v) for k, v in value["items"]}
    if kind == "series":
        import pandas as pd

        return pd.Series([from_json(v) for v in value["values"]],
                         index=[from_json(v) for v in value["index"]], name=from_json(value["name"]))
    if kind == "dataframe":
        import pandas as pd

        return pd.DataFrame([[from_json(v) for v in row] for row in value["data"]],
                            columns=[from_json(c) for c in value["columns"]],
                            index=[from_json(v) for v in value["index"]])
    if kind == "date":
        from datetime import date, datetime

        text = value["value"]
        return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
    if kind == "repr":
        return _Unrecoverable(value["value"])
    raise ValueError(f"unknown answer form {kind!r}")


class _Unrecoverable:
    """Stands for an answer that JSON could not hold; no checker accepts it."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text
