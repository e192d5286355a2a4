"""Lesson 1, The weekend in context: the answers its exercises compute from the events
table, and the reveal of its prediction."""

from __future__ import annotations

from typing import Any

from .._data import load
from .._facts import value
from ..analysis import timeline

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
