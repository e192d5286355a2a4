"""The capstone's actors and their role cards: what the data says about each state or
organisation a student can play, and the money it announced, one row per announcement.

Lesson 7 (:mod:`lessonkit.lessons.capstone`) and its role-card explorer
(:mod:`lessonkit.widgets`) both read them from here.
"""

from __future__ import annotations

from ._data import derived, load
from ._errors import UnknownNameError
from .analysis import attendance, in_currency, per_announcement, pledges, positions, timeline


def announcements(donor: str | None = None, recipient: str | None = None, currency: str = "GBP",
                  include_seed: bool = False):
    """One row per announcement (``report_group``) instead of one per report, in one currency.

    Sources often report the same announcement with different figures. The amount kept is
    the one :func:`per_announcement` picks (the middle of the versions printed in
    ``currency``, so one outlet's typo cannot move it); only when no version uses that
    currency is the middle of the others, converted with the data's dated rates, used.
    Unlike :func:`per_announcement` it keeps announcements with no amount (NaN), counts the
    reports behind each row (``versions``) and joins how they were printed (``as_reported``).

    >>> a = announcements("gbr").set_index("report_group")
    >>> float(a.loc["uk-era-loan-signed-2025-03-01", "amount_GBP"]) / 1e9
    2.26
    """
    return derived(("announcements", donor, recipient, currency, include_seed),
                   lambda: _announcements(donor, recipient, currency, include_seed)).reset_index(drop=True)


def _announcements(donor: str | None, recipient: str | None, currency: str, include_seed: bool):
    from statistics import median_low

    rows = pledges(donor=donor, include_seed=include_seed)
    if recipient is not None:
        rows = rows[rows["recipient_id"] == recipient]
    native = per_announcement(rows, currency).set_index("report_group")["amount"] \
        if currency in set(load("pledges")["currency"].dropna()) else {}
    order = {p: i for i, p in enumerate(load("pledges")["pledge_id"])}
    out = []
    for group, g in rows.groupby("report_group", sort=False):
        with_amount = g[g["amount"].notna()]
        if group in native:
            amount = float(native[group])
        elif not with_amount.empty:
            converted = in_currency(with_amount, currency)[f"amount_{currency}"]
            amount = float(median_low(converted))
        else:
            amount = float("nan")
        first = g.loc[g["pledge_id"].map(order).idxmin()]  # the version listed first in pledges.csv
        out.append({"report_group": group, "announced": g["announced"].min(), "donor_id": first["donor_id"],
                    "recipient_id": first["recipient_id"], "kind": first["kind"], "item": first["item"],
                    f"amount_{currency}": amount, "versions": len(g),
                    "as_reported": " | ".join(dict.fromkeys(g["as_reported"].dropna()))})
    import pandas as pd

    columns = ["report_group", "announced", "donor_id", "recipient_id", "kind", "item",
               f"amount_{currency}", "versions", "as_reported"]
    frame = pd.DataFrame(out, columns=columns)
    return frame.sort_values(["announced", "report_group"]).reset_index(drop=True)


# The actors students can play in the capstone (states and organisations with positions).
ROLE_ACTORS = ("gbr", "fra", "ukr", "deu", "ita", "pol", "eu-commission", "nato", "usa", "rus", "hun", "can")


def role_card(actor_id: str) -> dict:
    """Everything the data says about one state or organisation, for a capstone role card.

    Returns a dict: ``name``, ``kind``, ``at_summit``, ``attendance_note``,
    ``represented_by`` (who came for it, or None), ``positions`` (its own stated positions,
    oldest first), ``linked_positions`` (positions of people from its side recorded under
    their own name, such as a leader not yet in office), ``announcements`` (money it
    announced, one row per announcement, in GBP), ``events`` (events it took part in) and
    ``later_changes`` (its people whose role changed after the summit, with date and source).

    >>> card = role_card("ita")
    >>> card["name"], card["at_summit"], len(card["positions"]) > 0
    ('Italy', 'attended', True)

    Raises UnknownNameError for an id that is not a state or organisation.
    """
    actors = load("actors").set_index("actor_id")
    if actor_id not in actors.index or actors.loc[actor_id, "kind"] == "person":
        choices = ", ".join(ROLE_ACTORS)
        raise UnknownNameError(f"no state or organisation {actor_id!r} in actors.csv; try one of {choices}")
    a = actors.loc[actor_id]
    people = actors[(actors["kind"] == "person") & (actors["represents"] == actor_id)]
    who = attendance().set_index("actor_id")["represented_by"].get(actor_id)
    said = positions()
    return {
        "actor_id": actor_id,
        "name": a["name"],
        "kind": a["kind"],
        "at_summit": a["at_summit"],
        "attendance_note": a["attendance_note"] if isinstance(a["attendance_note"], str) else None,
        "represented_by": who if isinstance(who, str) else None,
        "positions": said[said["actor_id"] == actor_id].reset_index(drop=True),
        "linked_positions": said[said["actor_id"].isin(people.index)].reset_index(drop=True),
        "announcements": announcements(donor=actor_id),
        "events": timeline(actor=actor_id),
        "later_changes": people[people["later_note"].notna()].reset_index(),
        "source_id": a["source_id"],
    }
