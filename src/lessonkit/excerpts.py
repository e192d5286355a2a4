"""People's own words: a short quote from the data, attributed and dated, with the questions a
historian asks of a source (sourcing, context, corroboration); and the seed article in full.

The quote is the ``quote`` field of a positions row, as the source printed it (with our
translation where it is not English). The context is the data's events in the days before
it; the corroboration is the other recorded positions on the same topic around its date,
sorted into those that agree and those that do not. All of it comes from the rows.

>>> x = excerpt("gbr-security-guarantees-20250302")
>>> x.speaker, x.day.isoformat()
('Keir Starmer', '2025-03-02')
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from ._data import source, source_name
from ._dates import long_date
from ._errors import LessonkitError
from ._escape import html_text, link, mathless
from ._facts import row

CONTEXT_DAYS = 7  # events this many days before a quote are its context
AROUND_DAYS = 14  # positions this many days either side of a quote can corroborate it
SHOWN = 4  # context events (the latest) and corroborating voices per side (the nearest in date) shown


@dataclass(frozen=True)
class Excerpt:
    """One quote with who said it, when, where it was reported, and questions to ask of it."""

    position_id: str
    quote: str
    english: str | None
    speaker: str
    actor: str
    day: date
    topic: str
    source_id: str
    context: tuple[dict, ...]
    agree: tuple[dict, ...]
    differ: tuple[dict, ...]

    def _prompts(self) -> list[tuple[str, str]]:
        s = source(self.source_id)
        reported = f"{source_name(self.source_id)}, “{s['title']}”"
        return [
            ("Sourcing", f"Who is {self.speaker}, and what office did they hold on {long_date(self.day)}? The words "
                         f"come to us through {reported}: what kind of source is that, and did it hear them "
                         "itself or report someone else's report? Who was the speaker talking to, and why?"),
            ("Context", "What had just happened? The data's events in the days before: "
                        + ("; ".join(f"{long_date(e['date'], year=False)}: {e['title']} [{e['event_id']}]"
                                     for e in self.context) or "none recorded")
                        + ". Which of them might the speaker be answering?"),
            ("Corroboration", "Who said something similar, and who did not? Around this date the data records "
                              + (", ".join(f"{v['who']} ({v['stance']}) [{v['position_id']}]" for v in self.agree)
                                 or "no one")
                              + " on the same side, and "
                              + (", ".join(f"{v['who']} ({v['stance']}) [{v['position_id']}]" for v in self.differ)
                                 or "no one")
                              + " on another. Does another report give the same words?"),
        ]

    def __str__(self) -> str:
        lines = [f"“{self.quote}”"]
        if self.english:
            lines.append(f"(our translation: “{self.english}”)")
        lines.append(f"— {self.speaker} ({self.actor}), {long_date(self.day)}, on {self.topic}. "
                     f"Reported by {source_name(self.source_id)}. [{self.position_id}]")
        lines += [f"{name}: {text}" for name, text in self._prompts()]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    @mathless
    def _repr_html_(self) -> str:
        e = html_text
        url = source(self.source_id)["url"]
        english = f"<p>(our translation: “{e(self.english)}”)</p>" if self.english else ""
        prompts = "".join(f"<li><strong>{e(n)}.</strong> {e(t)}</li>" for n, t in self._prompts())
        return (f'<div class="lk-excerpt" style="color:#111"><blockquote style="border-left:4px solid #E69F00;'
                f'margin:0.4em 0;padding:0.2em 1em;font-size:1.1em">“{e(self.quote)}”{english}</blockquote>'
                f"<p>— <strong>{e(self.speaker)}</strong> ({e(self.actor)}), {e(long_date(self.day))}, on "
                f'{e(self.topic)}. Reported by {link(url, source_name(self.source_id))}. '
                f"[{e(self.position_id)}]</p><p>Questions to ask of it:</p><ul>{prompts}</ul></div>")


def _who(r: dict) -> str:
    speaker = r.get("speaker")
    return f"{speaker} ({r['actor']})" if isinstance(speaker, str) and speaker and speaker != r["actor"] else r["actor"]


def excerpt(position_id: str) -> Excerpt:
    """The quote of one positions row, attributed and dated, with sourcing, context and
    corroboration prompts drawn from the data.

    Raises UnknownNameError for an unknown row, LessonkitError for a row with no quote.
    """
    from . import analysis
    from .whats_next import load_events

    p = row("positions", position_id)
    quote = p.get("quote")
    if not isinstance(quote, str) or not quote:
        raise LessonkitError(f"the positions row {position_id!r} has no quote; pick a row whose quote column is filled")
    day = p["date"].date()
    named = analysis.positions(topic=p["topic_id"])
    speaker_id = str(p["quote_speaker_id"] if isinstance(p.get("quote_speaker_id"), str) else p["actor_id"])
    around = []
    for r in named.to_dict("records"):
        if r["position_id"] == position_id or abs((r["date"].date() - day).days) > AROUND_DAYS:
            continue
        around.append({**r, "who": _who(r)})
    same = {"supports": ("supports",), "conditional": ("conditional", "supports"),
            "undecided": ("undecided",), "opposes": ("opposes",)}[p["stance"]]
    events = load_events(day - timedelta(days=CONTEXT_DAYS), day)[-SHOWN:]
    around.sort(key=lambda r: (abs((r["date"].date() - day).days), r["position_id"]))
    return Excerpt(position_id, quote, p["quote_english"] if isinstance(p.get("quote_english"), str) else None,
                   row("actors", speaker_id)["name"], row("actors", p["actor_id"])["name"], day,
                   row("topics", p["topic_id"])["name"], p["source_id"], tuple(events),
                   tuple([r for r in around if r["stance"] in same][:SHOWN]),
                   tuple([r for r in around if r["stance"] not in same][:SHOWN]))


@dataclass(frozen=True)
class SeedArticle:
    """The seed article, whole and unchanged, with what is known (and not known) about it."""

    text: str
    label: str

    def __str__(self) -> str:
        return f"{self.label}\n\n{self.text}"

    def __repr__(self) -> str:
        return str(self)

    @mathless
    def _repr_html_(self) -> str:
        e = html_text
        paragraphs = "".join(f"<p>{e(line)}</p>" for line in self.text.splitlines() if line.strip())
        return (f'<div class="lk-seed" style="color:#111"><p><strong>{e(self.label)}</strong></p>'
                f'<div tabindex="0" role="region" aria-label="The seed article, scrollable" '
                f'style="border:1px solid #bbb;padding:0.2em 1em;max-height:28em;overflow:auto;'
                f'background:#fafafa">{paragraphs}</div></div>')


def seed_article() -> SeedArticle:
    """The seed article in full, as kept in ``seeds/`` (verbatim), labelled with its source row.

    Raises LessonkitError, saying where to find it, when this copy of lessonkit does not carry it.
    """
    from ._data import cite
    from ._paths import seeds_dir

    path = source("seed-article")["url"]  # seeds/<file>, as in the repository
    candidate = seeds_dir() / Path(path).name
    if candidate.is_file():
        text = candidate.read_text(encoding="utf-8")
        return SeedArticle(text, f"The whole article, unchanged. Source: {cite('seed-article', links=False)}. "
                                 "It names no author, publisher or date, and it contains errors.")
    raise LessonkitError(f"the seed article ({path}) is not in this copy of lessonkit; it is in the module's "
                         "repository, in the seeds folder")
