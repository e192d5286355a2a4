"""Text made safe for the Markdown and HTML a student sees.

JupyterLab, Voilà and the HTML export typeset anything between two ``$`` signs as
mathematics, so "$50 billion ... $119.8 billion" would turn into italic formula text.
Every student-facing Markdown or HTML output escapes its text with one of these.
"""

from __future__ import annotations

import html

NO_MATH = "tex2jax_ignore mathjax_ignore"  # classes MathJax 2 and 3 leave untypeset


def markdown_text(text: str) -> str:
    r"""Text for Markdown output that is never typeset: each ``$`` written ``\$``, and a text
    with a ``$`` wrapped in a span that MathJax leaves alone (JupyterLab typesets the rendered
    Markdown, where ``\$`` is a plain ``$`` again: two amounts in dollars became a formula).

    >>> markdown_text("$50 billion and $119.8 billion")
    '<span class="tex2jax_ignore mathjax_ignore">\\$50 billion and \\$119.8 billion</span>'
    >>> markdown_text("No dollars here")
    'No dollars here'
    """
    if "$" not in text:
        return text
    return no_math(text.replace("\\$", "$").replace("$", "\\$"), "span")


def link(url: str, text: str, colour: str = "") -> str:
    """An HTML link that is underlined, so it stands out from the text around it by more than
    its colour (JupyterLab and the HTML export show links in colour only; WCAG 1.4.1). In a box
    with a light background of its own, give the box's link colour: a theme's link colour is
    chosen for the page's background, not the box's.

    >>> link("https://example.org/?a=1&b=2", "<Example>")
    '<a href="https://example.org/?a=1&amp;b=2" style="text-decoration: underline">&lt;Example&gt;</a>'
    >>> link("https://example.org", "Example", colour="#0b4a80")
    '<a href="https://example.org" style="text-decoration: underline; color: #0b4a80">Example</a>'
    """
    style = "text-decoration: underline" + (f"; color: {colour}" if colour else "")
    return f'<a href="{html_text(url)}" style="{style}">{html_text(text)}</a>'


def html_text(value) -> str:
    """A value as HTML text: markup escaped, ``$`` as an entity, empty for None or NaN.

    >>> html_text("<b>$5</b>")
    '&lt;b&gt;&#36;5&lt;/b&gt;'
    >>> html_text(float("nan"))
    ''
    """
    try:
        missing = value is None or bool(value != value)
    except TypeError:  # pandas' NA has no truth value
        missing = True
    if missing:
        return ""
    return html.escape(str(value)).replace("$", "&#36;")


def no_math(fragment: str, tag: str = "div") -> str:
    """An HTML fragment wrapped so MathJax leaves it alone (an entity alone is not enough:
    MathJax reads the decoded text)."""
    return f'<{tag} class="{NO_MATH}">{fragment}</{tag}>'


def mathless(repr_html):
    """Decorate a ``_repr_html_`` so MathJax never typesets its HTML: JupyterLab typesets HTML
    outputs too, and two amounts in dollars (``C$5 billion ... $2 billion``) became a formula."""
    import functools

    @functools.wraps(repr_html)
    def wrapped(self) -> str:
        return no_math(repr_html(self))

    return wrapped
