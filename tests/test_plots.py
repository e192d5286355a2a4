"""Every figure has a title, alt text, a source line and renders to a PNG."""

import base64
import html

import pytest

from lessonkit import analysis, plots
from lessonkit.game import TruceGame

FIGURES = {
    "timeline": lambda: plots.timeline_chart(),
    "attendance": lambda: plots.attendance_map(),
    "pledges": lambda: plots.pledge_chart(analysis.pledges(donor="gbr")),
    "positions": lambda: plots.position_chart(),
    "verdicts": lambda: plots.verdict_chart(),
    "game": lambda: plots.game_chart(TruceGame()),
}


@pytest.mark.parametrize("name", FIGURES)
def test_figure_has_title_alt_text_and_png(name):
    chart = FIGURES[name]()
    assert chart.png.startswith(b"\x89PNG")
    assert chart.title and len(chart.alt) > 30
    assert repr(chart).startswith(f"Figure: {chart.title}. {chart.alt}")
    assert "Source: " in repr(chart)


@pytest.mark.parametrize("name", ["verdicts", "game"])
def test_a_figure_displays_as_png_with_its_alt_text_and_a_description(name):
    """image/png plus text/plain, and no HTML that embeds the picture (strict nbval compares
    HTML byte for byte, but ignores images); the description repeats the alt text, escaped."""
    chart = FIGURES[name]()
    data, metadata = chart._repr_mimebundle_()
    assert set(data) == {"image/png", "text/plain"}
    assert base64.b64decode(data["image/png"]) == chart.png
    assert metadata["image/png"]["alt"] == chart.alt
    assert data["text/plain"] == repr(chart) and chart.source in data["text/plain"]
    description = chart.description_html()
    assert description.startswith("<details") and html.escape(chart.alt) in description
    assert "<img" not in description


def test_figures_are_reproducible():
    assert plots.verdict_chart().png == plots.verdict_chart().png


def test_palette_is_okabe_ito():
    assert set(plots.PALETTE.values()) == {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2",
                                           "#D55E00", "#CC79A7", "#999999", "#000000"}


def test_importing_lessonkit_does_not_set_a_matplotlib_backend():
    import subprocess
    import sys

    code = "import lessonkit, sys; print('matplotlib' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"


def test_an_html_export_gives_the_figure_its_alt_text():
    from html.parser import HTMLParser

    import nbformat

    from lessonkit.teacher.export import notebook_to_html

    chart = FIGURES["verdicts"]()
    data, metadata = chart._repr_mimebundle_()
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("plots.verdict_chart()")
    cell.outputs = [nbformat.v4.new_output("display_data", data=data, metadata=metadata)]
    nb.cells.append(cell)
    images = []

    class Images(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == "img":
                images.append(dict(attrs))

    Images().feed(notebook_to_html(nb, "Export test"))
    assert [(i["alt"], i["src"]) for i in images] == [(chart.alt, f"data:image/png;base64,{data['image/png']}")]
