"""Pure functions behind every widget and figure: each takes plain arguments and returns
a DataFrame or a number, so it can be tested (and used in an exercise) without a widget.
"""

from __future__ import annotations

from datetime import date

from ._data import derived, load
from ._data import reliability_label as reliability_label  # re-exported: what kind of source a row rests on
from ._data import source_name as source_name
from ._dates import long_date as long_date  # re-exported: lessons write a date as analysis.long_date(d)
from ._errors import LessonkitError, UnknownNameError
from ._facts import value

SUMMIT_EVENT = "london-summit"
PERIODS = ("before", "on", "after")
STANCE_ORDER = ("supports", "conditional", "undecided", "opposes")


def summit_date() -> date:
    """The date of the summit, from the events table.

    >>> summit_date().isoformat()
    '2025-03-02'
    """
    return value("events", SUMMIT_EVENT, "date").date()


def timeline(actor: str | None = None, theme: str | None = None, period: str | None = None):
    """Events in date order, optionally only those involving an actor, of a theme, or in a
    period ('before', 'on', 'after' the summit).

    >>> t = timeline(period="on")
    >>> set(t["date"].dt.date) == {summit_date()}
    True
    """
    events = load("events").sort_values(["date", "event_id"]).reset_index(drop=True)
    s = summit_date()
    events["period"] = ["before" if d.date() < s else "on" if d.date() == s else "after" for d in events["date"]]
    if period is not None:
        if period not in PERIODS:
            raise LessonkitError(f"period must be one of {', '.join(PERIODS)}, not {period!r}")
        events = events[events["period"] == period]
    if theme is not None:
        events = events[events["theme"] == theme]
    if actor is not None:
        involved = events["actor_ids"].fillna("").map(lambda ids: actor in ids.split(";")).astype(bool)
        events = events[involved]
    return events.reset_index(drop=True)


def attendance(kind: str | None = None):
    """States and organisations with whether they were at the summit, and who came for them.

    >>> a = attendance("state")
    >>> a.set_index("actor_id").loc["usa", "at_summit"]
    'absent'
    """
    actors = load("actors")
    people = actors[actors["kind"] == "person"]
    bodies = actors[actors["kind"] != "person"].copy()
    present = people[people["at_summit"] == "attended"]
    who = present.groupby("represents")["name"].apply(lambda s: ", ".join(s))
    bodies["represented_by"] = bodies["actor_id"].map(who)
    if kind is not None:
        bodies = bodies[bodies["kind"] == kind]
    return bodies.reset_index(drop=True)


def rate(base: str, quote: str, rate_id: str | None = None) -> tuple[float, str]:
    """An exchange rate (quote per base) and the id of the row it comes from.

    Uses the named row, else the first row for the pair, else the inverse of a row for the
    opposite pair. Raises LessonkitError when the data has no rate for the pair.

    >>> rate("GBP", "GBP")
    (1.0, '')
    """
    if base == quote:
        return 1.0, ""
    rates = load("exchange_rates")
    if rate_id is not None:
        row = rates[rates["rate_id"] == rate_id]
        if row.empty:
            raise UnknownNameError(f"no rate_id {rate_id!r} in exchange_rates.csv")
        r = row.iloc[0]
        if (r["base"], r["quote"]) == (base, quote):
            return float(r["rate"]), rate_id
        if (r["base"], r["quote"]) == (quote, base):
            return 1 / float(r["rate"]), rate_id
        raise LessonkitError(f"rate {rate_id!r} is {r['base']}->{r['quote']}, not {base}->{quote}")
    direct = rates[(rates["base"] == base) & (rates["quote"] == quote)]
    if not direct.empty:
        return float(direct.iloc[0]["rate"]), str(direct.iloc[0]["rate_id"])
    inverse = rates[(rates["base"] == quote) & (rates["quote"] == base)]
    if not inverse.empty:
        return 1 / float(inverse.iloc[0]["rate"]), str(inverse.iloc[0]["rate_id"])
    raise LessonkitError(f"the data has no exchange rate between {base} and {quote}")


def convert(amount: float, base: str, quote: str, rate_id: str | None = None) -> float:
    """Convert an amount between currencies with a dated rate from the data.

    >>> convert(100, "EUR", "EUR")
    100.0
    """
    r, _ = rate(base, quote, rate_id)
    return float(amount) * r


def pledges(donor: str | None = None, kind: str | None = None, currency: str | None = None,
            include_seed: bool = True):
    """Money and equipment figures, optionally filtered; ``include_seed=False`` drops the
    rows that only the seed article gives."""
    rows = load("pledges").sort_values(["announced", "pledge_id"])
    if donor is not None:
        rows = rows[rows["donor_id"] == donor]
    if kind is not None:
        rows = rows[rows["kind"] == kind]
    if currency is not None:
        rows = rows[rows["currency"] == currency]
    if not include_seed:
        rows = rows[rows["source_id"] != "seed-article"]
    return rows.reset_index(drop=True)


