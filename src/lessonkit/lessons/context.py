"""Lesson 1, The weekend in context: the answers its exercises compute from the events
table, the reveal of its prediction, and its timeline figure."""

from __future__ import annotations

from typing import Any

from .. import plots
from .._data import load
from .._dates import long_date
from .._facts import value
from .._figure_cache import cached
from ..analysis import summit_date, timeline
from ..labels import label as label_of

# Shown to students in this (shuffled) order; the right order comes from the dates.
ORDER_EVENTS = ("jeddah-talks", "vance-munich", "us-aid-pause", "oval-office-clash",
                "paris-emergency-meeting", "london-summit")
GAP = ("oval-office-clash", "jeddah-talks")
PAUSE = ("london-summit", "us-aid-pause")


def events_by_date() -> list[str]:
    """The events of ORDER_EVENTS, earliest first."""
    events = load("events").set_index("event_id").loc[list(ORDER_EVENTS)]
    return list(events.sort_values("date").index)


def _days(first: str, second: str) -> int:
    return (value("events", second, "date") - value("events", first, "date")).days


def gap_days() -> int:
    """Days from the Oval Office clash to the Jeddah talks.

    >>> gap_days() > 0
    True
    """
    return _days(*GAP)


def gap_days_counting_both() -> int:
    """The usual slip: counting both the first and the last day."""
    return gap_days() + 1


def us_after() -> int:
    """How many events after the summit involve the United States."""
    return len(timeline(actor="usa", period="after"))


def reveal_pause(guess: Any) -> str:
    """How many days after the summit the US paused its aid, set beside the student's guess
    (a number of days, or None if no guess was saved).

    >>> "not saved a guess" in reveal_pause(None)
    True
    """
    days = _days(*PAUSE)
    line = f"The data: {days} day{'s' if days != 1 else ''} after the summit."
    if isinstance(guess, str) and guess.strip():
        return line + f" Your guess was {guess.strip()!r}."
    if isinstance(guess, bool) or not isinstance(guess, (int, float)):
        return line + (" You have not saved a guess yet (a number of days): run the prediction cell above with "
                       "your guess, then this cell again.")
    if guess == days:
        return line + f" You guessed {guess:g}: exactly right."
    return line + (f" You guessed {guess:g}, {abs(guess - days):g} day{'s' if abs(guess - days) != 1 else ''} "
                   f"{'more' if guess > days else 'less'}: "
                   f"{'it came sooner than you expected' if guess > days else 'it came later than you expected'}.")


@cached
def timeline_chart(events=None) -> plots.Chart:
    """Events as dots on a date line, coloured and labelled by theme, the summit marked."""
    plt = plots._pyplot()
    import pandas as pd
    events = timeline() if events is None else events
    themes = sorted(events["theme"].unique())
    colours = list(plots.PALETTE.values())
    fig, ax = plt.subplots(figsize=(6.6, 0.38 * len(events) + 1.5))
    for i, (_, e) in enumerate(events.iterrows()):
        c = colours[themes.index(e["theme"]) % len(colours)]
        ax.plot(e["date"], i, "o", color=c, markersize=7, zorder=3)
        ax.annotate(f"{e['title']}  [{label_of(e['theme'])}]", (e["date"], i),
                    xytext=(8, 0), textcoords="offset points", va="center", fontsize=10, zorder=3,
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5})
    ax.axvline(summit_date(), color=plots.PALETTE["grey"], linestyle="--", linewidth=1, zorder=1)
    ax.text(summit_date(), -1.2, "London summit", ha="center", fontsize=10)
    ax.set_yticks([])
    ax.set_ylim(len(events), -2)
    ax.set_xlim(events["date"].min() - pd.Timedelta(days=2), events["date"].max() + pd.Timedelta(days=20))
    plots._day_month_axis(ax)
    ax.set_xlabel("Date (2025)")
    ax.spines[["left", "right", "top"]].set_visible(False)
    first, last = events["date"].min(), events["date"].max()
    alt = (f"Timeline of {len(events)} events from {long_date(first, year=False)} to {long_date(last)}; "
           f"a dashed line marks the summit on {long_date(summit_date(), year=False)}.")
    return plots._finish(fig, "What happened before and after the London summit", plots._source_ids(events), alt)


def pause_shows() -> list[int]:
    """What the reveal of context.pause shows: the days from the summit to the aid pause."""
    return [_days(*PAUSE)]


def order_why() -> dict[str, str]:
    """context.order's feedback on an event out of place: its date, from its row."""
    return {e: f"the row dates it {long_date(value('events', e, 'date'))}." for e in ORDER_EVENTS}
