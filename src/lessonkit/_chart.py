"""A rendered figure: its PNG with its alt text, title and source line (what plots draw and
the figure cache keeps)."""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass


@dataclass
class Chart:
    """A rendered figure with its alt text and source line.

    A notebook gets a real ``image/png`` output (with its alt text in the output's metadata)
    and, beside it in the same output, ``text/html``: the same picture as an ``<img>`` with its
    alt text. JupyterLab shows the HTML form, because its image renderer drops alt text and a
    screen reader would find an unnamed image; tools that prefer images take the PNG. Strict
    nbval compares the HTML with the picture's bytes replaced (``tests/nbval-sanitize.cfg``,
    used by the test command), so the comparison does not change with the versions of
    matplotlib or its fonts. A closed "Description" element follows with the alt text and the
    source line, for anyone who wants to read them.
    """

    png: bytes
    alt: str
    title: str
    source: str = ""
    smallest_text_px: float = 0.0  # the smallest lettering on screen, at DISPLAY_WIDTH_PX (see _finish)

    def _repr_png_(self) -> bytes:
        return self.png

    def _repr_mimebundle_(self, include=None, exclude=None) -> tuple[dict, dict]:
        """The display data: the PNG, the same picture as an <img> with its alt text, and the
        text form; the alt text is also the PNG's metadata."""
        encoded = base64.b64encode(self.png).decode("ascii")
        img = (f'<img src="data:image/png;base64,{encoded}" alt="{html.escape(self.alt)}" '
               f'style="max-width:100%;height:auto">')
        data = {"image/png": encoded, "text/html": img, "text/plain": repr(self)}
        return data, {"image/png": {"alt": self.alt}}

    def description_html(self) -> str:
        """The alt text and source line as a closed <details> element (escaped)."""
        source = f"<p>Source: {html.escape(self.source)}.</p>" if self.source else ""
        return (f'<details class="lessonkit-figure-description"><summary>Description of the figure '
                f'"{html.escape(self.title)}"</summary><p>{html.escape(self.alt)}</p>{source}</details>')

    def _ipython_display_(self) -> None:
        """In a notebook: the image output, then its description as a second output."""
        from IPython.display import display

        data, metadata = self._repr_mimebundle_()
        display(data, raw=True, metadata=metadata)
        display({"text/html": self.description_html()}, raw=True)

    def __repr__(self) -> str:
        return f"Figure: {self.title}. {self.alt}" + (f" Source: {self.source}." if self.source else "")

    def save(self, path) -> None:
        """Write the PNG to a file."""
        with open(path, "wb") as f:
            f.write(self.png)
