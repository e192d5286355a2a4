"""Lesson 0, Start here: the map of the lessons, and the answers its practice exercises
compute from the data."""

from __future__ import annotations

from typing import Any

from .._data import load, table_names
from ..analysis import PERIODS, timeline


def lessons_in_order():
    """The lessons in teaching order, from ``lessons.toml`` (the one ordered list): number,
    title, key, file and minutes.

    >>> m = lessons_in_order()
    >>> list(m.columns)
    ['lesson', 'title', 'key', 'file', 'minutes']
    >>> m.loc[0, "key"]
    'start'
    """
    import tomllib

    import pandas as pd

    from .._paths import lessons_toml

    entries = tomllib.loads(lessons_toml().read_text(encoding="utf-8"))["lesson"]
    frame = pd.DataFrame([{"lesson": n, "title": e["title"], "key": e["key"], "file": e["file"],
                           "minutes": e["minutes"]} for n, e in enumerate(entries)])
    frame["minutes"] = frame["minutes"].astype("Int64")
    return frame


def host_names() -> list[str]:
    """The full name and the surname of the person who represented the host state."""
    actors = load("actors")
    host = actors.loc[actors["attendance_note"].fillna("").str.startswith("Host"), "actor_id"]
    people = actors[(actors["kind"] == "person") & actors["represents"].isin(set(host))
                    & (actors["at_summit"] == "attended")]
    names = list(people["name"])
    return names + [n.split()[-1] for n in names]


def n_tables() -> int:
    """How many tables the data package holds."""
    return len(table_names())


def events_before() -> int:
    """How many events of the timeline happened before the day of the summit."""
    return len(timeline(period="before"))


PERIOD_GUESSES = {"a": "before", "b": "after", "c": "same"}


def period_counts() -> dict[str, int]:
    """How many events of the timeline fall before, on and after the day of the summit.

    >>> sorted(period_counts()) == sorted(PERIODS)
    True
    """
    return {p: len(timeline(period=p)) for p in PERIODS}


def reveal_periods(guess: Any) -> str:
    """The counts before and after the summit, set beside the student's guess (a letter of
    the prediction ``start.busier``, or None if no guess was saved).

    >>> "before the summit" in reveal_periods(...)
    True
    """
    counts = period_counts()
    before, after = counts["before"], counts["after"]
    found = "before" if before > after else "after" if after > before else "same"
    said = {"before": "more events before the summit", "after": "more events after the summit",
            "same": "as many events before the summit as after it"}
    dates = timeline()["date"].dt.date
    summit = timeline(period="on")["date"].dt.date.iloc[0]
    lines = [f"The timeline has {before} events before the summit, {counts['on']} on the day "
             f"and {after} after it: {said[found]}. It starts {(summit - dates.min()).days} days "
             f"before the summit and ends {(dates.max() - summit).days} days after it."]
    letter = guess.strip().lower() if isinstance(guess, str) else None
    if letter not in PERIOD_GUESSES:
        lines.append("You have not saved a guess yet: run the prediction cell above with your guess, "
                     "then this cell again.")
    elif PERIOD_GUESSES[letter] == found:
        lines.append(f"You guessed ({letter}): the data agrees with you.")
    else:
        lines.append(f"You guessed ({letter}): the data says otherwise. That is fine: a guess is "
                     "there to be compared. Remember the timeline is what this module's sources "
                     "recorded, not everything that happened.")
    return "\n".join(lines)


def busier_shows() -> list[int]:
    """What the reveal of start.busier shows: the events before and after the summit."""
    counts = period_counts()
    return [counts["before"], counts["after"]]
