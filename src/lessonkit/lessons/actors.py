"""Lesson 2, Who was at the table: head counts under different rules, the answers its
exercises compute from the actors table, and the reveal of its prediction."""

from __future__ import annotations

from typing import Any

from .._data import load
from .._facts import row

MATCH_PEOPLE = ("stubb", "bolojan", "fidan", "costa", "rutte")


def head_count(host: bool = True, ministers: bool = True, organisations: bool = True,
               exclude: tuple[str, ...] = ()) -> int:
    """How many people sat at the summit table, under one counting rule.

    By default everyone the actors table marks as attending. ``host=False`` leaves out the
    host's representative (the state whose attendance note starts with 'Host');
    ``ministers=False`` leaves out people sent at minister level (a role naming a minister
    who is not a prime minister); ``organisations=False`` leaves out the heads of
    organisations; ``exclude`` leaves out whoever represents the given actor ids.
    Different rules give different totals, which is one reason outlets reported different
    numbers.

    >>> head_count() >= head_count(host=False) >= head_count(host=False, ministers=False)
    True
    """
    actors = load("actors")
    kinds = actors.set_index("actor_id")["kind"]
    people = actors[(actors["kind"] == "person") & (actors["at_summit"] == "attended")]
    if not host:
        hosts = actors.loc[actors["attendance_note"].fillna("").str.startswith("Host"), "actor_id"]
        people = people[~people["represents"].isin(set(hosts))]
    if not ministers:
        role = people["role"].fillna("")
        people = people[~(role.str.contains("Minister") & ~role.str.contains("Prime Minister"))]
    if not organisations:
        people = people[people["represents"].map(kinds) != "organisation"]
    if exclude:
        people = people[~people["represents"].isin(set(exclude))]
    return int(len(people))


def counting_rules() -> dict[str, int]:
    """Each counting rule the lesson shows, in words, with the total it gives."""
    return {
        "everyone at the table": head_count(),
        "everyone except the host": head_count(host=False),
        "leaders only (not Turkey's foreign minister)": head_count(ministers=False),
        "leaders only, not counting Canada": head_count(ministers=False, exclude=("can",)),
        "heads of state or government only (no EU or NATO chiefs)": head_count(ministers=False,
                                                                             organisations=False),
        "states at the table (not people)": len(attending("state")),
    }


def attending(kind: str) -> list[str]:
    """The names of the actors of one kind that attended, sorted A to Z."""
    actors = load("actors")
    return sorted(actors.loc[(actors["kind"] == kind) & (actors["at_summit"] == "attended"), "name"])


def states() -> list[str]:
    """The names of the states at the table, A to Z."""
    return attending("state")


def roles() -> dict[str, str]:
    """Each person of MATCH_PEOPLE → the role they held at the time."""
    return {row("actors", p)["name"]: row("actors", p)["role"] for p in MATCH_PEOPLE}


def more_people_than_states() -> int:
    """How many more people sat at the table than there were states at it.

    >>> more_people_than_states() > 0
    True
    """
    return head_count() - len(states())


def people_at_table() -> int:
    """Everyone at the table (a trap of ``actors.more_people``: not minus the states)."""
    return head_count()


def n_states() -> int:
    """The number of states at the table (a trap of ``actors.more_people``)."""
    return len(states())


def more_counting_organisation_rows() -> int:
    """The slip: counting every attending organisation row (the EU as well as its bodies)."""
    return len(attending("organisation"))


def reveal_count(guess: Any) -> str:
    """The counting rules that give the student's guessed head count (a number, or None).

    >>> "not saved a guess" in reveal_count(None)
    True
    """
    rules = counting_rules()
    if isinstance(guess, str) and guess.strip():
        return f"Your guess was {guess.strip()!r}: set it beside the totals above."
    if isinstance(guess, bool) or not isinstance(guess, (int, float)):
        return ("You have not saved a guess yet (a number): run the prediction cell above with your guess, "
                "then this cell again.")
    matching = [rule for rule, n in rules.items() if n == guess]
    if matching:
        return f"Your guess, {guess:g}, is what you get by counting {' or '.join(matching)}."
    near = min(rules.values(), key=lambda n: abs(n - guess))
    return (f"No rule above gives {guess:g}. The nearest total is {near}, from counting "
            f"{' or '.join(r for r, n in rules.items() if n == near)}.")


def reported_counts() -> str:
    """The head counts the outlets reported (the summit-count rows of the events table), one
    paragraph each with its source: shown only once a guess is saved."""
    from .. import analysis
    from .._data import cite

    counts = analysis.timeline(theme="summit")
    counts = counts[counts["event_id"].str.startswith("summit-count")]
    return "\n\n".join(f"{r['title']}\n    {r['summary']}\n    Source: {cite(r['source_id'], links=False)}"
                       for _, r in counts.iterrows())


def rules_table() -> str:
    """Each counting rule with its total, one line each."""
    return "\n".join(f"{n:>3}  {rule}" for rule, n in counting_rules().items())


def guess_count_shows() -> list[int]:
    """What the reveal of actors.guess_count shows: the totals of the counting rules."""
    return sorted(set(counting_rules().values()))


def roles_why() -> dict[str, str]:
    """actors.roles' feedback on a wrong match: the role column of the person's row."""
    return {row("actors", p)["name"]: f"the role column of row {p} reads '{row('actors', p)['role']}'."
            for p in MATCH_PEOPLE}
