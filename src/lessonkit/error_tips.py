"""An IPython extension: Python's error, then one plain sentence on what to do.

A lesson loads it with ``%load_ext lessonkit`` (which also loads this) in its first code cell;
importing lessonkit alone changes nothing. Today it explains ``NameError``, which students meet when
they forget the quotes around a name (``host = Starmer``) or skip a cell above. Python's own
message is kept; the sentence is added under it.
"""

from __future__ import annotations

from typing import Any


def tip(error: BaseException) -> str:
    """The sentence added under an error, or an empty string.

    >>> tip(NameError("name 'Starmer' is not defined", name="Starmer"))
    'Tip: text goes in quotes. If you meant the name Starmer, write "Starmer" (with the quotes) and run the cell again.'
    >>> tip(ValueError("x"))
    ''
    """
    if not isinstance(error, NameError):
        return ""
    name = getattr(error, "name", None)
    if not isinstance(name, str) or not name:
        return ""
    if name[:1].isupper():
        return (f"Tip: text goes in quotes. If you meant the name {name}, write \"{name}\" "
                "(with the quotes) and run the cell again.")
    return (f"Tip: if {name} is made in a cell above, run the cells above first (Run, then Run All Above "
            f"Selected Cell); if you meant the text {name}, write \"{name}\" with the quotes.")


def _show_with_tip(shell: Any, etype: type, value: BaseException, tb: Any, tb_offset: int | None = None) -> list:
    """IPython's custom exception handler: the usual traceback, then the tip."""
    stb = shell.InteractiveTB.structured_traceback(etype, value, tb, tb_offset=tb_offset)
    sentence = tip(value)
    if sentence:
        stb = [*stb, sentence]
    shell._showtraceback(etype, value, stb)
    return stb


def load_ipython_extension(ipython: Any) -> None:
    """Called by ``%load_ext lessonkit.error_tips``: add the tip under every NameError."""
    ipython.set_custom_exc((NameError,), _show_with_tip)


def unload_ipython_extension(ipython: Any) -> None:
    """Called by ``%unload_ext lessonkit.error_tips``: back to IPython's own messages."""
    ipython.set_custom_exc((), None)
