"""Every figure has a title, alt text, a source line and renders to a PNG."""

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
    html = chart._repr_html_()
    assert 'alt="' in html and "<script" not in html
    assert repr(chart).startswith("Figure: ")


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
