"""The end of every lesson: "What happened next", how old the data is, what to open and hand in.

A lesson's story stops on some day (the date of one event row); the box carries it on with
the events the data holds after that day, on the lesson's themes, as far as the package's
as-of date. Nothing in it is typed by hand: events, dates, sources and the as-of date come
from the data package, the next lesson from ``lessons.toml``, so new rows and a moved
as-of date show up without touching the lessons.

>>> box = story_box("ceasefire", after="jeddah-talks", themes=["ceasefire"], today=date(2026, 12, 7))
>>> box.story_end.isoformat(), all(e["date"] > box.story_end for e in box.events)
('2025-03-11', True)
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from . import _record
from ._data import as_of, load, source, source_name
from ._dates import long_date
from ._errors import LessonkitError, UnknownNameError
from ._escape import html_text, link, markdown_text, mathless
from ._facts import value

# Kinds of source a student can turn to for current reporting (classes of sources.csv).
CHECK_CLASSES = ("editorial", "official")
CHECK_PUBLISHERS = 3  # how many publishers of each class the age line names


def months_between(start: date, end: date) -> int:
    """Whole months from start to end (0 when end is less than a month after start).

    >>> months_between(date(2025, 5, 10), date(2026, 12, 7))
    18
    >>> months_between(date(2025, 5, 10), date(2026, 12, 10))
    19
    >>> months_between(date(2025, 5, 10), date(2025, 5, 1))
    0
    """
    months = (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)
    return max(months, 0)


def later_events(after: str, themes: Iterable[str] | None = None, until: date | None = None) -> list[dict]:
    """The events after the day of event ``after`` (not on it), up to ``until`` (the as-of date
    unless given), of the given themes (all themes if None), in date order.

    >>> [e["event_id"] for e in later_events("black-sea-talks", ["security_guarantees"])][:1]
    ['paris-coalition-summit']

    Raises UnknownNameError for an unknown event id or theme.
    """
    events = load("events")
    if after not in set(events["event_id"]):
        raise UnknownNameError(f"no event_id {after!r} in events.csv")
    wanted = None if themes is None else list(themes)
    if wanted is not None:
        known = _themes()
        unknown = [t for t in wanted if t not in known]
        if unknown:
            raise UnknownNameError(f"no theme {unknown[0]!r}; themes: {', '.join(known)}")
    start = value("events", after, "date").date()
    last = until or as_of()
    days = events["date"].dt.date
    chosen = events[(days > start) & (days <= last)]
    if wanted is not None:
        chosen = chosen[chosen["theme"].isin(wanted)]
    chosen = chosen.sort_values(["date", "event_id"])
    return [{**r, "date": r["date"].date()} for r in chosen.to_dict("records")]


def load_events(start: date, end: date) -> list[dict]:
    """The events from start to end (both included), in date order, dates as dates.

    >>> [e["event_id"] for e in load_events(date(2025, 3, 27), date(2025, 3, 27))]
    ['paris-coalition-summit']
    """
    events = load("events")
    days = events["date"].dt.date
    chosen = events[(days >= start) & (days <= end)].sort_values(["date", "event_id"])
    return [{**r, "date": r["date"].date()} for r in chosen.to_dict("records")]


def _themes() -> list[str]:
    from ._data import load_package

    for resource in load_package().descriptor["resources"]:
        if resource["name"] == "events":
            field = next(f for f in resource["schema"]["fields"] if f["name"] == "theme")
            return list(field.get("constraints", {}).get("enum", []))
    return []  # pragma: no cover - the package always describes events


def where_to_check(classes: Iterable[str] = CHECK_CLASSES, n: int = CHECK_PUBLISHERS) -> list[str]:
    """Publishers a student can turn to for current reporting: for each class of source, the
    ones this data cites most often (from sources.csv, so the list follows the data).

    >>> len(where_to_check()) > 0
    True
    """
    sources = load("sources")
    names: list[str] = []
    for kind in classes:
        counts = sources.loc[sources["reliability"] == kind, "publisher"].value_counts()
        ranked = sorted(counts.items(), key=lambda item: (-item[1], str(item[0])))
        names += [str(p) for p, _ in ranked[:n] if str(p) not in names]
    return names


def age_line(today: date | None = None) -> str:
    """One plain sentence on how old the data is and where to check what happened since.

    >>> line = age_line(today=date(2026, 12, 7))
    >>> long_date(as_of()) in line and "months later" in line
    True
    """
    stop = as_of()
    today = today or date.today()
    months = months_between(stop, today)
    if months >= 1:
        age = f"Today is {long_date(today)}: that is {months} month{'s' if months != 1 else ''} later"
    else:
        age = f"Today is {long_date(today)}: that is less than a month later"
    places = ", ".join(where_to_check())
    return (f"The data in this module stops on {long_date(stop)}. {age}, and much has happened since that "
            f"this lesson does not show. To check current reporting, search a news organisation with "
            f"editorial standards or an official site (this data cites, for example, {places}), note the "
            f"date of what you read, and compare two of them.")


@dataclass(frozen=True)
class Lesson:
    """One entry of lessons.toml: its number in the order, file, title, key and minutes."""

    number: int
    file: str
    title: str
    key: str
    minutes: int = 0


PERIOD_MINUTES = 50  # a school period


def periods(minutes: int) -> int:
    """School periods for this many minutes of teaching, rounded up.

    >>> periods(50), periods(51), periods(20)
    (1, 2, 1)
    """
    return max(1, -(-minutes // PERIOD_MINUTES))


def unit_plan() -> str:
    """The unit's lessons with their minutes, and the whole in school periods (from lessons.toml).

    >>> "school periods" in unit_plan()
    True
    """
    order = lessons()
    total = sum(lesson.minutes for lesson in order)
    lines = []
    for lesson in order:
        parts = "" if lesson.minutes <= PERIOD_MINUTES else f", in {periods(lesson.minutes)} parts"
        lines.append(f"Lesson {lesson.number}, {lesson.title}: {lesson.minutes} minutes{parts}")
    lines.append(f"The whole unit: {total} minutes, about {periods(total)} school periods of {PERIOD_MINUTES} "
                 "minutes. A lesson longer than a period is taught in parts, each marked in the lesson.")
    return "\n".join(lines)


def lessons() -> list[Lesson]:
    """The lessons in their order, from lessons.toml (empty if it cannot be read)."""
    from ._paths import lessons_toml

    try:
        entries = tomllib.loads(lessons_toml().read_text(encoding="utf-8"))["lesson"]
        return [Lesson(n, e["file"], e["title"], e["key"], int(e.get("minutes", 0))) for n, e in enumerate(entries)]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def next_lesson(key: str) -> Lesson | None:
    """The lesson after the one with this key (None for the last lesson or an unknown key)."""
    order = lessons()
    found = [i for i, lesson in enumerate(order) if lesson.key == key]
    return order[found[0] + 1] if found and found[0] + 1 < len(order) else None


@dataclass(frozen=True)
class StoryBox:
    """The end of a lesson, rendered as HTML in a notebook and as text elsewhere."""

    lesson: str
    story_end: date
    events: tuple[dict, ...]
    age: str
    next: Lesson | None
    hand_in: str

    def _lines(self) -> list[tuple[str, str, str]]:
        """(date, title and row id, source) for each later event (the row holds its summary)."""
        return [(long_date(e["date"]), f"{e['title']} [{e['event_id']}]", source_name(e["source_id"]))
                for e in self.events]

    def _open_next(self) -> str:
        if self.next is None:
            return "This is the last lesson of the unit."
        return f"Lesson {self.next.number}, {self.next.title} ({self.next.file})."

    def __str__(self) -> str:
        lines = [f"What happened next (after {long_date(self.story_end)}, as far as the data goes)"]
        if self.events:
            lines += [f"- {d}: {text} [{src}]" for d, text, src in self._lines()]
        else:
            lines.append("- The data holds no later event on this story.")
        lines += ["", f"How old this is: {self.age}", "", f"Open next: {self._open_next()}",
                  f"Hand in: {self.hand_in}"]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_markdown_(self) -> str:  # for the exports that render Markdown but not HTML
        return markdown_text(str(self)).replace("\n", "  \n")

    @mathless
    def _repr_html_(self) -> str:
        e = html_text
        items = "".join(
            f'<li><strong>{e(d)}</strong>: {e(text)} <span class="lk-source">Source: '
            f'{link(source(ev["source_id"])["url"], src, colour=LINK_ON_BOX)}</span></li>'
            for (d, text, src), ev in zip(self._lines(), self.events))
        story = (f"<ul>{items}</ul>" if items
                 else "<p>The data holds no later event on this story.</p>")
        return (
            '<aside class="lk-next" style="border-left:4px solid #0072B2;padding:0.4em 1em;'
            'margin:0.5em 0;background:#f3f8fc;color:#111">'
            f'<h3 style="margin-top:0.3em">What happened next</h3>'
            f"<p>After {e(long_date(self.story_end))}, as far as the data goes:</p>{story}"
            f"<p><strong>How old this is.</strong> {e(self.age)}</p>"
            f"<p><strong>Open next:</strong> {e(self._open_next())}<br>"
            f"<strong>Hand in:</strong> {e(self.hand_in)}</p></aside>")


LINK_ON_BOX = "#0b4a80"  # 8.6:1 on the box's #f3f8fc, whatever the theme's link colour


def hand_in(lesson: str) -> str:
    """What a student hands in for one lesson: the notebook, or its learning record."""
    record = _record.record_path(lesson).name
    return (f"this notebook, saved, or your learning record {record} (it is beside the notebook and "
            f"holds every answer you checked, your written answers too). Run progress(\"{lesson}\") "
            "first to see what is still open.")


def story_box(lesson: str, after: str, themes: Iterable[str] | None = None,
              today: date | None = None) -> StoryBox:
    """The end-of-lesson box of one lesson (its key), whose own story stops on the day of the
    event ``after``: the later events of the given themes, the age line, the next lesson and
    what to hand in.

    Raises UnknownNameError for an unknown event or theme, LessonkitError for an empty key.
    """
    if not isinstance(lesson, str) or not lesson:
        raise LessonkitError("give the lesson's key, e.g. story_box('ceasefire', after=...)")
    events = later_events(after, themes)
    return StoryBox(lesson, value("events", after, "date").date(), tuple(events), age_line(today),
                    next_lesson(lesson), hand_in(lesson))


@dataclass(frozen=True)
class Debrief:
    """A class decision (as saved in the learning record) set beside what happened next."""

    decision: str | None
    story_end: date
    events: tuple[dict, ...]

    def __str__(self) -> str:
        said = self.decision or ("No decision saved yet: write it in the exercise above, run its cell, "
                                 "then run this cell again.")
        lines = ["Your class decided (as you saved it):", f"  {said}", "",
                 f"What happened next, after {long_date(self.story_end)}, as far as the data goes:"]
        lines += [f"  - {long_date(e['date'])}: {e['title']}. {e['summary']} [{e['event_id']}]" for e in self.events]
        if not self.events:
            lines.append("  - The data holds no later event on this question.")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    @mathless
    def _repr_html_(self) -> str:
        e = html_text
        said = (f"<p>{e(self.decision)}</p>".replace("\n", "<br>") if self.decision else
                "<p><em>No decision saved yet: write it in the exercise above, run its cell, then run this "
                "cell again.</em></p>")
        items = "".join(f'<li style="margin-bottom:0.4em"><strong>{e(long_date(ev["date"]))}</strong>: '
                        f"{e(ev['title'])}. {e(ev['summary'])} <span style=\"color:#444\">Source: "
                        f"{e(source_name(ev['source_id']))} [{e(ev['event_id'])}]</span></li>"
                        for ev in self.events) or "<li>The data holds no later event on this question.</li>"
        box = "border:1px solid #bbb;border-radius:4px;padding:0.4em 0.9em;background:#fff"
        return (f'<div class="lk-debrief" style="display:flex;flex-wrap:wrap;gap:0.8em;color:#111;'
                f'font-size:1em;line-height:1.45">'
                f'<div style="{box};flex:1 1 16em;align-self:flex-start;background:#fff8e6">'
                f'<h4 style="margin:0.3em 0">Your class decided</h4>{said}</div>'
                f'<div style="{box};flex:2 1 24em"><h4 style="margin:0.3em 0">What happened next (after '
                f"{e(long_date(self.story_end))}, from the data)</h4>"
                f'<ul style="margin:0.3em 0;padding-left:1.2em">{items}</ul></div></div>')


def debrief(exercise_id: str, after: str, themes: Iterable[str] | None = None) -> Debrief:
    """The decision saved for exercise_id (the last one in the learning record) beside the events
    after event ``after`` of the given themes.

    Raises UnknownNameError for an unknown event or theme.
    """
    from ._answers import from_json

    lesson = exercise_id.split(".")[0] if isinstance(exercise_id, str) else ""
    saved = [a for a in _record.attempts(lesson) if a.get("exercise") == exercise_id
             and a.get("status") == "recorded"] if lesson else []
    decision = None
    if saved:
        try:
            value_ = from_json(saved[-1]["answer"])
        except Exception:  # noqa: BLE001 - a record edited by hand: show nothing rather than fail
            value_ = None
        decision = value_ if isinstance(value_, str) else None
    return Debrief(decision, value("events", after, "date").date(), tuple(later_events(after, themes)))
