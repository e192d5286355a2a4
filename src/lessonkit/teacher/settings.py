"""JupyterLab settings the module ships: no news pop-up, and Markdown files open in the
preview, so a lesson's link to a glossary term opens the glossary scrolled to that term
(a teacher editing a lesson's .md source opens it with Open With > Jupytext Notebook).

The settings are a file of the package, ``jupyterlab-overrides.json``. The wheel also installs
it as shared data, ``share/jupyter/lab/settings/overrides.d/lessonkit.json``, the folder where
JupyterLab reads each package's own defaults, so ``pip install`` is enough and the user's own
``overrides.json`` is never written. ``lessonkit settings --prefix P`` copies it into another
environment (a hub whose JupyterLab runs apart from the lessons' kernel)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

SHIPPED = Path(__file__).with_name("jupyterlab-overrides.json")


def shipped_settings() -> dict:
    """The settings the package ships, as JupyterLab reads them: {plugin id: {setting: value}}."""
    return json.loads(SHIPPED.read_text(encoding="utf-8"))


def settings_path(prefix: str | Path | None = None) -> Path:
    """Where JupyterLab reads lessonkit's settings in the environment at prefix (default: this one)."""
    return Path(prefix or sys.prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.d" / "lessonkit.json"


def install_settings(prefix: str | Path | None = None) -> Path:
    """Write the shipped settings, whole or not at all, as lessonkit's own file in the
    environment at prefix; return its path. Nothing else in the environment is touched."""
    from .._record import write_atomic

    path = settings_path(prefix)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, SHIPPED.read_text(encoding="utf-8"))
    return path
