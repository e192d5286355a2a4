"""Lesson 5, The ceasefire question: the settings of its truce-game exercises and their
answers, computed from the data (who proposed what, in which order) or from the game, and
its two figures (stances on a topic over time; truce games side by side)."""

from __future__ import annotations

from .. import analysis, plots
from .._data import load
from .._dates import long_date
from .._facts import row, value
from .._figure_cache import cached
from ..game import MOVES, TruceGame, smallest_stable_penalty

# How exercise ceasefire.proposers names each idea → the positions row that records who made it.
PROPOSALS = {
    "the one-month partial truce": "fra-ceasefire-20250303",
    "the full ceasefire Ukraine accepted at Jeddah": "usa-ceasefire-20250311",
    "the pause in strikes on energy infrastructure": "usa-ceasefire-20250318",
    "direct EU talks with Russia on a ceasefire": "hun-ceasefire-20250301",
}
# Five events to put in date order (exercise ceasefire.order), deliberately not in date order.
ORDER_EVENTS = ("trump-putin-call-march", "partial-truce-proposal", "black-sea-talks", "putin-response",
                "jeddah-talks")
# The games of exercises ceasefire.penalty and ceasefire.holds.
PENALTY_GAME = {"gain": 6, "verification": 0.75}
CHANCES = (0, 0.25, 0.5, 0.75, 1)
HOLD_GAME = {"gain": 4, "penalty": 10}


def proposers() -> dict[str, str]:
    """The answer to ceasefire.proposers: idea → the name of the state that proposed it."""
    return {idea: row("actors", value("positions", pid, "actor_id"))["name"] for idea, pid in PROPOSALS.items()}


def events_by_date() -> list[str]:
    """The answer to ceasefire.order: ORDER_EVENTS sorted by the date in the events table."""
    events = load("events").set_index("event_id").loc[list(ORDER_EVENTS)]
    return list(events.sort_values("date").index)


def smallest_penalty() -> float:
    """The answer to ceasefire.penalty: the smallest penalty that makes keeping the truce stable.

    >>> smallest_penalty()
    8.0
    """
    return smallest_stable_penalty(**PENALTY_GAME)


def gain_alone() -> float:
    """A trap of ceasefire.penalty: the gain, enough only if every break were seen."""
    return float(PENALTY_GAME["gain"])


def gain_times_chance() -> float:
    """A trap of ceasefire.penalty: the gain multiplied by the chance, instead of divided."""
    return PENALTY_GAME["gain"] * PENALTY_GAME["verification"]


def chances_that_hold() -> list[float]:
    """The answer to ceasefire.holds: the CHANCES at which both keeping the truce is stable."""
    return [c for c in CHANCES if ("keep", "keep") in TruceGame(verification=c, **HOLD_GAME).equilibria()]


@cached
def truce_games_chart(games: dict) -> plots.Chart:
    """Payoff tables of several truce games side by side (e.g. without and with guarantees),
    each titled with its label and its stable outcome outlined and named.

    ``games`` maps a short label to a :class:`lessonkit.game.TruceGame`.
    """
    import textwrap

    from matplotlib.figure import Figure

    fig = Figure(figsize=(5.2 * len(games), 4.4))
    axes = fig.subplots(1, len(games), squeeze=False)
    for ax, (label, game) in zip(axes[0], games.items()):
        stable = set(game.equilibria())
        for i, a in enumerate(MOVES):
            for j, b in enumerate(MOVES):
                on = (a, b) in stable
                ax.add_patch(plots._rectangle((j, i), 0.96, 0.94, color=plots.PALETTE["sky"] if on else "#EEEEEE",
                                           ec=plots.PALETTE["blue"] if on else "none", lw=2.5 if on else 0))
                ax.text(j + 0.48, i + 0.45, f"A gets {game.payoff(a, b):g}\nB gets {game.payoff(b, a):g}"
                        + ("\n\u2605 stable" if on else ""), ha="center", va="center", fontsize=10,
                        fontweight="bold" if on else "normal")
        ax.set_xlim(0, 2)
        ax.set_ylim(2, 0)
        ax.set_xticks([0.48, 1.48], [f"B {m}s" for m in MOVES])
        ax.set_yticks([0.45, 1.45], [f"A {m}s" for m in MOVES])
        ax.set_xlabel("Side B's move (points: chosen, not measured)")
        ax.tick_params(length=0)
        ax.spines[:].set_visible(False)
        settings = (f"gain {game.gain:g}, penalty {game.penalty:g}, chance seen {game.verification:g}, "
                    f"peace {game.peace:g}, war cost {game.war_cost:g}")
        ax.set_title(f"{label}\n{settings}", fontsize=9.5, loc="left")
    plots._room_for_source_line(fig)
    fig.subplots_adjust(wspace=0.45, top=0.78)
    alt = "Payoff tables of the truce game side by side. " + " ".join(
        f"{label}: {textwrap.shorten(game.verdict(), 90)}" for label, game in games.items())
    return plots._finish(fig, "The truce game: what changes the stable outcome",
                   "a model; the points are chosen values, not data about the war", alt)


