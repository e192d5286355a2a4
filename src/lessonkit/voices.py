"""The range of views on a contested question: at least one attributed voice on each side.

A topic of the positions table is a question; its rows are dated, sourced answers. This
module sorts them into sides (for; yes, if; against or not yet) and, where the data holds no
voice on a side, says so in plain words instead of leaving the side out. Everything comes
from the rows, so a new position shows up without changing a lesson.

>>> s = sides("european-troops")
>>> [side.name for side in s.sides]
['For', 'Yes, if…', 'Against or not yet']
>>> all(v["topic_id"] == "european-troops" for side in s.sides for v in side.voices)
True
"""

from __future__ import annotations

from dataclasses import dataclass

from ._data import as_of, source, source_name
from ._dates import long_date
from ._errors import UnknownNameError
from ._escape import html_text, link, mathless

# The sides of a question and the stances (positions.stance) that put a voice on each.
SIDES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("For", ("supports",)),
    ("Yes, if…", ("conditional",)),
    ("Against or not yet", ("opposes", "undecided")),
)
PER_SIDE = 3  # voices shown on each side, the most recent first


def topic_rows(topic: str):
    """The positions on one topic with names, newest first; UnknownNameError for an unknown topic."""
    from . import analysis
    from ._data import load

    topics = load("topics")
    if topic not in set(topics["topic_id"]):
        raise UnknownNameError(f"no topic {topic!r}; topics: {', '.join(topics['topic_id'])}")
    return analysis.positions(topic=topic).sort_values(["date", "position_id"], ascending=[False, True])


def voice_text(v: dict) -> str:
    """One voice in a line: who, when, what (the row's summary), the quote if any, and the row id.

    >>> from lessonkit._facts import row
    >>> "Starmer" in voice_text({**row("positions", "gbr-european-troops-20250227"),
    ...                          "actor": "United Kingdom", "speaker": "Keir Starmer"})
    True
    """
    who = v["actor"]
    speaker = v.get("speaker")
    if isinstance(speaker, str) and speaker and speaker != who:
        who = f"{speaker} ({who})"
    text = f"{who}, {long_date(v['date'])}: {v['summary']}"
    quote = v.get("quote")
    if isinstance(quote, str) and quote:
        english = v.get("quote_english")
        text += f" In their words: “{quote}”"
        if isinstance(english, str) and english:
            text += f" (our translation: “{english}”)"
    return f"{text} [{v['position_id']}]"


def voice_item(v: dict) -> str:
    """One voice as an HTML list item: :func:`voice_text` and a link to its source."""
    return (f"<li>{html_text(voice_text(v))} <span>Source: "
            f"{link(source(v['source_id'])['url'], source_name(v['source_id']))}</span></li>")


@dataclass(frozen=True)
class Side:
    """One side of a question: its name, the stances on it, and its voices (newest first)."""

    name: str
    stances: tuple[str, ...]
    voices: tuple[dict, ...]
    total: int  # voices the data holds on this side (more than shown when above PER_SIDE)

    def missing(self, topic_name: str) -> str:
        """The plain sentence shown when the data holds no voice on this side."""
        words = " or ".join(f"“{s}”" for s in self.stances)
        return (f"The stored data holds no voice on this side ({words}) on {topic_name}, up to "
                f"{long_date(as_of())}. That does not mean nobody held this view: it was not found in the "
                "sources this module checked. Look for one in the reporting, and say who held it and when.")


@dataclass(frozen=True)
class Sides:
    """The voices on each side of one topic's question."""

    topic: str
    name: str
    question: str
    sides: tuple[Side, ...]

    @property
    def empty_sides(self) -> list[str]:
        """The names of the sides with no voice in the data."""
        return [s.name for s in self.sides if not s.voices]

    def __str__(self) -> str:
        lines = [f"{self.name}: {self.question}"]
        for side in self.sides:
            lines.append(f"{side.name}:")
            if not side.voices:
                lines.append(f"  {side.missing(self.name)}")
            lines += [f"  - {voice_text(v)} Source: {source_name(v['source_id'])}." for v in side.voices]
            if side.total > len(side.voices):
                lines.append(f"  ({side.total - len(side.voices)} more in the positions table)")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    @mathless
    def _repr_html_(self) -> str:
        e = html_text
        parts = [f'<div class="lk-sides"><p><strong>{e(self.name)}</strong>: {e(self.question)}</p>']
        for side in self.sides:
            parts.append(f"<p><strong>{e(side.name)}</strong></p>")
            if not side.voices:
                parts.append(f"<p><em>{e(side.missing(self.name))}</em></p>")
                continue
            items = "".join(voice_item(v) for v in side.voices)
            more = (f"<li>({side.total - len(side.voices)} more in the positions table)</li>"
                    if side.total > len(side.voices) else "")
            parts.append(f"<ul>{items}{more}</ul>")
        return "".join(parts) + "</div>"


def sides(topic: str, per_side: int = PER_SIDE) -> Sides:
    """The voices on each side of one topic's question, the most recent first on each side.

    Raises UnknownNameError for an unknown topic.
    """
    from ._facts import row

    rows = topic_rows(topic)
    t = row("topics", topic)
    found = []
    for name, stances in SIDES:
        on_side = rows[rows["stance"].isin(stances)].to_dict("records")
        found.append(Side(name, stances, tuple(on_side[:per_side]), len(on_side)))
    return Sides(topic, t["name"], t["question"], tuple(found))
