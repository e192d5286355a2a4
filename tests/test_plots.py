"""Every figure has a title, alt text, a source line and renders to a PNG."""

import base64
import html

import pytest

from lessonkit import analysis, plots
from lessonkit.game import TruceGame
from lessonkit.lessons import capstone, ceasefire, context, money, news

FIGURES = {
    "timeline": lambda: context.timeline_chart(),
    "attendance": lambda: plots.attendance_map(),
    "pledges": lambda: plots.pledge_chart(analysis.pledges(donor="gbr")),
    "positions": lambda: plots.position_chart(),
    "verdicts": lambda: news.verdict_chart(),
    "game": lambda: ceasefire.truce_games_chart({"Your settings": TruceGame()}),
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
    """image/png, the same picture as an <img> with its alt text (what JupyterLab shows: its
    image renderer drops alt text), and text/plain; the description repeats the alt text, escaped."""
    from html.parser import HTMLParser

    chart = FIGURES[name]()
    data, metadata = chart._repr_mimebundle_()
    assert set(data) == {"image/png", "text/html", "text/plain"}
    assert base64.b64decode(data["image/png"]) == chart.png
    assert metadata["image/png"]["alt"] == chart.alt
    images = []

    class Images(HTMLParser):
        def handle_starttag(self, tag, attrs):
            images.append((tag, dict(attrs)))

    Images().feed(data["text/html"])
    assert [(t, a["alt"], a["src"]) for t, a in images] == [("img", chart.alt, f"data:image/png;base64,{data['image/png']}")]
    assert data["text/plain"] == repr(chart) and chart.source in data["text/plain"]
    description = chart.description_html()
    assert description.startswith("<details") and html.escape(chart.alt) in description
    assert "<img" not in description


def test_figures_are_reproducible():
    assert news.verdict_chart().png == news.verdict_chart().png


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
    cell = nbformat.v4.new_code_cell("news.verdict_chart()")
    cell.outputs = [nbformat.v4.new_output("display_data", data=data, metadata=metadata)]
    nb.cells.append(cell)
    images = []

    class Images(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == "img":
                images.append(dict(attrs))

    Images().feed(notebook_to_html(nb, "Export test"))
    assert [(i["alt"], i["src"]) for i in images] == [(chart.alt, f"data:image/png;base64,{data['image/png']}")]


def _lesson_figures():
    """Every figure the lessons draw, drawn as the lessons draw it (same data, same arguments)."""
    from lessonkit import load

    pledges = load("pledges")
    events = analysis.timeline()
    summit = analysis.summit_date()
    uk = analysis.pledges(donor="gbr", include_seed=False)
    weekend = uk[uk["announced"].dt.date.isin([summit - __import__("datetime").timedelta(days=1), summit])]
    scale_ids = ["uk-era-tranche-ansa-gbp", "uk-lmm-ef-pm-remarks", "uk-era-loan-ht-gbp", "g7-era-50bn-usd",
                 "us-aid-kiel", "eu-rearm-800-national"]
    return {
        "attendance_map": lambda: plots.attendance_map(),
        "timeline_chart": lambda: context.timeline_chart(events[~events["event_id"].str.startswith("summit-count")]),
        "announcement_chart (weekend)": lambda: money.announcement_chart(
            analysis.per_announcement(weekend, "GBP"), "GBP", title="What the UK announced on the summit weekend"),
        "announcement_chart (log)": lambda: money.announcement_chart(
            pledges[pledges["pledge_id"].isin(scale_ids)], "GBP", log=True, title="From millions to hundreds of billions"),
        "versions_chart": lambda: money.versions_chart("uk-lmm-export-finance-2025-03-02", "GBP"),
        "position_chart (lesson 4)": lambda: plots.position_chart(analysis.position_matrix(
            ["gbr", "fra", "deu", "ita", "pol", "ukr", "can", "tur", "eu-commission", "nato", "hun", "usa", "rus"])),
        "position_chart (lesson 7)": lambda: plots.position_chart(analysis.position_matrix(list(capstone.ROLE_ACTORS))),
        "stance_timeline_chart": lambda: ceasefire.stance_timeline_chart("ceasefire", theme="ceasefire"),
        "truce_games_chart": lambda: ceasefire.truce_games_chart(
            {"No guarantees": TruceGame(penalty=0, verification=0.5),
             "Strong, verified guarantees": TruceGame(penalty=10, verification=0.9)}),
        "verdict_chart": lambda: news.verdict_chart(),
        "truce_games_chart (one game)": lambda: ceasefire.truce_games_chart({"Your settings": TruceGame()}),
    }


LESSON_FIGURES = _lesson_figures()


def test_every_kind_of_figure_the_lessons_draw_is_measured():
    import re
    from pathlib import Path

    lessons = Path(__file__).resolve().parents[1] / "notebooks"
    # figures of the package (plots.x) and of a lesson's own module (lesson.x_chart)
    drawn = {m for f in lessons.glob("*.md") for m in re.findall(r"(?:plots\.|lesson\.)(\w+_chart|\w+_map)\(",
                                                                  f.read_text())}
    measured = {name.split(" ")[0] for name in LESSON_FIGURES}
    assert drawn and drawn <= measured, f"lessons draw figures the legibility test does not: {drawn - measured}"


@pytest.mark.parametrize("name", LESSON_FIGURES)
def test_lettering_is_legible_on_a_school_laptop(name):
    """At 1366x768 a lesson's output is about DISPLAY_WIDTH_PX wide; wider figures shrink to fit."""
    chart = LESSON_FIGURES[name]()
    assert chart.smallest_text_px >= plots.LEGIBLE_PX, (
        f"{name}: smallest lettering is {chart.smallest_text_px:.1f} px on screen")


def test_the_measure_counts_the_shrinking_of_a_wide_figure():
    from matplotlib.figure import Figure

    fig = Figure(figsize=(4, 2))
    fig.text(0.1, 0.5, "ten points", fontsize=10)
    assert plots.smallest_text_px(fig, 400) == pytest.approx(10 * 100 / 72)
    assert plots.smallest_text_px(fig, 1800) == pytest.approx(10 * 100 / 72 / 2)


def test_strict_nbval_compares_a_figure_without_its_picture_bytes():
    """The test command's sanitizer replaces the picture's bytes in the HTML form, so two
    renderings that differ only in pixels (another matplotlib, other fonts) compare equal,
    and a changed alt text does not."""
    import re
    from pathlib import Path

    from nbval.plugin import get_sanitize_patterns

    config = Path(__file__).with_name("nbval-sanitize.cfg").read_text(encoding="utf-8")
    patterns = get_sanitize_patterns(config)

    def sanitize(text):
        for regex, replace in patterns:
            text = re.sub(regex, replace, text)
        return text

    chart = FIGURES["verdicts"]()
    html_form = chart._repr_mimebundle_()[0]["text/html"]
    other_pixels = html_form.replace(base64.b64encode(chart.png).decode()[:40], "A" * 40)
    assert other_pixels != html_form and sanitize(other_pixels) == sanitize(html_form)
    assert sanitize(html_form.replace(chart.alt[:20], "something else")) != sanitize(html_form)


def test_text_on_every_coloured_cell_reads_at_4_5_to_1():
    """The stance grid's white on vermillion was 3.87:1; the palette stays, the text colour adapts."""
    for colours in (plots.STANCE_COLOURS, plots.ATTENDANCE_COLOURS, plots.VERDICT_COLOURS):
        for name, colour in colours.items():
            assert plots.contrast(plots.text_colour_on(colour), colour) >= plots.MIN_TEXT_CONTRAST, name


def test_a_long_source_line_is_broken_into_lines_never_wider_than_the_chart():
    import io

    import matplotlib
    from PIL import Image

    matplotlib.use("Agg")
    fig, ax = plots._pyplot().subplots(figsize=(4, 3))
    ax.bar([1, 2], [3, 4])
    source = "data/pledges.csv, report group some-long-report-group-name; " * 4
    chart = plots._finish(fig, "A small chart", source, "alt")
    width, _ = Image.open(io.BytesIO(chart.png)).size
    assert width < 4 * plots.DPI * 1.2, f"the source line made the chart {width} px wide"
    assert chart.source == source  # the caption keeps the source whole
