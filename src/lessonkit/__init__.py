"""lessonkit: the helper package behind the London summit teaching module.

Students need only a few names::

    from lessonkit import load, cite, check, progress, say, set_name

Widgets and figures live in ``lessonkit.widgets`` and ``lessonkit.plots`` (they import
ipywidgets and matplotlib, so they load only when asked for); teacher tools live in
``lessonkit.teacher``.
"""

from ._data import cite, load, table_names
from ._errors import DataError, LessonkitError
from ._exercises import check, prediction, progress, reveal
from ._feedback import Feedback
from ._profile import set_name
from ._say import say


def load_ipython_extension(ipython) -> None:
    """``%load_ext lessonkit``, the first line of every lesson: Python's errors get a plain tip
    (:mod:`lessonkit.error_tips`) and DataFrames show as students read them (wrapped text,
    plain numbers, empty cells: :mod:`lessonkit.tables`). Importing lessonkit alone changes
    nothing."""
    from . import error_tips
    from .tables import show_frames_readably

    error_tips.load_ipython_extension(ipython)
    show_frames_readably()


def unload_ipython_extension(ipython) -> None:
    """``%unload_ext lessonkit``: back to IPython's own error messages."""
    from . import error_tips

    error_tips.unload_ipython_extension(ipython)

__all__ = [
    "load",
    "cite",
    "check",
    "progress",
    "prediction",
    "reveal",
    "say",
    "set_name",
    "Feedback",
    "LessonkitError",
    "DataError",
    "table_names",
]
__version__ = "0.1.0"
