"""Load the data package, enforcing its description, and cite its sources.

Every table is read with the csv module, checked cell by cell against
``data/datapackage.json`` (:mod:`lessonkit._schema`) and only then handed to pandas, so a
broken file fails with one message naming file, line and column instead of a silent coercion.

A package is validated once per content: the typed tables are kept in memory while the
files' status is unchanged, and on disk (:mod:`lessonkit._cache`) under a hash of every
byte they come from, so a new kernel loads them without checking every cell again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import pickle
import sys
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from . import _cache as disk_cache
from . import _schema
from ._dates import long_date
from ._errors import DataError, UnknownNameError
from ._paths import data_dir

_cache: dict[str, tuple[tuple, tuple, Package]] = {}  # folder -> (its files, their status, package)


@dataclass(frozen=True)
class Package:
    """A validated data package: its description and its tables as DataFrames."""

    folder: Path
    descriptor: dict
    tables: dict
    derived: dict = dataclasses.field(default_factory=dict)  # values computed from the tables, see derived()
    content_key: str | None = None  # the hash of every byte the tables depend on (None: a file is missing)


def _status(path: str) -> tuple:
    """What changes when a file is written (ctime too, which no tool can set back)."""
    try:
        st = os.stat(path)
    except OSError:
        return (path,)
    return (path, st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _content_key(descriptor_bytes: bytes, files: dict[str, bytes | None]) -> str | None:
    """A hash of everything the typed tables depend on: each file's bytes, this loader's
    and its checks' source, and the versions of Python and pandas (None if a file is missing)."""
    import pandas as pd

    if any(raw is None for raw in files.values()):
        return None
    h = hashlib.sha256()
    loader = [Path(module).read_bytes() for module in (__file__, _schema.__file__)]
    for part in (*loader, sys.version.encode(), pd.__version__.encode(), descriptor_bytes):
        h.update(len(part).to_bytes(8, "big") + part)
    for path, content in sorted(files.items()):
        assert content is not None  # checked above
        h.update(path.encode() + b"\0" + len(content).to_bytes(8, "big") + content)
    return h.hexdigest()


def _cached_tables(key: str | None, names: list[str]) -> dict | None:
    if key is None:
        return None
    data = disk_cache.read(key)
    if data is None:
        return None
    try:
        tables = pickle.loads(data)
    except Exception:  # whatever a damaged entry raises, it is ignored and rewritten
        return None
    return tables if isinstance(tables, dict) and list(tables) == names else None


def load_package(folder: Path | str | None = None) -> Package:
    """Read and validate every table of the data package (cached until a file changes).

    Raises DataError naming file, line and column at the first broken value.
    """
    folder = Path(folder) if folder is not None else data_dir()
    held = _cache.get(str(folder))
    if held is not None:
        watched, held_stamp, package = held
        if held_stamp == tuple(map(_status, watched)):
            return package
    stamp: tuple = (_status(os.path.join(folder, "datapackage.json")),)  # before reading: a write during it shows
    descriptor_bytes = _read(folder / "datapackage.json")
    if descriptor_bytes is None:
        raise DataError("datapackage.json", f"not found in {folder}")
    try:
        descriptor = json.loads(descriptor_bytes.decode("utf-8"))
    except UnicodeDecodeError:
        raise DataError("datapackage.json", "not valid UTF-8") from None
    except json.JSONDecodeError as e:
        raise DataError("datapackage.json", f"not valid JSON: {e.msg}", line=e.lineno) from None
    paths = [r["path"] for r in descriptor["resources"]]
    stamp += tuple(_status(os.path.join(folder, p)) for p in paths)
    files = {p: _read(folder / p) for p in paths}
    key = _content_key(descriptor_bytes, files)
    names = [r["name"] for r in descriptor["resources"]]
    tables = _cached_tables(key, names)
    if tables is None:
        tables = _schema.validate(descriptor, files, folder)
        if key is not None:
            disk_cache.write(key, pickle.dumps(tables, protocol=pickle.HIGHEST_PROTOCOL))
    package = Package(folder, descriptor, tables, content_key=key)
    _cache.clear()
    _cache[str(folder)] = (tuple(s[0] for s in stamp), stamp, package)
    return package


def table_names() -> list[str]:
    """The names of the tables in the data package, in their declared order."""
    return [r["name"] for r in load_package().descriptor["resources"]]


def load(table: str):
    """One table of the data package as a pandas DataFrame (a fresh copy each call).

    >>> pledges = load("pledges")
    >>> {"pledge_id", "amount", "currency", "source_id"} <= set(pledges.columns)
    True
    >>> load("pledge")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    lessonkit._errors.UnknownNameError: no table 'pledge'; did you mean 'pledges'? Tables: sources, ...

    Raises DataError if any table breaks the package description.
    """
    package = load_package()
    if table not in package.tables:
        raise UnknownNameError(_unknown("table", table, list(package.tables), "Tables"))
    return package.tables[table].copy()


def rows_by_id(table: str) -> dict[Any, dict]:
    """Every row of a table as a dict, by its id (the table's first column); kept like
    :func:`derived` values: read them, never change them.

    Raises UnknownNameError for an unknown table.
    """
    tables = load_package().tables
    if table not in tables:
        raise UnknownNameError(_unknown("table", table, list(tables), "Tables"))
    frame = tables[table]
    return derived(("rows by id", table), lambda: {r[frame.columns[0]]: r for r in frame.to_dict("records")})


def derived(name: Hashable, build: Callable[[], Any]) -> Any:
    """A value computed from the tables by build(), computed once per version of the package
    (again after a file changes). The caller must not change it: return copies or filtered views."""
    memo = load_package().derived
    if name not in memo:
        memo[name] = build()
    return memo[name]


