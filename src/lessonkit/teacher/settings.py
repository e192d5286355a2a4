"""JupyterLab settings the module ships: no news pop-up, and Markdown files open in the
preview, so a lesson's link to a glossary term opens the glossary scrolled to that term
(a teacher editing a lesson's .md source opens it with Open With > Jupytext Notebook)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

OVERRIDES = {
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/docmanager-extension:plugin": {"defaultViewers": {"markdown": "Markdown Preview"}},
}


def overrides_path(prefix: str | Path | None = None) -> Path:
    """Where JupyterLab reads overrides.json for the environment at prefix (default: this one)."""
    return Path(prefix or sys.prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"


def write_overrides(prefix: str | Path | None = None) -> Path:
    """Merge the module's settings into the environment's overrides.json and return its path."""
    from .._record import write_atomic

    path = overrides_path(prefix)
    path.parent.mkdir(parents=True, exist_ok=True)
    current = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    for plugin, values in OVERRIDES.items():
        current.setdefault(plugin, {}).update(values)
    write_atomic(path, json.dumps(current, indent=2) + "\n")
    return path
