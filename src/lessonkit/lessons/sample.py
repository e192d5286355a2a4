"""The sample lesson (tests/sample/sample.md), which tests the exercise machinery: its answers
computed from the data."""

from .._data import load
from .._facts import row, value

ORDER_EVENTS = ("london-summit", "paris-emergency-meeting", "oval-office-clash")
MATCH_PEOPLE = ("starmer", "macron", "rutte")


def summit_year() -> int:
    """The year of the London summit."""
    return value("events", "london-summit", "date").year


def missiles_bn_gbp() -> float:
    """The missile deal in billions of pounds."""
    return value("pledges", "uk-lmm-ef-pm-remarks", "amount") / 1e9


def missiles_bn_eur() -> float:
    """The same deal in billions of euros (a trap: the wrong currency)."""
    return missiles_bn_gbp() * value("exchange_rates", "market-gbp-eur-2025-03-03", "rate")


def events_by_date() -> list[str]:
    """Three events, earliest first."""
    events = load("events").set_index("event_id").loc[list(ORDER_EVENTS)]
    return list(events.sort_values("date").index)


def people_roles() -> dict[str, str]:
    """Three people, each with their role."""
    return {row("actors", p)["name"]: row("actors", p)["role"] for p in MATCH_PEOPLE}


def attending_states() -> int:
    """How many states attended the summit."""
    actors = load("actors")
    return int(((actors["kind"] == "state") & (actors["at_summit"] == "attended")).sum())
