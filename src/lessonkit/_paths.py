"""Where the data package, the lessons and the app view live, whether lessonkit is installed
(a wheel carries them under ``lessonkit/_package_data``) or run from a checkout."""

from __future__ import annotations

import functools
import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
INSTALLED = PACKAGE / "_package_data"
CHECKOUT = PACKAGE.parents[1]  # the repository's root when run from a source checkout


def data_dir() -> Path:
    """The folder holding datapackage.json.

    Looked up in this order: the LESSONKIT_DATA environment variable, the copy installed
    inside the package, the ``data/`` folder of a source checkout.
    """
    env = os.environ.get("LESSONKIT_DATA")
    if env:
        return Path(env)
    return INSTALLED if _installed_data() else CHECKOUT / "data"


@functools.cache
def _installed_data() -> bool:
    """Whether the package carries the data (looked up once: an install does not change in a run)."""
    return (INSTALLED / "datapackage.json").exists()


def lessons_dir() -> Path:
    """The folder of the lessons' sources (``NN-slug.md`` and ``lessons.toml``): the copy
    installed in the package, else the checkout's ``notebooks/``."""
    installed = INSTALLED / "notebooks"
    if (installed / "lessons.toml").exists():
        return installed
    return CHECKOUT / "notebooks"


def lessons_toml() -> Path:
    """The ordered list of lessons."""
    return lessons_dir() / "lessons.toml"


def seeds_dir() -> Path:
    """The folder of the seed article (``seeds/``): the installed copy, else the checkout's."""
    installed = INSTALLED / "seeds"
    return installed if installed.is_dir() else CHECKOUT / "seeds"


def app_source() -> Path:
    """The app view's source (``explorers.md``): the installed copy, else the checkout's."""
    installed = INSTALLED / "apps" / "explorers.md"
    return installed if installed.exists() else CHECKOUT / "apps" / "explorers.md"


def lessons_in(toml: Path) -> list[Path]:
    """The lessons a ``lessons.toml`` lists, in its order.

    Raises LessonkitError naming the file when it is unreadable or lists a lesson that is missing.
    """
    import tomllib

    from ._errors import LessonkitError

    try:
        entries = tomllib.loads(toml.read_text(encoding="utf-8"))["lesson"]
        paths = [toml.parent / entry["file"] for entry in entries]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise LessonkitError(f"{toml}: not a readable list of lessons ({type(e).__name__}: {e})") from None
    missing = [p.name for p in paths if not p.is_file()]
    if missing:
        raise LessonkitError(f"{toml} lists lessons that are not in {toml.parent}: {', '.join(missing)}")
    return paths


def default_lessons(folder: Path | str = "notebooks") -> list[Path]:
    """The lessons a command uses when none are named: those listed in ``notebooks/lessons.toml``
    of the current folder (a checkout, or a teacher's own copy), in its order; a folder of
    lessons with no lessons.toml gives its ``NN-*.md`` in name order; else the lessons
    installed with lessonkit."""
    local = Path(folder) / "lessons.toml"
    if local.is_file():
        return lessons_in(local)
    return sorted(Path(folder).glob("[0-9][0-9]-*.md")) or lessons_in(lessons_toml())


def record_dir() -> Path:
    """Where learning records are written: LESSONKIT_RECORD_DIR, else the current folder."""
    return Path(os.environ.get("LESSONKIT_RECORD_DIR") or os.getcwd())