def _unknown(what: str, name: object, choices: list[str], label: str) -> str:
    import difflib

    close = difflib.get_close_matches(str(name), choices, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else "."
    return f"no {what} {name!r}{hint} {label}: {', '.join(choices)}"


def source(source_id: str) -> dict:
    """The row of the sources table for one id, as a dict."""
    index = rows_by_id("sources")
    if source_id not in index:
        raise UnknownNameError(f"no source {source_id!r} in sources.csv")
    return dict(index[source_id])


# What each reliability class of sources.csv means, in words a student reads beside the
# source's name. The one place this wording is written; data/README.md explains the classes.
RELIABILITY_LABELS = {
    "official": "official record",
    "editorial": "news organisation with editorial standards",
    "outlet": "other news outlet",
    "state_media": "state-controlled media",
    "partisan": "partisan or campaigning source",
    "aggregator": "aggregator or content farm, not an original report",
    "seed": "the article this module checks: not a reliable source",
}
COPY_LABEL = "faithful copy"


def corrections(table: str, row_id: str) -> list[dict]:
    """The corrections recorded in corrections.csv for one row, oldest first (empty when the
    package has no corrections table)."""
    tables = load_package().tables
    if "corrections" not in tables:
        return []

    def build() -> dict[tuple[str, str], list[dict]]:
        found: dict[tuple[str, str], list[dict]] = {}
        for c in tables["corrections"].to_dict("records"):
            found.setdefault((c["table"], c["row_id"]), []).append(c)
        return found

    return list(derived("corrections by row", build).get((table, row_id), []))


def correction_note(table: str, row_id: str, columns: tuple[str, ...] | None = None) -> str | None:
    """What a student reads beside a corrected row: "corrected on 7 December 2026: date was
    2025-03-24", for the corrections of the given columns (all when None); None if uncorrected."""
    found = [c for c in corrections(table, row_id) if columns is None or c["field"] in columns]
    if not found:
        return None
    return f"corrected on {long_date(found[-1]['date'])}: {'; '.join(map(_was, found))} (data/corrections.csv)"


_FIELD_WORDS = {"source_id": "source", "reliability": "class", "controlled_by": "controlling state",
                "url": "link", "copy": "copy flag"}


def _was(c: dict) -> str:
    """One correction as "<field> was <old value>", in words a student can read."""
    field, old = _FIELD_WORDS.get(c["field"], c["field"].replace("_", " ")), c["old"]
    if not isinstance(old, str):
        return f"{field} was empty"
    if c["field"] == "source_id" and old in rows_by_id("sources"):
        old = rows_by_id("sources")[old]["publisher"]
    elif c["field"] == "url":
        from urllib.parse import urlsplit

        old = urlsplit(old).hostname or old
    return f"{field} was \u201c{old}\u201d"


def reliability_label(source_id: str) -> str:
    """What kind of source one source is, in words: its class, the state that controls it
    (for state media), and whether its link is a copy of the original.

    >>> reliability_label("seed-article")
    'the article this module checks: not a reliable source'

    Raises UnknownNameError for an unknown id, DataError for a class without a label.
    """
    s = source(source_id)
    if s["reliability"] not in RELIABILITY_LABELS:
        raise DataError("sources.csv", f"source {source_id!r} has the class {s['reliability']!r}, which has "
                        "no label for students (add one to RELIABILITY_LABELS in lessonkit/_data.py)",
                        column="reliability")
    label = RELIABILITY_LABELS[s["reliability"]]
    if s["reliability"] == "state_media" and isinstance(s["controlled_by"], str):
        label = f"{s['controlled_by']} {label}"
    return f"{label}; {COPY_LABEL}" if s["copy"] else label


def source_name(source_id: str) -> str:
    """The publisher of one source with its class, e.g. "TASS (Russian state-controlled media)".

    >>> source_name("seed-article")
    'The seed article (the article this module checks: not a reliable source)'
    """
    s = source(source_id)
    publisher = "The seed article" if s["reliability"] == "seed" else s["publisher"]
    return f"{publisher} ({reliability_label(source_id)})"


def as_of() -> date:
    """The last day the facts in the data package reach (its ``lessonkit:asOf``), as a date.

    >>> as_of().year >= 2025
    True

    Raises DataError if datapackage.json does not state it as YYYY-MM-DD.
    """
    raw = load_package().descriptor.get("lessonkit:asOf")
    try:
        return datetime.strptime(str(raw), "%Y-%m-%d").date()
    except ValueError:
        raise DataError("datapackage.json", f"lessonkit:asOf must be a date in the form YYYY-MM-DD "
                        f"(found {raw!r})") from None


def cite(source_ids: str, links: bool = True) -> str:
    """A readable citation line for one source id or several separated by ';'.

    Each source is named with its class, so a reader sees what kind of source a fact rests on.

    >>> cite("seed-article")
    'The seed article (the article this module checks: not a reliable source), undated, seeds/000_cc7a9aa5aad3444a.txt'
    >>> cite("seed-article", links=False)
    'The seed article (the article this module checks: not a reliable source), undated'

    Raises UnknownNameError for an id that is not in sources.csv.
    """
    lines = []
    for sid in str(source_ids).split(";"):
        sid = sid.strip()
        s = source(sid)
        parts = [source_name(sid)]
        if s["reliability"] != "seed":
            parts.append(f"\u201c{s['title']}\u201d")
        dated = s["published"] is not None and s["published"] == s["published"]  # NaT is not itself
        parts.append(long_date(s["published"]) if dated else "undated")
        if links:
            parts.append(s["url"])
        note = correction_note("sources", sid, ("publisher", "url", "reliability", "controlled_by", "copy"))
        if note:
            parts.append(note)
        lines.append(", ".join(parts))
    return "; ".join(lines)
