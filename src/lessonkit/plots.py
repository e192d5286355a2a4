"""Figures for the lessons: matplotlib, Okabe–Ito colours, a title, labelled units, a
source line and alt text on every one.

Each function returns a :class:`Chart`, which shows in a notebook as an ``image/png`` output
(its alt text in the output's metadata, where an HTML export reads it) and as its title, alt
text and source line in plain-text contexts.
"""

from __future__ import annotations

import io

from . import analysis
from ._chart import Chart
from ._data import load
from ._dates import long_date
from ._figure_cache import cached
from .labels import label as label_of

# Okabe & Ito (2008), safe for the common forms of colour blindness.
PALETTE = {"orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73", "yellow": "#F0E442",
           "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7", "grey": "#999999",
           "black": "#000000"}
STANCE_COLOURS = {"supports": PALETTE["blue"], "conditional": PALETTE["sky"],
                  "undecided": PALETTE["grey"], "opposes": PALETTE["vermillion"]}
ATTENDANCE_COLOURS = {"attended": PALETTE["blue"], "absent": PALETTE["orange"],
                      "not_applicable": "#DDDDDD"}
MIN_TEXT_CONTRAST = 4.5  # WCAG AA for text on a coloured cell


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours (any matplotlib colour), from 1 to 21.

    >>> round(contrast("white", PALETTE["vermillion"]), 2)
    3.87
    """
    from matplotlib.colors import to_rgb

    def luminance(colour: str) -> float:
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(colour)]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_colour_on(background: str) -> str:
    """Black or white, whichever reads better on background (so the palette stays as it is).

    >>> text_colour_on(PALETTE["blue"]), text_colour_on(PALETTE["vermillion"])
    ('white', 'black')
    """
    return max(("black", "white"), key=lambda text: contrast(text, background))


VERDICT_COLOURS = {"accurate": PALETTE["green"], "misleading": PALETTE["orange"],
                   "inaccurate": PALETTE["vermillion"], "unverifiable": PALETTE["grey"],
                   "opinion": PALETTE["purple"]}


# A lesson's output area in JupyterLab at 1366x768 with the file browser open is about 900 px
# wide; a wider figure is scaled down to fit. Every letter must still be at least
# LEGIBLE_PX tall on screen there (tests/test_plots.py checks each figure the lessons draw).
DISPLAY_WIDTH_PX = 900
LEGIBLE_PX = 10.0
DPI = 100


def _pyplot():
    import matplotlib.pyplot as plt

    return plt


def _figure(width: float, height: float):
    """A new figure and its axes (closed again by _finish, so a notebook shows it once)."""
    return _pyplot().subplots(figsize=(width, height))


def _rectangle(*args, **kwargs):
    from matplotlib.patches import Rectangle

    return Rectangle(*args, **kwargs)


def _add_patches(ax, patches: list) -> None:
    """Add many patches as one collection: one artist to lay out and draw instead of one per
    patch (the axes' limits are set by the caller, so no patch needs to widen them)."""
    from matplotlib.collections import PatchCollection

    ax.add_collection(PatchCollection(patches, match_original=True, joinstyle="miter", capstyle="butt"),
                      autolim=False)  # a patch's own corners, so the pixels are the same


def _finish(fig, title: str, source: str, alt: str) -> Chart:
    """Add the title and source line, render to PNG and close the figure.

    The title goes above and the source line below everything the axes draw (labels,
    legends, ticks), so neither overlaps them; the PNG is cropped to all of it in one
    layout pass and one drawing (cheaper than bbox_inches="tight", which draws twice).
    """
    from matplotlib.transforms import Bbox

    if not hasattr(fig.canvas, "get_renderer"):  # a Figure made without pyplot
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        FigureCanvasAgg(fig)
    fig.set_dpi(DPI)
    renderer = fig.canvas.get_renderer()
    boxes = [ax.get_tightbbox(renderer) for ax in fig.axes if ax.get_visible()]
    to_fig = fig.transFigure.inverted()
    top = max([b.transformed(to_fig).y1 for b in boxes] + [0.9])
    bottom = min([b.transformed(to_fig).y0 for b in boxes] + [0.1])
    left = min([b.transformed(to_fig).x0 for b in boxes] + [0.0])
    texts = [fig.text(left, top + 0.02, title, fontsize=13, fontweight="bold", ha="left", va="bottom"),
             fig.text(left, bottom - 0.02, f"Source: {source}", fontsize=9.5, color="#333333",
                      ha="left", va="top")]
    if boxes:  # a long source line is broken into lines, never made wider than the chart
        _fit_width(texts[1], Bbox.union(boxes).width, renderer)
    extent = Bbox.union(boxes + [t.get_window_extent(renderer) for t in texts]).padded(8)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, bbox_inches=extent.transformed(fig.dpi_scale_trans.inverted()),
                metadata={"Software": None})
    smallest = smallest_text_px(fig, extent.width)
    _pyplot().close(fig)
    return Chart(buf.getvalue(), alt, title, source, smallest)