def in_currency(frame, quote: str, rate_ids: dict[str, str] | None = None):
    """Add a column ``amount_<quote>`` converting each row's amount with the data's rates.

    ``rate_ids`` may name the rate row to use per source currency.
    """
    rate_ids = rate_ids or {}
    out = frame.copy()
    factors = {c: rate(c, quote, rate_ids.get(c))[0] for c in out["currency"].dropna().unique()}
    out[f"amount_{quote}"] = [a * factors[c] if c in factors and a == a else float("nan")
                              for a, c in zip(out["amount"].astype("float64"), out["currency"])]
    return out


def versions(report_group: str):
    """Every reported version of one announcement, one row per source."""
    rows = load("pledges")
    rows = rows[rows["report_group"] == report_group]
    if rows.empty:
        raise UnknownNameError(f"no report_group {report_group!r} in pledges.csv")
    return rows[["pledge_id", "as_reported", "amount", "currency", "quantity", "source_id", "note"]] \
        .reset_index(drop=True)


def positions(actor: str | None = None, topic: str | None = None):
    """Positions with actor and topic names, optionally for one actor or topic."""
    rows = derived("named positions", _named_positions)
    if actor is not None:
        rows = rows[rows["actor_id"] == actor]
    if topic is not None:
        rows = rows[rows["topic_id"] == topic]
    return rows.reset_index(drop=True)  # a new frame: changing it leaves the one kept unchanged


def _named_positions():
    rows = load("positions")
    actors = load("actors").set_index("actor_id")["name"]
    topics = load("topics").set_index("topic_id")["name"]
    rows["actor"] = rows["actor_id"].map(actors)
    rows["topic"] = rows["topic_id"].map(topics)
    rows["speaker"] = rows["quote_speaker_id"].map(actors)
    return rows.sort_values(["date", "position_id"])


def position_matrix(actors: list[str] | None = None):
    """Actors × topics: the latest stance each actor stated on each topic (empty if none).

    >>> m = position_matrix()
    >>> set(m.stack().dropna().unique()) <= {"supports", "conditional", "undecided", "opposes"}
    True
    """
    rows = positions()
    if actors is not None:
        rows = rows[rows["actor_id"].isin(actors)]
    latest = rows.sort_values("date").groupby(["actor", "topic"])["stance"].last()
    matrix = latest.unstack("topic")
    order = [t for t in load("topics")["name"] if t in matrix.columns]
    return matrix[order]


def disagreements(topic: str):
    """For one topic, the actors on each stance (where allies part ways)."""
    rows = positions(topic=topic).sort_values("date").groupby("actor").last()
    return {s: sorted(rows.index[rows["stance"] == s]) for s in STANCE_ORDER if (rows["stance"] == s).any()}


def claims(verdict: str | None = None):
    """The seed article's claims with their verdicts, in the order of the article."""
    rows = load("claims")
    if verdict is not None:
        rows = rows[rows["verdict"] == verdict]
    return rows.reset_index(drop=True)


def per_announcement(frame, currency: str = "GBP"):
    """One row per announcement (``report_group``): of its versions printed in ``currency``,
    the one with the middle amount (the lower middle if there is an even number), so one odd
    report does not decide; among equal amounts, the row listed first in pledges.csv.

    Rows with no report_group or no amount, and announcements with no version in
    ``currency``, are left out. Raises LessonkitError for a currency the data does not use.

    >>> uk = per_announcement(pledges(donor="gbr", include_seed=False)).set_index("report_group")
    >>> uk.loc["uk-era-loan-signed-2025-03-01", "pledge_id"]
    'uk-era-loan-ht-gbp'
    >>> uk.loc["uk-lmm-export-finance-2025-03-02", "pledge_id"]
    'uk-lmm-ef-pm-remarks'
    """
    known = set(load("pledges")["currency"].dropna())
    if currency not in known:
        raise LessonkitError(f"currency must be one of {', '.join(sorted(known))}, not {currency!r}")
    order = {p: i for i, p in enumerate(load("pledges")["pledge_id"])}
    rows = frame[frame["report_group"].notna() & frame["amount"].notna() & (frame["currency"] == currency)]
    rows = rows.assign(_order=[order.get(p, len(order)) for p in rows["pledge_id"]])
    picked = []
    for _, group in rows.groupby("report_group", sort=False):
        amounts = sorted(group["amount"])
        middle = amounts[(len(amounts) - 1) // 2]
        picked.append(group[group["amount"] == middle].sort_values("_order").index[0])
    return rows.loc[picked].drop(columns="_order").sort_values(["announced", "pledge_id"]).reset_index(drop=True)
