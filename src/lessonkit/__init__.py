"""lessonkit: the helper package behind the London summit teaching module.

Students need only a few names::

    from lessonkit import load, cite, check, progress, say, set_name

Widgets and figures live in ``lessonkit.widgets`` and ``lessonkit.plots`` (they import
ipywidgets and matplotlib, so they load only when asked for); teacher tools live in
``lessonkit.teacher``.
"""

from ._data import cite, load, table_names
from ._errors import DataError, LessonkitError
from ._exercises import check, progress
from ._feedback import Feedback
from ._profile import set_name
from ._say import say
from .tables import show_frames_readably

show_frames_readably()  # DataFrames in a lesson wrap text and show plain numbers (see lessonkit.tables)

__all__ = [
    "load",
    "cite",
    "check",
    "progress",
    "say",
    "set_name",
    "Feedback",
    "LessonkitError",
    "DataError",
    "table_names",
]
__version__ = "0.1.0"