def _fit_width(text, max_px: float, renderer) -> None:
    """Break text's words into lines so that it is at most max_px wide, where they allow
    (words are never split: a file name stays whole)."""
    import textwrap

    whole, chars = text.get_text(), len(text.get_text())
    width = text.get_window_extent(renderer).width
    while width > max_px and chars > 20:
        chars = min(chars - 1, int(chars * max_px / width))
        text.set_text(textwrap.fill(whole, chars, break_long_words=False, break_on_hyphens=False))
        width = text.get_window_extent(renderer).width


def smallest_text_px(fig, width_px: float) -> float:
    """The height in screen pixels of the figure's smallest visible lettering, when a PNG of
    ``width_px`` pixels is shown at most DISPLAY_WIDTH_PX wide (points x dpi/72 x the scaling)."""

    scale = min(1.0, DISPLAY_WIDTH_PX / width_px)
    shown = [t for t in _texts(fig) if t.get_visible() and t.get_text().strip()
             and (t.axes is None or t.axes.get_visible())]
    sizes = [t.get_fontsize() for t in shown]
    return min(sizes, default=0.0) * DPI / 72 * scale


def _texts(fig) -> list:
    """Every Text of the figure, as ``fig.findobj(Text)`` finds them, except the tick labels of
    axes drawn without axis lines (``ax.axis("off")``): never shown, and costly to list, since
    listing them makes matplotlib create every tick."""
    from matplotlib.axes import Axes
    from matplotlib.axis import Axis
    from matplotlib.text import Text

    found = []
    for child in fig.get_children():
        if isinstance(child, Axes) and not child.axison:
            found += [t for c in child.get_children() if not isinstance(c, Axis) for t in c.findobj(Text)]
        else:
            found += child.findobj(Text)
    return found


def _day_month_axis(ax) -> None:
    """Label the x-axis dates like "2 Mar" (matplotlib's DateFormatter would need a glibc-only code)."""
    from matplotlib.dates import num2date
    from matplotlib.ticker import FuncFormatter

    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: long_date(num2date(x), year=False,
                                                                       short_month=True)))


def _source_ids(frame) -> str:
    ids = sorted(set(frame["source_id"]))
    return f"data/{frame.attrs.get('source_file', 'tables')} rows citing {len(ids)} sources (see the sources table)"


# Rough positions on a grid (column, row) for a tile map; not to scale.
TILES = {
    "can": (0, 1), "usa": (0, 2),
    "nor": (4, 0), "swe": (5, 0), "fin": (6, 0), "est": (7, 0),
    "irl": (2, 1), "gbr": (3, 1), "dnk": (4, 1), "lva": (7, 1), "ltu": (6, 1),
    "nld": (3, 2), "bel": (3, 3), "deu": (4, 2), "pol": (5, 2), "ukr": (6, 2), "rus": (7, 2),
    "fra": (3, 4), "cze": (4, 3), "svk": (5, 3), "aut": (4, 4), "hun": (5, 4), "rou": (6, 4),
    "prt": (1, 5), "esp": (2, 5), "ita": (4, 5), "grc": (5, 6), "tur": (6, 5),
}


@cached
def attendance_map() -> Chart:
    """A tile-grid map: one square per state, coloured and labelled by whether it attended."""
    from matplotlib.patches import Patch

    states = analysis.attendance("state").set_index("actor_id")
    fig, ax = _figure(9, 7)
    tiles = []
    for code, (x, y) in TILES.items():
        if code not in states.index:
            continue
        status = states.loc[code, "at_summit"]
        tiles.append(_rectangle((x, -y), 0.92, 0.92, color=ATTENDANCE_COLOURS[status]))
        mark = {"attended": "\u2713 came", "absent": "\u2717 absent", "not_applicable": "n/a"}[status]
        text_colour = text_colour_on(ATTENDANCE_COLOURS[status])
        ax.text(x + 0.46, -y + 0.58, code.upper(), ha="center", va="center", fontsize=11,
                fontweight="bold", color=text_colour)
        ax.text(x + 0.46, -y + 0.26, mark, ha="center", va="center", fontsize=8.5, color=text_colour)
    _add_patches(ax, tiles)
    orgs = analysis.attendance("organisation")
    orgs = orgs[orgs["at_summit"] == "attended"]
    ax.text(0, -5.6, "Also at the table: " + ", ".join(orgs["name"]), fontsize=9)
    ax.set_xlim(-0.2, 8.2)
    ax.set_ylim(-6, 1.2)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.legend(handles=[Patch(color=ATTENDANCE_COLOURS[k], label=v) for k, v in
                       (("attended", "attended"), ("absent", "absent (a notable absence)"),
                        ("not_applicable", "not part of the summit question"))],
              loc="upper left", bbox_to_anchor=(0, 1.08), ncol=3, frameon=False, fontsize=9)
    came = sorted(states.index[states["at_summit"] == "attended"].str.upper())
    away = sorted(states.index[states["at_summit"] == "absent"].str.upper())
    alt = (f"Tile map of Europe and North America, one square per state, not to scale. "
           f"Attended: {', '.join(came)}. Absent: {', '.join(away)}.")
    return _finish(fig, "Who was at Lancaster House on 2 March 2025", _source_ids(load("actors")), alt)


