"""Figures for the lessons: matplotlib, Okabe–Ito colours, a title, labelled units, a
source line and alt text on every one.

Each function returns a :class:`Chart`, which shows as an image with alt text in a
notebook (and in an HTML export) and as its alt text in plain-text contexts.
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass

from . import analysis
from ._data import load

# Okabe & Ito (2008), safe for the common forms of colour blindness.
PALETTE = {"orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73", "yellow": "#F0E442",
           "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7", "grey": "#999999",
           "black": "#000000"}
STANCE_COLOURS = {"supports": PALETTE["blue"], "conditional": PALETTE["sky"],
                  "undecided": PALETTE["grey"], "opposes": PALETTE["vermillion"]}
ATTENDANCE_COLOURS = {"attended": PALETTE["blue"], "absent": PALETTE["orange"],
                      "not_applicable": "#DDDDDD"}
VERDICT_COLOURS = {"accurate": PALETTE["green"], "misleading": PALETTE["orange"],
                   "inaccurate": PALETTE["vermillion"], "unverifiable": PALETTE["grey"],
                   "opinion": PALETTE["purple"]}


@dataclass
class Chart:
    """A rendered figure with its alt text."""

    png: bytes
    alt: str
    title: str

    def _repr_html_(self) -> str:
        data = base64.b64encode(self.png).decode()
        return (f'<figure style="margin:0"><img src="data:image/png;base64,{data}" '
                f'alt="{html.escape(self.alt)}" style="max-width:100%"></figure>')

    def __repr__(self) -> str:
        return f"Figure: {self.title}. {self.alt}"

    def save(self, path) -> None:
        """Write the PNG to a file."""
        with open(path, "wb") as f:
            f.write(self.png)


def _pyplot():
    import matplotlib

    matplotlib.use("Agg", force=False) if not matplotlib.get_backend() else None
    import matplotlib.pyplot as plt

    return plt


def _finish(fig, title: str, source: str, alt: str) -> Chart:
    """Add the title and source line, render to PNG and close the figure."""
    plt = _pyplot()
    fig.suptitle(title, fontsize=13, fontweight="bold", x=0.01, ha="left")
    fig.text(0.01, 0.01, f"Source: {source}", fontsize=8, color="#333333", ha="left", va="bottom",
             wrap=True)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return Chart(buf.getvalue(), alt, title)


def _source_ids(frame) -> str:
    ids = sorted(set(frame["source_id"]))
    return f"data/{frame.attrs.get('source_file', 'tables')} rows citing {len(ids)} sources (see the sources table)"


def timeline_chart(events=None) -> Chart:
    """Events as dots on a date line, coloured and labelled by theme, the summit marked."""
    plt = _pyplot()
    events = analysis.timeline() if events is None else events
    themes = sorted(events["theme"].unique())
    colours = list(PALETTE.values())
    fig, ax = plt.subplots(figsize=(10, 0.32 * len(events) + 1.5))
    for i, (_, e) in enumerate(events.iterrows()):
        c = colours[themes.index(e["theme"]) % len(colours)]
        ax.plot(e["date"], i, "o", color=c, markersize=7)
        ax.annotate(f"{e['title']}  [{e['theme'].replace('_', ' ')}]", (e["date"], i),
                    xytext=(8, 0), textcoords="offset points", va="center", fontsize=8)
    ax.axvline(analysis.summit_date(), color=PALETTE["black"], linestyle="--", linewidth=1)
    ax.text(analysis.summit_date(), -1.2, "London summit", ha="center", fontsize=8)
    ax.set_yticks([])
    ax.invert_yaxis()
    ax.set_xlabel("Date (2025)")
    ax.spines[["left", "right", "top"]].set_visible(False)
    fig.autofmt_xdate()
    first, last = events["date"].min(), events["date"].max()
    alt = (f"Timeline of {len(events)} events from {first:%-d %B} to {last:%-d %B %Y}; "
           f"a dashed line marks the summit on {analysis.summit_date():%-d %B}.")
    return _finish(fig, "What happened before and after the London summit", _source_ids(events), alt)


# Rough positions on a grid (column, row) for a tile map; not to scale.
TILES = {
    "can": (0, 1), "usa": (0, 2),
    "nor": (4, 0), "swe": (5, 0), "fin": (6, 0), "est": (7, 0),
    "irl": (2, 1), "gbr": (3, 1), "dnk": (4, 1), "lva": (7, 1), "ltu": (6, 1),
    "nld": (3, 2), "bel": (3, 3), "deu": (4, 2), "pol": (5, 2), "ukr": (6, 2), "rus": (7, 2),
    "fra": (3, 4), "cze": (4, 3), "svk": (5, 3), "aut": (4, 4), "hun": (5, 4), "rou": (6, 4),
    "prt": (1, 5), "esp": (2, 5), "ita": (4, 5), "grc": (5, 6), "tur": (6, 5),
}


def attendance_map() -> Chart:
    """A tile-grid map: one square per state, coloured and labelled by whether it attended."""
    plt = _pyplot()
    from matplotlib.patches import Patch, Rectangle

    states = analysis.attendance("state").set_index("actor_id")
    fig, ax = plt.subplots(figsize=(9, 7))
    for code, (x, y) in TILES.items():
        if code not in states.index:
            continue
        status = states.loc[code, "at_summit"]
        ax.add_patch(Rectangle((x, -y), 0.92, 0.92, color=ATTENDANCE_COLOURS[status]))
        mark = {"attended": "\u2713 came", "absent": "\u2717 absent", "not_applicable": "n/a"}[status]
        text_colour = "white" if status == "attended" else "black"
        ax.text(x + 0.46, -y + 0.58, code.upper(), ha="center", va="center", fontsize=11,
                fontweight="bold", color=text_colour)
        ax.text(x + 0.46, -y + 0.28, mark, ha="center", va="center", fontsize=7, color=text_colour)
    orgs = analysis.attendance("organisation")
    orgs = orgs[orgs["at_summit"] == "attended"]
    ax.text(0, -6.6, "Also at the table: " + ", ".join(orgs["name"]), fontsize=9)
    ax.set_xlim(-0.2, 8.2)
    ax.set_ylim(-7, 1.2)
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
    for y, (v, k, r) in enumerate(zip(values, rows["kind"], rows["as_reported"])):
        ax.text(v, y, f"  {v:,.2f}bn  {k.replace('_', ' ')}", va="center", fontsize=8)
    ax.set_xlabel(f"Amount, billions of {currency} (converted at the data's dated rates where needed)")
    ax.set_ylabel("Figure (pledge id)")
    ax.spines[["right", "top"]].set_visible(False)
    ax.set_xlim(0, values.max() * 1.45 if len(values) else 1)
    alt = (f"Bar chart of {len(rows)} figures in billions of {currency}; the largest is "
           f"{rows.iloc[-1][label]} at {values.iloc[-1]:,.2f}bn." if len(rows) else "No figures to show.")
    return _finish(fig, f"Money figures around the summit, in {currency}", _source_ids(frame), alt)


def position_chart(matrix=None) -> Chart:
    """Actors × topics grid: colour for the stance and the stance written in each cell."""
    plt = _pyplot()
    matrix = analysis.position_matrix() if matrix is None else matrix
    fig, ax = plt.subplots(figsize=(1.7 * len(matrix.columns) + 3, 0.45 * len(matrix) + 1.5))
    for y, actor in enumerate(matrix.index):
        for x, topic in enumerate(matrix.columns):
            stance = matrix.loc[actor, topic]
            filled = isinstance(stance, str)
            stance = stance if filled else ""
            colour = STANCE_COLOURS.get(stance, "white") if filled else "white"
            ax.add_patch(plt.Rectangle((x, y), 0.95, 0.9, color=colour, ec="#cccccc"))
            ax.text(x + 0.47, y + 0.45, stance if filled else "–", ha="center", va="center", fontsize=8,
                    color="white" if stance in ("supports", "opposes") else "black")
    ax.set_xlim(0, len(matrix.columns))
    ax.set_ylim(len(matrix), 0)
    ax.set_xticks([x + 0.47 for x in range(len(matrix.columns))], matrix.columns, rotation=20, ha="right")
    ax.set_yticks([y + 0.45 for y in range(len(matrix))], matrix.index)
    ax.set_xlabel("Topic")
    ax.set_ylabel("Actor")
    ax.tick_params(length=0)
    ax.spines[:].set_visible(False)
    counts = matrix.stack().value_counts()
    alt = (f"Grid of {len(matrix)} actors by {len(matrix.columns)} topics; each filled cell names the "
           f"stance: " + ", ".join(f"{n} {s}" for s, n in counts.items()) + "; a dash means no stated position.")
    return _finish(fig, "Where they stood, February–March 2025", _source_ids(load("positions")), alt)


def verdict_chart() -> Chart:
    """Bars of how many of the seed article's claims got each verdict."""
    plt = _pyplot()
    counts = analysis.verdict_counts()
    fig, ax = plt.subplots(figsize=(7, 3.2))
    ax.bar(counts.index, counts.values, color=[VERDICT_COLOURS[v] for v in counts.index])
    for x, n in enumerate(counts.values):
        ax.text(x, n, str(n), ha="center", va="bottom", fontsize=9)
    ax.set_xlabel("Verdict")
    ax.set_ylabel("Number of claims")
    ax.spines[["right", "top"]].set_visible(False)
    alt = "Bar chart of the seed article's claims by verdict: " + ", ".join(f"{n} {v}" for v, n in counts.items()) + "."
    return _finish(fig, "What checking the seed article found", "data/claims.csv", alt)