@cached
def stance_timeline_chart(topic: str, theme: str | None = None, actors: list[str] | None = None) -> plots.Chart:
    """Who said what on one topic, and when: one row per actor, a dot per recorded position
    coloured and labelled by stance; events of ``theme`` are marked as lettered dashed lines."""
    rows = analysis.positions(topic=topic)
    if actors is not None:
        rows = rows[rows["actor_id"].isin(actors)]
    order = list(dict.fromkeys(rows.sort_values(["date", "actor"])["actor"]))
    events = analysis.timeline(theme=theme) if theme else None
    fig, ax = plots._figure(8.2, 0.75 * len(order) + 2.0)
    last_label: dict = {}  # actor -> date of its last label, to put a close neighbour's label below the dot
    for _, p in rows.sort_values("date").iterrows():
        y = order.index(p["actor"])
        ax.plot(p["date"], y, "o", color=plots.STANCE_COLOURS[p["stance"]], markersize=11, markeredgecolor="black",
                markeredgewidth=0.5)
        crowded = p["actor"] in last_label and (p["date"] - last_label[p["actor"]]).days < 5
        ax.annotate(p["stance"], (p["date"], y), xytext=(0, -10 if crowded else 9), textcoords="offset points",
                    ha="center", va="top" if crowded else "bottom", fontsize=9.5)
        last_label[p["actor"]] = p["date"]
    key = []
    if events is not None:
        for n, (_, e) in enumerate(events.iterrows()):
            letter = chr(ord("A") + n)
            ax.axvline(e["date"], color=plots.PALETTE["grey"], linestyle="--", linewidth=1, zorder=0)
            ax.text(e["date"], -0.9, letter, ha="center", va="bottom", fontsize=10, fontweight="bold")
            key.append(f"{letter}  {long_date(e['date'], year=False, short_month=True)}: {e['title']}")
    ax.axvline(analysis.summit_date(), color=plots.PALETTE["black"], linestyle=":", linewidth=1, zorder=0)
    ax.text(analysis.summit_date(), len(order) - 0.35, " London summit", fontsize=9.5, va="bottom")
    ax.set_yticks(range(len(order)), order, fontsize=10.5)
    ax.set_ylim(len(order) - 0.2, -1.2)
    ax.set_ylabel("Actor", fontsize=11)
    ax.set_xlabel("Date of the statement (2025)", fontsize=11)
    import matplotlib.dates as mdates

    ax.xaxis.set_major_locator(mdates.WeekdayLocator(byweekday=mdates.MO))
    plots._day_month_axis(ax)
    ax.spines[["right", "top"]].set_visible(False)
    from matplotlib.lines import Line2D

    ax.tick_params(axis="x", labelsize=10)
    ax.legend(handles=[Line2D([], [], marker="o", linestyle="", color=c, markersize=11, label=s)
                       for s, c in plots.STANCE_COLOURS.items() if s in set(rows["stance"])],
              loc="lower left", bbox_to_anchor=(0, 1.0), ncol=4, frameon=False, fontsize=11)
    if key:  # under the chart, not beside it: a wider figure would be shrunk to fit the screen
        ax.annotate("Events (dashed lines)\n" + "\n".join(key), (0, 0), xycoords="axes fraction",
                    xytext=(0, -50), textcoords="offset points", fontsize=10, va="top", ha="left",
                    linespacing=1.5)
    plots._room_for_source_line(fig)
    topic_name = load("topics").set_index("topic_id").loc[topic, "name"]
    alt = (f"Dot chart of {len(rows)} recorded positions on the topic {topic_name} by {len(order)} actors, in date "
           f"order: " + "; ".join(f"{p['actor']} {p['stance']} on {long_date(p['date'], year=False)}" for _, p in
                                  rows.sort_values('date').iterrows()) + "."
           + (" Lettered lines mark events: " + "; ".join(key) + "." if key else ""))
    return plots._finish(fig, f"{topic_name}: who said what, and when", "data/positions.csv and data/events.csv "
                   "(each row cites its source; see the sources table)", alt)


def putin_shows() -> list[str]:
    """What the reveal of ceasefire.putin shows: the summary of Putin's answer."""
    from .._facts import row

    return [str(row("positions", "rus-ceasefire-20250313")["summary"])]


def order_why() -> dict[str, str]:
    """ceasefire.order's feedback on an event out of place: its date, from its row."""
    return {e: f"the row dates it {long_date(value('events', e, 'date'))}." for e in ORDER_EVENTS}


def proposers_why() -> dict[str, str]:
    """ceasefire.proposers' feedback on a wrong match: the positions row that records the idea."""
    return {idea: f"row {pid} records who put it forward: {value('positions', pid, 'summary')}"
            for idea, pid in PROPOSALS.items()}


HOLD_LETTERS = dict(zip("abcde", CHANCES))  # the options of ceasefire.holds, one per chance


def holds_letters() -> list[str]:
    """The answer to ceasefire.holds: the letters of the chances at which the truce holds."""
    held = chances_that_hold()
    return [letter for letter, chance in HOLD_LETTERS.items() if chance in held]
