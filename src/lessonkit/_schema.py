"""Read one table of the data package, checked cell by cell against ``datapackage.json``.

Every table is read with the csv module and each cell is checked against its field's type
and constraints; foreign keys, lists of ids and the rules written in the field descriptions
are checked across tables; only then are the rows handed to pandas. A broken file fails with
one message naming file, line and column instead of a silent coercion. :mod:`lessonkit._data`
loads and caches the checked tables.
"""

from __future__ import annotations

import csv
import io
import math
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from ._errors import DataError


def _fields(resource: dict) -> list[dict]:
    return resource["schema"]["fields"]


def _parse_cell(value: str, field: dict) -> Any:
    """Turn one CSV cell into a Python value, or raise ValueError saying why."""
    ftype = field["type"]
    if ftype == "string":
        return value
    if ftype == "integer":
        if not re.fullmatch(r"[+-]?\d+", value):
            raise ValueError(f"{value!r} is not a whole number")
        return int(value)
    if ftype == "number":
        try:
            number = float(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a number") from None
        if not math.isfinite(number):
            raise ValueError(f"{value!r} is not a finite number")
        return number
    if ftype == "date":
        fmt = field.get("format", "%Y-%m-%d")
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            raise ValueError(f"{value!r} is not a date in the form YYYY-MM-DD") from None
    if ftype == "boolean":
        if value in ("true", "false"):
            return value == "true"
        raise ValueError(f"{value!r} is not true or false")
    raise ValueError(f"type {ftype!r} is not supported by the loader")


def _check_constraints(value: Any, raw: str, field: dict) -> None:
    c = field.get("constraints", {})
    if "enum" in c and value not in c["enum"]:
        raise ValueError(f"{raw!r} is not one of {', '.join(map(str, c['enum']))}")
    if "pattern" in c and not re.fullmatch(c["pattern"], raw):
        raise ValueError(f"{raw!r} does not match the pattern {c['pattern']}")
    if "minimum" in c and value < c["minimum"]:
        raise ValueError(f"{raw} is below the minimum {c['minimum']}")
    if "maximum" in c and value > c["maximum"]:
        raise ValueError(f"{raw} is above the maximum {c['maximum']}")
    if "exclusiveMinimum" in c and value <= c["exclusiveMinimum"]:
        raise ValueError(f"{raw} must be greater than {c['exclusiveMinimum']}")


def _read_rows(path: Path, resource: dict, raw: bytes | None) -> list[dict]:
    """Check one CSV file's bytes (None: the file is missing); return its rows as dicts of
    Python values."""
    name = path.name
    if raw is None:
        raise DataError(name, "the file is missing")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise DataError(name, f"byte {raw[e.start]:#x} is not valid UTF-8 (save the file as UTF-8)",
                        line=line) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    fields = _fields(resource)
    names = [f["name"] for f in fields]
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as e:
        raise DataError(name, f"malformed CSV: {e}", line=1) from None
    if header != names:
        raise DataError(name, f"the header must be {','.join(names)} (found {','.join(header or [])})",
                        line=1)
    key = resource["schema"].get("primaryKey")
    rows: list[dict[str, Any]] = []
    seen: dict[Any, int] = {}
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            raise DataError(name, f"malformed CSV: {e}", line=reader.line_num) from None
        line = reader.line_num
        if not cells:
            continue
        row_id = cells[names.index(key)] if key and len(cells) > names.index(key) else None
        if len(cells) != len(names):
            raise DataError(name, f"expected {len(names)} cells, found {len(cells)} "
                                  "(a missing or extra comma, or an unquoted comma inside a value)",
                            line=line, row_id=row_id)
        row: dict[str, Any] = {}
        for cell, field in zip(cells, fields):
            required = field.get("constraints", {}).get("required", False)
            if cell == "":
                if required:
                    raise DataError(name, "a value is required", line, field["name"], row_id)
                row[field["name"]] = None
                continue
            if cell != cell.strip():
                raise DataError(name, f"{cell!r} has spaces around it", line, field["name"], row_id)
            try:
                value = _parse_cell(cell, field)
                _check_constraints(value, cell, field)
            except ValueError as e:
                raise DataError(name, str(e), line, field["name"], row_id) from None
            row[field["name"]] = value
        if key:
            if row[key] in seen:
                raise DataError(name, f"duplicate {key} {row[key]!r} (first on line {seen[row[key]]})",
                                line, key, row_id)
            seen[row[key]] = line
        row["_line"] = line
        rows.append(row)
    return rows


def _check_references(resource: dict, rows: list[dict], keys: dict[str, set]) -> None:
    name = resource["path"]
    key = resource["schema"].get("primaryKey")
    for fk in resource["schema"].get("foreignKeys", []):
        column, target = fk["fields"], fk["reference"]["resource"]
        for row in rows:
            value = row[column]
            if value is not None and value not in keys[target]:
                raise DataError(name, f"{value!r} is not a known id in {target}.csv",
                                row["_line"], column, row.get(key))
    for field in _fields(resource):
        target = field.get("lessonkit:listOf")
        if not target:
            continue
        for row in rows:
            for value in (row[field["name"]] or "").split(";") if row[field["name"]] else []:
                if value not in keys[target]:
                    raise DataError(name, f"{value!r} is not a known id in {target}.csv",
                                    row["_line"], field["name"], row.get(key))


def _check_rules(resource: dict, rows: list[dict]) -> None:
    """Rules that a Table Schema cannot state, written in the field descriptions."""
    name = resource["name"]
    key = resource["schema"].get("primaryKey")
    for row in rows:
        if name == "sources" and row["kind"] != "seed" and row["published"] is None:
            raise DataError(resource["path"], "a value is required (only the seed may lack a date)",
                            row["_line"], "published", row[key])
        if name == "claims" and row["verdict"] in ("inaccurate", "misleading") and not row["correction"]:
            raise DataError(resource["path"], f"a correction is required when the verdict is {row['verdict']}",
                            row["_line"], "correction", row[key])
        if name == "pledges" and (row["amount"] is None) != (row["currency"] is None):
            raise DataError(resource["path"], "amount and currency go together: give both or neither",
                            row["_line"], "currency", row[key])


_DTYPES = {"string": "string", "integer": "Int64", "number": "Float64", "boolean": "boolean"}


def _frame(resource: dict, rows: list[dict]):
    import pandas as pd

    columns = {}
    for field in _fields(resource):
        values = [row[field["name"]] for row in rows]
        if field["type"] == "date":
            columns[field["name"]] = pd.to_datetime(pd.Series(values, dtype="object"), format="ISO8601")
        else:
            columns[field["name"]] = pd.Series(values, dtype=_DTYPES[field["type"]])
    frame = pd.DataFrame(columns)
    frame.attrs["source_file"] = resource["path"]
    return frame


def validate(descriptor: dict, files: dict[str, bytes | None], folder: Path) -> dict:
    """Check every table against the description; return the typed tables."""
    resources = descriptor["resources"]
    rows = {r["name"]: _read_rows(folder / r["path"], r, files[r["path"]]) for r in resources}
    keys = {r["name"]: {row[r["schema"]["primaryKey"]] for row in rows[r["name"]]} for r in resources}
    for r in resources:
        _check_references(r, rows[r["name"]], keys)
        _check_rules(r, rows[r["name"]])
    return {r["name"]: _frame(r, rows[r["name"]]) for r in resources}
