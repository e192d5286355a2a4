"""Where the data package lives, whether lessonkit is installed or run from a checkout."""

from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    """The folder holding datapackage.json.

    Looked up in this order: the LESSONKIT_DATA environment variable, the copy installed
    inside the package, the ``data/`` folder of a source checkout.
    """
    env = os.environ.get("LESSONKIT_DATA")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent
    installed = here / "_package_data"
    if (installed / "datapackage.json").exists():
        return installed
    return here.parents[1] / "data"


def lessons_toml() -> Path:
    """The ordered list of lessons: the copy installed in the package, else the checkout's."""
    installed = Path(__file__).resolve().parent / "_package_data" / "lessons.toml"
    if installed.exists():
        return installed
    return Path(__file__).resolve().parents[2] / "notebooks" / "lessons.toml"
