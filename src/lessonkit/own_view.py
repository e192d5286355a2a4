"""Own-view tasks: the student weighs two or three options, then argues a view of their own.

As the Choices Program does it: each option is put at its strongest, with the recorded voices
that argue for it (from the positions rows of one topic, attributed, dated and sourced); then
the student writes their own option with the evidence for it, and what would change their
mind. The answer is an exercise of kind ``written`` in the lesson (so it is saved to the
learning record, graded as recorded, and shown in the class report beside its rubric); it is
never scored right or wrong.

>>> t = task("positions.own_view")
>>> t.topic, [o.key for o in t.options]
('european-troops', ['a', 'b', 'c'])
>>> text = answer("Option b.", "Tusk said so [pol-european-troops-20250217].", "A US backstop.")
>>> parts(text)["evidence"]
'Tusk said so [pol-european-troops-20250217].'
>>> answer(..., ..., ...) is ...
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._data import source_name
from ._errors import UnknownNameError
from ._escape import html_text, mathless
from .voices import topic_rows, voice_item, voice_text

LABELS = {"option": "My option", "evidence": "My evidence", "change": "What would change my mind"}
MISSING = "(not written yet)"
PER_OPTION = 2  # voices shown for each option (the rest are counted)


@dataclass(frozen=True)
class Option:
    """One option: its letter, the case for it in a sentence (no facts: those come from the
    rows), and the stances whose voices argue for it."""

    key: str
    case: str
    stances: tuple[str, ...]


@dataclass(frozen=True)
class Task:
    """An own-view question on one topic, with its options; ``story_after`` names the event
    after which later events are shown as evidence every option must reckon with (optional)."""

    id: str
    question: str
    topic: str
    options: tuple[Option, ...]
    story_after: str | None = None
    story_themes: tuple[str, ...] = ()


TASKS: dict[str, Task] = {t.id: t for t in (
    Task("positions.own_view", "Should the UK send troops to a reassurance force in Ukraine?", "european-troops", (
        Option("a", "Yes. Troops on the ground make a ceasefire costly to break, and a leading European "
                    "state has to go first for others to follow.", ("supports",)),
        Option("b", "Only on conditions: after a ceasefire, as part of a wider mission, or with a US "
                    "backstop. Without them the risk is too high.", ("conditional",)),
        Option("c", "No, or not yet. Foreign troops could widen the war, or the time to decide has not "
                    "come; help Ukraine in other ways.", ("opposes", "undecided")),
    )),
    Task("ceasefire.own_view", "Should Ukraine's backers press for a ceasefire now, before security guarantees "
         "are agreed?", "ceasefire", (
        Option("a", "Yes. Stopping the fighting saves lives now, and talks on guarantees can follow a "
                    "ceasefire.", ("supports",)),
        Option("b", "Only on terms: a ceasefire that is verified, covers the right things, and is backed "
                    "by guarantees, or it will not hold.", ("conditional",)),
        Option("c", "No, not on the terms on offer: a pause could let the stronger side regroup.",
               ("opposes", "undecided")),
    ), story_after="trump-putin-call-march", story_themes=("ceasefire",)),
    Task("news.own_view", "Was London a success? The seed article calls it a major step for Ukraine's "
         "security.", "security-guarantees", (
        Option("a", "Yes. The summit set out a European plan for guarantees, led by those willing to "
                    "act, when the United States was stepping back.", ("supports",)),
        Option("b", "Partly: a plan on paper, whose worth depended on others (the United States, "
                    "Russia's answer) and on what followed.", ("conditional", "undecided")),
        Option("c", "No. Words, not commitments: the plan was rejected by those it had to reckon "
                    "with.", ("opposes",)),
    ), story_after="london-summit", story_themes=("security_guarantees",)),
    Task("capstone.own_view", "Should European states raise defence spending, even where that means spending "
         "less on something else?", "defence-spending", (
        Option("a", "Yes. Security comes first: without it nothing else is safe, and Europe cannot rely "
                    "on others.", ("supports",)),
        Option("b", "Yes, but on conditions: how it is paid for, who decides, what else is cut.",
               ("conditional",)),
        Option("c", "No, or not like this: other needs (aid, public services) matter as much, and "
                    "spending is not the same as security.", ("opposes", "undecided")),
    )),
)}


def task(task_id: str) -> Task:
    """One own-view task by its exercise id; UnknownNameError names the tasks there are."""
    if task_id not in TASKS:
        raise UnknownNameError(f"no own-view task {task_id!r}; tasks: {', '.join(TASKS)}")
    return TASKS[task_id]


def is_own_view(exercise_id: str) -> bool:
    """True for the exercise ids that are own-view tasks."""
    return exercise_id in TASKS


def _strongest(rows, stances: tuple[str, ...], n: int) -> tuple[list[dict], int]:
    """The voices for one option, strongest first: with a quote (the speaker's own words)
    before without, then the most recent."""
    on_side = rows[rows["stance"].isin(stances)].to_dict("records")
    on_side.sort(key=lambda v: (not (isinstance(v.get("quote"), str) and v["quote"]), -v["date"].toordinal(),
                                v["position_id"]))
    return on_side[:n], len(on_side)


@dataclass(frozen=True)
class Options:
    """A task's options, each with its strongest recorded voices, as a student reads them."""

    task: Task
    topic_name: str
    voices: tuple[tuple[dict, ...], ...]  # per option
    totals: tuple[int, ...]
    later: tuple[dict, ...]  # events after the story, for every option

    def _none(self, option: Option) -> str:
        words = " or ".join(f"“{s}”" for s in option.stances)
        return (f"The stored data holds no voice for this option (no position {words} on "
                f"{self.topic_name}). That does not mean nobody argued it: it was not found in the sources "
                "this module checked. Argue it yourself from the other rows, or look for a voice in the reporting.")

    def _heading(self, option: Option) -> str:
        return f"Recorded positions on this side ({self.topic_name}: {' or '.join(option.stances)}):"

    def __str__(self) -> str:
        lines = [f"Question: {self.task.question}", ""]
        for option, voices, total in zip(self.task.options, self.voices, self.totals):
            lines.append(f"Option {option.key}: {option.case}")
            lines.append(f"  {self._none(option)}" if not voices else f"  {self._heading(option)}")
            lines += [f"  - {voice_text(v)} Source: {source_name(v['source_id'])}." for v in voices]
            if total > len(voices):
                lines.append(f"  ({total - len(voices)} more voices in the positions table on this topic)")
            lines.append("")
        if self.later:
            lines.append("What happened next, which every option must reckon with:")
            lines += [f"  - {e['date'].isoformat()}: {e['title']} [{e['event_id']}]" for e in self.later]
        return "\n".join(lines).rstrip()

    def __repr__(self) -> str:
        return str(self)

    @mathless
    def _repr_html_(self) -> str:
        e = html_text
        parts = ['<div class="lk-own-view" style="color:#111">',
                 f'<p style="font-size:1.1em"><strong>Question: {e(self.task.question)}</strong></p>']
        for option, voices, total in zip(self.task.options, self.voices, self.totals):
            parts.append('<div style="border:1px solid #bbb;border-radius:4px;padding:0.3em 0.8em;margin:0.4em 0">'
                         f"<p><strong>Option {e(option.key)}.</strong> {e(option.case)}</p>")
            if voices:
                items = "".join(voice_item(v) for v in voices)
                more = (f"<li>({total - len(voices)} more voices in the positions table on this topic)</li>"
                        if total > len(voices) else "")
                parts.append(f"<p>{e(self._heading(option))}</p><ul>{items}{more}</ul>")
            else:
                parts.append(f"<p><em>{e(self._none(option))}</em></p>")
            parts.append("</div>")
        if self.later:
            from ._dates import long_date

            items = "".join(f"<li>{e(long_date(ev['date']))}: {e(ev['title'])} [{e(ev['event_id'])}]</li>"
                            for ev in self.later)
            parts.append(f"<p>What happened next, which every option must reckon with:</p><ul>{items}</ul>")
        return "".join(parts) + "</div>"


def options(task_id: str) -> Options:
    """The options of one own-view task, each with its strongest voices from the data.

    Raises UnknownNameError for an unknown task.
    """
    from ._facts import row
    from .whats_next import later_events

    t = task(task_id)
    rows = topic_rows(t.topic)
    picked = [_strongest(rows, o.stances, PER_OPTION) for o in t.options]
    later = tuple(later_events(t.story_after, t.story_themes or None)) if t.story_after else ()
    return Options(t, row("topics", t.topic)["name"], tuple(tuple(v) for v, _ in picked),
                   tuple(n for _, n in picked), later)


def _given(value: Any) -> bool:
    return value is not ... and value is not None and str(value).strip() != ""


def answer(option: Any, evidence: Any, change_my_mind: Any) -> Any:
    """The three parts of an own view as one text for ``check``: your option, the evidence for
    it (cite rows by id in square brackets), and what would change your mind.

    Gives back ``...`` when nothing is written yet (check then says "not attempted yet"); a
    part left out is marked "(not written yet)" so the saved answer shows what is missing.
    """
    given = {"option": option, "evidence": evidence, "change": change_my_mind}
    if not any(_given(v) for v in given.values()):
        return ...
    return "\n\n".join(f"{LABELS[k]}: {str(v).strip() if _given(v) else MISSING}" for k, v in given.items())


def parts(text: str) -> dict[str, str]:
    """An own-view answer split back into its parts (option, evidence, change); a text not
    written by :func:`answer` is all option.

    >>> parts("just my view")
    {'option': 'just my view', 'evidence': '', 'change': ''}
    """
    found = {k: "" for k in LABELS}
    heads = {f"{label}: ": key for key, label in LABELS.items()}
    current = None
    chunks: dict[str, list[str]] = {k: [] for k in LABELS}
    for block in str(text).split("\n\n"):
        head = next((h for h in heads if block.startswith(h)), None)
        if head is not None:
            current = heads[head]
            block = block[len(head):]
        chunks[current or "option"].append(block)
    for k, blocks in chunks.items():
        found[k] = "\n\n".join(blocks).strip()
    return found
