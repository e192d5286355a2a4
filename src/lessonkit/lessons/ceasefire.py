"""Lesson 5, The ceasefire question: the settings of its truce-game exercises, and their
answers, computed from the data (who proposed what, in which order) or from the game."""

from __future__ import annotations

from .._data import load
from .._facts import row, value
from ..game import TruceGame, smallest_stable_penalty

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
PUTIN_REPLY = "rus-ceasefire-20250313"


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