@cached
def pledge_chart(frame, currency: str = "GBP", label: str = "pledge_id") -> Chart:
    """Horizontal bars of amounts converted to one currency, each labelled with its kind."""
    plt = _pyplot()
    rows = analysis.in_currency(frame[frame["amount"].notna()], currency)
    rows = rows.sort_values(f"amount_{currency}")
    kinds = sorted(rows["kind"].unique())
    colours = list(PALETTE.values())
    fig, ax = plt.subplots(figsize=(9, 0.4 * len(rows) + 1.5))
    values = rows[f"amount_{currency}"] / 1e9
    ax.barh(rows[label], values, color=[colours[kinds.index(k) % len(colours)] for k in rows["kind"]])
    for y, (v, k) in enumerate(zip(values, rows["kind"])):
        ax.text(v, y, f"  {v:,.2f}bn  {label_of(k).lower()}", va="center", fontsize=9)
    ax.set_xlabel(f"Amount, billions of {currency} (converted at the data's dated rates where needed)")
    ax.set_ylabel("Figure (pledge id)")
    ax.spines[["right", "top"]].set_visible(False)
    ax.set_xlim(0, values.max() * 1.45 if len(values) else 1)
    alt = (f"Bar chart of {len(rows)} figures in billions of {currency}; the largest is "
           f"{rows.iloc[-1][label]} at {values.iloc[-1]:,.2f}bn." if len(rows) else "No figures to show.")
    return _finish(fig, f"Money figures around the summit, in {currency}", _source_ids(frame), alt)


@cached
def position_chart(matrix=None) -> Chart:
    """Actors × topics grid: colour for the stance and the stance written in each cell; the
    topic names, wrapped, stand above and below the grid so a tall grid still shows them."""
    import textwrap

    plt = _pyplot()
    matrix = analysis.position_matrix() if matrix is None else matrix
    fig, ax = plt.subplots(figsize=(1.0 * len(matrix.columns) + 1.6, 0.42 * len(matrix) + 1.6))
    cells = []
    for y, actor in enumerate(matrix.index):
        for x, topic in enumerate(matrix.columns):
            stance = matrix.loc[actor, topic]
            filled = isinstance(stance, str)
            stance = stance if filled else ""
            colour = STANCE_COLOURS.get(stance, "white") if filled else "white"
            cells.append(_rectangle((x, y), 0.95, 0.9, color=colour, ec="#cccccc"))
            ax.text(x + 0.47, y + 0.45, stance if filled else "–", ha="center", va="center", fontsize=10,
                    color=text_colour_on(colour))
    _add_patches(ax, cells)
    ax.set_xlim(0, len(matrix.columns))
    ax.set_ylim(len(matrix), 0)
    topics = [textwrap.fill(str(t), 13) for t in matrix.columns]
    ax.set_xticks([x + 0.47 for x in range(len(matrix.columns))], topics, fontsize=10.5)
    ax.tick_params(axis="x", top=True, labeltop=True, bottom=True, labelbottom=True)
    ax.set_yticks([y + 0.45 for y in range(len(matrix))], matrix.index, fontsize=10.5)
    ax.set_xlabel("Topic", fontsize=11)
    ax.set_ylabel("Actor", fontsize=11)
    ax.tick_params(length=0)
    ax.spines[:].set_visible(False)
    counts = matrix.stack().value_counts()
    alt = (f"Grid of {len(matrix)} actors by {len(matrix.columns)} topics; each filled cell names the "
           f"stance: " + ", ".join(f"{n} {s}" for s, n in counts.items()) + "; a dash means no stated position.")
    return _finish(fig, "Where they stood, February–March 2025", _source_ids(load("positions")), alt)


def _room_for_source_line(fig) -> None:
    """Leave space under the x-axis label so the source line never overlaps it."""
    fig.subplots_adjust(bottom=min(0.45, 0.95 / fig.get_figheight()))


