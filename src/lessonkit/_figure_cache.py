"""Figures drawn once: a chart function's finished figure kept in the user's cache.

Drawing a lesson's figure takes matplotlib 0.1–0.4 s, and importing matplotlib as long
again; a lesson run a second time (Restart and Run All, the next class, the tests) gets the
same picture. :func:`cached` wraps a chart function so that its :class:`~lessonkit.plots.Chart`
is kept in the private cache folder of :mod:`lessonkit._cache` (mode 0700, every entry
checked against its SHA-256) under a hash of everything the picture depends on:

- the function (module and name) and its arguments: numbers, text, dates, lists, dicts and
  frozen dataclasses by value, DataFrames and Series by their content (pandas' row
  hashes, with the columns, index and types);
- the data package's content hash (a figure may read any table);
- every file of the lessonkit package (the drawing code and what it calls);
- the installed versions of matplotlib, pandas and numpy, and Python's.

A call with any other kind of argument is drawn and not kept. An entry is JSON text (the
alt text, title, source line and smallest lettering) followed by the PNG's bytes, never
pickle: reading it runs no code. ``LESSONKIT_CACHE_DIR=none`` turns the cache off. What
the key does not see: a matplotlib style or ``matplotlibrc`` the user changed, and fonts
installed outside matplotlib (lessonkit's figures use matplotlib's own DejaVu Sans).
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import hashlib
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from . import _cache

F = TypeVar("F", bound=Callable[..., Any])
FORMAT = b"lessonkit figure 1\n"
CACHED: list[Callable] = []  # every chart function wrapped by cached(), for the tests


class _Unkeyable(Exception):
    """An argument the key cannot describe by value: the figure is drawn and not kept."""


@functools.cache
def _code_and_versions() -> bytes:
    """lessonkit's files and the versions of what draws, hashed once per process."""
    from importlib import metadata

    h = hashlib.sha256(sys.version.encode())
    for name in ("matplotlib", "pandas", "numpy"):
        try:
            h.update(f"\0{name} {metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"\0{name} none".encode())
    _cache.hash_folder(h, "lessonkit", Path(__file__).resolve().parent)
    return h.digest()


def _describe(value: Any, h: Any, depth: int = 0) -> None:
    """Feed value into the hash h, by value; raise _Unkeyable for what has no stable value."""
    if depth > 20:
        raise _Unkeyable
    if value is None or isinstance(value, (bool, int, float, str)):
        h.update(f"{type(value).__name__}:{value!r};".encode())
    elif isinstance(value, (datetime.date, datetime.datetime)):
        h.update(f"{type(value).__name__}:{value.isoformat()};".encode())
    elif isinstance(value, (list, tuple)):
        h.update(f"{type(value).__name__}[{len(value)}](".encode())
        for item in value:
            _describe(item, h, depth + 1)
        h.update(b")")
    elif isinstance(value, dict):
        h.update(f"dict[{len(value)}](".encode())
        for k, v in value.items():  # in order: a figure may draw in the dict's order
            _describe(k, h, depth + 1)
            _describe(v, h, depth + 1)
        h.update(b")")
    elif dataclasses.is_dataclass(value) and not isinstance(value, type) and _frozen(value):
        h.update(f"{type(value).__module__}.{type(value).__qualname__}(".encode())
        for f in dataclasses.fields(value):
            _describe(f.name, h, depth + 1)
            _describe(getattr(value, f.name), h, depth + 1)
        h.update(b")")
    else:
        _describe_frame(value, h)


def _frozen(value: Any) -> bool:
    params = vars(type(value)).get("__dataclass_params__")
    return bool(getattr(params, "frozen", False))


def _describe_frame(value: Any, h: Any) -> None:
    """A DataFrame or Series by its content; anything else is _Unkeyable."""
    pd = sys.modules.get("pandas")
    if pd is None or not isinstance(value, (pd.DataFrame, pd.Series)):
        raise _Unkeyable
    try:
        rows = pd.util.hash_pandas_object(value, index=True).to_numpy().tobytes()
    except TypeError:  # cells pandas cannot hash (lists, dicts)
        raise _Unkeyable from None
    columns = list(value.columns) if isinstance(value, pd.DataFrame) else [value.name]
    dtypes = list(map(str, value.dtypes)) if isinstance(value, pd.DataFrame) else [str(value.dtype)]
    h.update(f"{type(value).__name__}{value.shape}{columns!r}{dtypes!r}{list(value.index.names)!r}:".encode())
    h.update(rows)


def figure_key(function: Callable, args: tuple, kwargs: dict) -> str | None:
    """The cache key of one call, or None when it cannot be kept (see the module)."""
    from ._data import load_package

    content = load_package().content_key
    if content is None:
        return None
    h = hashlib.sha256(_code_and_versions())
    h.update(f"\0{function.__module__}.{function.__qualname__}\0{content}\0".encode())
    try:
        _describe(list(args), h)
        _describe(sorted(kwargs.items()), h)
    except _Unkeyable:
        return None
    return h.hexdigest()


def _load(data: bytes) -> Any:
    from ._chart import Chart

    if not data.startswith(FORMAT):
        return None
    head, _, png = data[len(FORMAT):].partition(b"\n")
    try:
        fields = json.loads(head)
        return Chart(png, str(fields["alt"]), str(fields["title"]), str(fields["source"]),
                     float(fields["smallest_text_px"]))
    except (ValueError, KeyError, TypeError):
        return None


def _dump(chart: Any) -> bytes:
    head = json.dumps({"alt": chart.alt, "title": chart.title, "source": chart.source,
                       "smallest_text_px": chart.smallest_text_px}, ensure_ascii=True)
    return FORMAT + head.encode("ascii") + b"\n" + chart.png


def cached(function: F) -> F:
    """Keep function's Chart in the user's cache; a later call with the same inputs gets it
    without drawing (see the module for what "the same" covers)."""

    @functools.wraps(function)
    def chart(*args: Any, **kwargs: Any) -> Any:
        if _cache.cache_dir() is None:
            return function(*args, **kwargs)
        key = figure_key(function, args, kwargs)
        if key is not None:
            data = _cache.read(key, kind="figure")
            found = _load(data) if data is not None else None
            if found is not None:
                return found
        result = function(*args, **kwargs)
        if key is not None:
            _cache.write(key, _dump(result), kind="figure")
        return result

    CACHED.append(chart)
    return chart  # type: ignore[return-value]
