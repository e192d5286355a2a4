"""Lesson 4, Where they stand: stances that changed, quotes to attribute, and the answers of
its exercises, computed from the positions table (a corrected row corrects the exercise)."""

from __future__ import annotations

from .. import analysis
from .._data import load, source_name
from .._facts import row

TROOPS = "european-troops"
# Five quotes to attribute, labelled A, B, C... in this order (exercise positions.speakers).
SPEAKER_QUOTES = ("gbr-european-troops-20250227", "ita-european-troops-20250304", "rus-european-troops-20250306",
                  "usa-us-role-20250226", "pol-us-role-20250217")
WHO_SAID = "ukr-ceasefire-20250302"
# Four US voices on European troops, to weigh against each other (exercise positions.us_voices).
US_VOICES = ("witkoff-european-troops-20250324", "usa-european-troops-20250224", "vance-european-troops-20250303",
             "usa-european-troops-20250212")
# The actors whose positions are Russia's and the United States' reactions.
RUSSIAN = ("rus", "medvedev", "kosachev", "slutsky")
AMERICAN = ("usa", "vance", "witkoff")


def changed_positions(topic: str | None = None):
    """Actors whose recorded stance on a topic changed over time: one row per actor and
    topic, with the stances in date order (``history``) and the first and last dates.

    >>> c = changed_positions("ceasefire").set_index("actor")
    >>> c.loc["United Kingdom", "history"]
    'conditional → undecided → supports'
    """
    import pandas as pd

    rows = analysis.positions(topic=topic)  # in date order
    history: dict[tuple, list] = {}
    for actor, name, stance, day in zip(rows["actor"], rows["topic"], rows["stance"], rows["date"]):
        if not (pd.isna(actor) or pd.isna(name)):
            history.setdefault((actor, name), []).append((stance, day))
    out = [{"actor": actor, "topic": name, "history": " → ".join(s for s, _ in said),
            "first": said[0][1], "last": said[-1][1]}
           for (actor, name), said in history.items() if len({s for s, _ in said}) > 1]
    return pd.DataFrame(out, columns=["actor", "topic", "history", "first", "last"]) \
        .sort_values(["topic", "actor"]).reset_index(drop=True)


def attendee_stances(topic: str = TROOPS) -> dict[str, list[str]]:
    """For the states and organisations at the summit: stance → names, latest stance on a topic.

    >>> sorted(attendee_stances())[:2]
    ['conditional', 'opposes']
    """
    actors = load("actors")
    present = set(actors.loc[actors["at_summit"] == "attended", "name"])
    return {stance: [n for n in names if n in present]
            for stance, names in analysis.disagreements(topic).items() if set(names) & present}


def troop_split() -> str:
    """How the summit's states and organisations split on European troops, in one sentence
    of counts (no names: exercise positions.allies asks for them).

    >>> "said 'supports'" in troop_split()
    True
    """
    stances = attendee_stances()
    total = sum(len(v) for v in stances.values())
    support = len(stances.get("supports", []))
    share = ("all of them" if support == total else "more than half" if 2 * support > total
             else "exactly half" if 2 * support == total else "fewer than half" if support else "none of them")
    parts = ", ".join(f"{len(v)} {stance}" for stance, v in stances.items())
    return (f"The data: of the {total} states and organisations at the summit with a position on European "
            f"troops, {support} said 'supports': {share} ({parts}).")


def attended_not_supporting() -> list[str]:
    """Actors at the summit whose latest stance on European troops is anything but 'supports', sorted."""
    return sorted(n for stance, names in attendee_stances().items() if stance != "supports" for n in names)


def speaker_name(position_id: str) -> str:
    """The name of whoever said a position's quote."""
    return row("actors", row("positions", position_id)["quote_speaker_id"])["name"]


def quote_labels() -> dict[str, str]:
    """Label (A, B, ...) → position id of each quote to attribute."""
    return {chr(ord("A") + i): p for i, p in enumerate(SPEAKER_QUOTES)}


def quotes_to_match() -> str:
    """The quotes of exercise positions.speakers, labelled, and their speakers in alphabetical order."""
    lines = [f"{label}: “{row('positions', p)['quote']}”" for label, p in quote_labels().items()]
    speakers = sorted(speaker_name(p) for p in SPEAKER_QUOTES)
    return "\n".join(lines) + "\n\nSpeakers: " + "; ".join(speakers)


def speakers() -> dict[str, str]:
    """The answer to positions.speakers: label → speaker's name."""
    return {label: speaker_name(p) for label, p in quote_labels().items()}


def who_said() -> list[str]:
    """The answers accepted for positions.who: the speaker's full name and surname."""
    name = speaker_name(WHO_SAID)
    return [name, name.split()[-1]]


def quote_sources():
    """The reveal of positions.speakers: each label with its speaker, date and source."""
    import pandas as pd

    rows = [row("positions", p) for p in SPEAKER_QUOTES]
    return pd.DataFrame({"quote": list(quote_labels()), "speaker": [speaker_name(p) for p in SPEAKER_QUOTES],
                         "date": [r["date"] for r in rows], "source": [source_name(r["source_id"]) for r in rows]})


def us_voices() -> str:
    """The speakers of exercise positions.us_voices, in the order of US_VOICES (not by date)."""
    return "; ".join(speaker_name(p) for p in US_VOICES)


def reactions(actor_ids: tuple[str, ...], topic: str | None = None):
    """One short row per recorded position of these actors (on one topic id, if given): who
    spoke, when, on what, the stance and the source. A table to read after the exercises."""
    rows = analysis.positions(topic=topic)
    rows = rows[rows["actor_id"].isin(actor_ids)]
    return rows.assign(speaker=rows["speaker"].fillna(rows["actor"]),
                       source=[source_name(s) for s in rows["source_id"]])[
        ["date", "speaker", "topic", "stance", "source"]].reset_index(drop=True)


def quotes(speaker: str | None = None, topic: str | None = None):
    """The quotes of one speaker (a name, as printed) or on one topic id, with date and source.

    The static view of the quote explorer: a few rows at a time, never all of them.

    >>> len(quotes("Keir Starmer")) > 0
    True
    """
    from .._errors import LessonkitError

    rows = analysis.positions(topic=topic)
    rows = rows[rows["quote"].notna()]
    if speaker is not None:
        known = sorted(set(rows["speaker"].dropna()))
        if speaker not in known:
            raise LessonkitError(f"no quote by {speaker!r} in the data; speakers: {', '.join(known)}")
        rows = rows[rows["speaker"] == speaker]
    rows = rows.assign(source=[source_name(s) for s in rows["source_id"]])
    return rows[["date", "speaker", "topic", "quote", "quote_english", "source"]] \
        .rename(columns={"quote_english": "in English"}).reset_index(drop=True)


def split_shows() -> list[str]:
    """What the reveal of positions.split shows: the sentence of counts."""
    return [troop_split()]


def speakers_why() -> dict[str, str]:
    """positions.speakers' feedback on a wrong match: whose country's stance the quote takes."""
    out = {}
    for label, p in quote_labels().items():
        r = row("positions", p)
        country = row("actors", r["actor_id"])["name"]
        out[label] = f"it comes from row {p}, a position of {country} ({r['stance']})."
    return out