def game_chart(game) -> Chart:
    """The payoff table of a truce game as a figure, the stable outcome outlined."""
    plt = _pyplot()
    from .game import MOVES

    fig, ax = plt.subplots(figsize=(5.5, 3.6))
    stable = set(game.equilibria())
    for i, a in enumerate(MOVES):
        for j, b in enumerate(MOVES):
            ax.add_patch(plt.Rectangle((j, i), 0.96, 0.94, fill=True,
                                       color=PALETTE["sky"] if (a, b) in stable else "#EEEEEE"))
            ax.text(j + 0.48, i + 0.45, f"A: {game.payoff(a, b):g}\nB: {game.payoff(b, a):g}"
                    + ("\nstable" if (a, b) in stable else ""), ha="center", va="center", fontsize=10)
    ax.set_xlim(0, 2)
    ax.set_ylim(2, 0)
    ax.set_xticks([0.48, 1.48], [f"B {m}s the truce" for m in MOVES])
    ax.set_yticks([0.45, 1.45], [f"A {m}s the truce" for m in MOVES])
    ax.set_xlabel("Side B's move (payoffs in points, chosen by you: a model, not data)")
    ax.tick_params(length=0)
    ax.spines[:].set_visible(False)
    alt = "Payoff table of the truce game. " + game.verdict()
    return _finish(fig, "The truce game", "a model; the numbers are the sliders' values, not facts", alt)
