"""Lesson 7's memo evidence check: does every claim of a memo cite a row of the right kind?

A memo cites its evidence as row ids in square brackets: "The UK was ready to send troops
[gbr-european-troops-20250227]." :func:`check_memo` finds every sentence, decides from its
words what kind of claim it makes (the rules in :data:`RULES`, which students can read), and
says which sentence lacks evidence, cites an id that does not exist, or cites the wrong kind
of row. Students call it as ``capstone.check_memo`` (:mod:`lessonkit.lessons.capstone`).
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass
from typing import Any

from .._data import derived, load
from .._dates import long_date
from .._escape import html_text, markdown_text, no_math
from .._facts import row as fact_row
from ..labels import label

# The tables whose rows a memo may cite, by the column that holds their ids.
TABLES = {"positions": "position_id", "pledges": "pledge_id", "events": "event_id", "actors": "actor_id",
          "claims": "claim_id", "exchange_rates": "rate_id", "topics": "topic_id"}


@dataclass(frozen=True)
class Rule:
    """One kind of claim: the words that show it, and the tables whose rows can back it."""

    name: str
    shown_by: str  # the words, as students read them
    pattern: re.Pattern
    tables: tuple[str, ...]


_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
RULES = (
    Rule("money", "an amount or money word (£, $, €, billion, million, loan, grant, export finance, pledge…)",
         re.compile(r"[£$€]|\b(billions?|millions?|bn|GBP|EUR|USD|euros?|pounds?|dollars?|loans?|grants?"
                    r"|export finance|credit|pledge[ds]?|pledging|funds?|funding)\b", re.I),
         ("pledges",)),
    Rule("stance", "a stance (supports, opposes, wants, rejects, backs, calls for, insists, refuses, ready to…)",
         re.compile(r"\b(support(s|ed|ing)?|oppos(e|es|ed|ing)|wants?|wanted|reject(s|ed)?|backs?|backed"
                    r"|insist(s|ed)?|demand(s|ed)?|call(s|ed)? for|refus(e|es|ed)|ready to|willing to"
                    r"|conditional|undecided|against)\b", re.I),
         ("positions",)),
    Rule("quote", "words in quotation marks",
         re.compile(r"[\"“][^\"”]*\w[^\"”]*\w[^\"”]*[\"”]"),
         ("positions",)),
    Rule("date", "a date (a month's name or a year)",
         re.compile(rf"\b({_MONTHS}|(19|20)\d\d)\b"),
         ("events", "positions", "pledges", "exchange_rates")),
    Rule("number", "a number",
         re.compile(r"\d"),
         ("pledges", "positions", "events", "exchange_rates", "actors", "claims")),
)


def _table_words(tables: tuple[str, ...]) -> str:
    names = [t.replace("_", " ") for t in tables]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


class EvidenceRules:
    """The rules of :data:`RULES` as a list a student reads (Markdown in a notebook, text elsewhere)."""

    def lines(self) -> list[str]:
        return [f"a sentence with {r.shown_by} needs a row of the {_table_words(r.tables)} table" for r in RULES]

    def __repr__(self) -> str:
        return "\n".join(f"- {line}" for line in self.lines())

    def _repr_markdown_(self) -> str:
        return markdown_text(repr(self))


def evidence_rules() -> EvidenceRules:
    """The kinds of claim the memo check knows, and the rows each needs.

    >>> print(evidence_rules())  # doctest: +ELLIPSIS
    - a sentence with an amount or money word (...) needs a row of the pledges table
    - a sentence with a stance (...) needs a row of the positions table
    - a sentence with words in quotation marks needs a row of the positions table
    - a sentence with a date (a month's name or a year) needs a row of the events, positions, pledges or ...
    - a sentence with a number needs a row of the pledges, positions, events, exchange rates, actors or ...
    """
    return EvidenceRules()


_CITATION = re.compile(r"\[([^\[\]\n]*)\](?!\()")  # [id] or [id1; id2], but not a Markdown link [text](url)
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "st", "e.g", "i.e", "u.s", "u.k", "no", "vs", "etc"}
_END = re.compile(r"[.!?]+[\"'”’)]*\s+")
_BLOCK = re.compile(r"^\s*(#{1,6}\s|[-*•]\s|\d+[.)]\s)")  # a heading or a list item starts a new sentence


@dataclass(frozen=True)
class Citation:
    """One cited id, resolved: the table it belongs to (None if no table has it) and a summary."""

    id: str
    table: str | None
    summary: str


@dataclass(frozen=True)
class SentenceCheck:
    """One sentence of a memo: what it claims, what it cites, and what is missing."""

    number: int
    text: str
    needs: tuple[str, ...]
    citations: tuple[Citation, ...]
    problems: tuple[str, ...]


@dataclass(frozen=True)
class MemoCheck:
    """The evidence check of a whole memo; renders as HTML in a notebook and as text elsewhere."""

    sentences: tuple[SentenceCheck, ...]
    message: str = ""  # set when there is no memo to check

    @property
    def claims(self) -> tuple[SentenceCheck, ...]:
        """The sentences that make a claim (they match a rule), cite a row, or judge (a loaded word)."""
        return tuple(s for s in self.sentences if s.needs or s.citations or s.problems)

    @property
    def lacking(self) -> tuple[SentenceCheck, ...]:
        """The sentences with a problem."""
        return tuple(s for s in self.sentences if s.problems)

    @property
    def ok(self) -> bool:
        """True when the memo makes claims and every one has the evidence it needs."""
        return not self.message and bool(self.claims) and not self.lacking

    def headline(self) -> str:
        if self.message:
            return self.message
        if not self.claims:
            return ("No sentence makes a claim the check can see (no stance, amount, date or quote) and none "
                    "cites a row: write your memo's claims, each with the row id it rests on in square brackets.")
        n, bad = len(self.claims), len(self.lacking)
        if not bad:
            return (f"{n} sentence{'s' if n != 1 else ''} checked: each cites a row of the right kind, names that "
                    "row's actor, uses only numbers the row gives, and has no loaded word. The check cannot tell "
                    "whether a sentence reports its row fairly: read each one beside its row.")
        return (f"{bad} of {n} sentences that make a claim lack evidence or need rewording. Checked: each cites a "
                "row of the right kind, names that row's actor, uses only numbers the row gives, and has no loaded "
                "word. Fix them and check again.")

    def __str__(self) -> str:
        lines = [self.headline()]
        for s in self.lacking:
            lines.append(f"Sentence {s.number}: {s.text}")
            lines += [f"  - {p}" for p in s.problems]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        colour = "#009E73" if self.ok else "#D55E00"
        title = "Evidence check passed" if self.ok else "Evidence check"
        parts = [f'<p style="border-left:4px solid {colour};padding-left:0.5em"><strong>{title}:</strong> '
                 f"{html_text(self.headline())}</p>"]
        if self.lacking:
            items = []
            for s in self.lacking:
                problems = "".join(f"<li>{html_text(p)}</li>" for p in s.problems)
                items.append(f"<li><strong>Sentence {s.number}:</strong> <q>{html_text(s.text)}</q>"
                             f"<ul>{problems}</ul></li>")
            parts.append('<ol class="lessonkit-memo-problems" style="list-style:none;padding-left:0">'
                         f"{''.join(items)}</ol>")
        return no_math("".join(parts))


def _index() -> dict[str, tuple[str, dict]]:
    """Every citable id, with its table and row (kept while the data is unchanged: read it, never change it)."""
    return derived("citable ids", _citable)


def _citable() -> dict[str, tuple[str, dict]]:
    found: dict[str, tuple[str, dict]] = {}
    for table, key in TABLES.items():
        for row in load(table).to_dict("records"):
            found[str(row[key]).lower()] = (table, row)
    return found


def _date(value: Any) -> str:
    return long_date(value) if hasattr(value, "year") and value == value else ""


def _summary(table: str, row: dict) -> str:
    """A short account of one row, for the student and the teacher's report."""
    names = load("actors").set_index("actor_id")["name"]
    name = lambda a: str(names.get(a, a))  # noqa: E731
    if table == "positions":
        topic = load("topics").set_index("topic_id")["name"].get(row["topic_id"], row["topic_id"])
        return f"{name(row['actor_id'])} {row['stance']} on {topic} ({_date(row['date'])}): {row['summary']}"
    if table == "pledges":
        amount = f"{row['amount']:,.0f} {row['currency']}" if row["amount"] == row["amount"] else "no amount"
        return (f"{name(row['donor_id'])}: {label(row['kind'])}, {amount}, announced {_date(row['announced'])}: "
                f"{row['item']}")
    if table == "events":
        return f"{_date(row['date'])}: {row['title']}"
    if table == "actors":
        return str(row["name"])
    if table == "claims":
        return f"The seed article's claim {row['claim_id']} ({row['verdict']}): {row['claim']}"
    if table == "exchange_rates":
        return f"1 {row['base']} = {row['rate']} {row['quote']} on {_date(row['date'])}"
    return str(row.get("name", ""))


def resolve(row_id: str) -> Citation:
    """One cited id, resolved to its table and a summary of the row.

    >>> resolve("gbr").table
    'actors'
    >>> resolve("no-such-row").table is None
    True
    """
    key = row_id.strip().strip("`'\"").lower()
    found = _index().get(key)
    if found is None:
        return Citation(key, None, "")
    table, row = found
    return Citation(key, table, _summary(table, row))


def citations(text: str) -> list[Citation]:
    """Every id a memo cites, in order, each once, resolved (for the teacher's report).

    >>> [c.table for c in citations("The UK hosted [gbr] and said so [gbr; london-summit].")]
    ['actors', 'events']
    """
    seen: dict[str, Citation] = {}
    for group in _CITATION.findall(text if isinstance(text, str) else ""):
        for part in re.split(r"[;,]", group):
            if part.strip() and part.strip().lower() not in seen:
                seen[part.strip().lower()] = resolve(part)
    return list(seen.values())


def sentences(text: str) -> list[str]:
    """A memo split into sentences; a citation after the full stop belongs to its sentence.

    >>> sentences("We support it. [a] Mr. Smith said no.\\n- A list item")
    ['We support it [a].', 'Mr. Smith said no.', '- A list item']
    """
    text = re.sub(r"([.!?])[ \t]*((?:\[[^\[\]\n]*\][ \t]*)+)(?=\s|$)",
                  lambda m: " " + m.group(2).strip() + m.group(1) + " ", text)
    blocks: list[str] = []
    for line in text.splitlines():
        if not line.strip() or _BLOCK.match(line) or not blocks or not blocks[-1]:
            blocks.append(line.strip())
        else:
            blocks[-1] += " " + line.strip()
    out = []
    for block in filter(None, blocks):
        start = 0
        for m in _END.finditer(block):
            words = block[start:m.start()].split()
            nxt = block[m.end():m.end() + 1]
            list_number = len(words) == 1 and re.fullmatch(r"\d+[.)]?", words[0])
            if words and (words[-1].lower().rstrip(".") in _ABBREVIATIONS or nxt.islower() or list_number):
                continue
            out.append(block[start:m.end()].strip())
            start = m.end()
        if block[start:].strip():
            out.append(block[start:].strip())
    return out


def _example(table: str) -> str:
    return str(load(table)[TABLES[table]].iloc[0])


# Words that judge instead of report, and insults: flagged outside quotation marks.
LOADED = re.compile(r"\b(obviously|clearly|of course|everyone knows|everybody knows|no doubt|undeniabl[ey]"
                    r"|nazis?|idiots?|stupid|liars?|lying|puppets?|warmongers?|thugs?|evil|nobodies|pathetic"
                    r"|shameful|disgraceful|cowards?|cowardly)\b", re.I)
_QUOTED = re.compile(r"[\"“][^\"”]*[\"”]")
_DEMONYMS = {"british": "united kingdom", "english": "united kingdom", "french": "france", "german": "germany",
             "italian": "italy", "polish": "poland", "spanish": "spain", "dutch": "netherlands", "danish": "denmark",
             "swedish": "sweden", "finnish": "finland", "norwegian": "norway", "turkish": "turkey", "czech":
             "czech republic", "romanian": "romania", "canadian": "canada", "russian": "russia", "ukrainian": "ukraine",
             "american": "united states", "european": "european union"}
_DATES = re.compile(rf"\b\d{{1,2}}(st|nd|rd|th)?\s+({_MONTHS})\b|\b({_MONTHS})\s+\d{{1,2}}(st|nd|rd|th)?\b"
                    r"|\b(19|20)\d\d\b")
_NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?")


def _names_of(actor_id: str) -> set[str]:
    """The ways a sentence may name an actor: its name, a person's surname, and the people who
    speak for a state or organisation (normalised)."""
    from .._checkers import normalize

    actors = load("actors")
    names: set[str] = set()
    for _, a in actors[(actors["actor_id"] == actor_id) | (actors["represents"] == actor_id)].iterrows():
        full = normalize(str(a["name"]))
        names.add(full)
        if a["kind"] == "person":
            names.add(full.split()[-1])
    return names


def _row_actors(table: str, row: dict) -> list[str]:
    """The actors a cited row is about: its actor or speaker, its donor and recipient, its actors."""
    if table == "positions":
        return [x for x in (row.get("actor_id"), row.get("quote_speaker_id")) if isinstance(x, str) and x]
    if table == "pledges":
        return [x for x in (row.get("donor_id"), row.get("recipient_id")) if isinstance(x, str) and x]
    if table == "events":
        return [x.strip() for x in str(row.get("actor_ids") or "").split(";") if x.strip()]
    if table == "actors":
        return [str(row.get("actor_id"))]
    return []


def _names_actor(words: str, actors: list[str]) -> bool:
    from .._checkers import normalize

    said = " " + normalize(words) + " "
    if re.search(r" (we|our|us|he|she|they|his|her|their|its|it|this) ", said):
        return True  # a memo speaks for its actor in the first person, or points back to the last sentence
    for demonym, state in _DEMONYMS.items():
        said = said.replace(f" {demonym} ", f" {state} ")
    return any(f" {name} " in said for a in actors for name in _names_of(a))


def _row_numbers(table: str, row: dict) -> list[float]:
    """The numbers a cited row gives: a pledge's amount (in units, millions and billions) and
    quantity, and every number in the row's text."""
    found: list[float] = []
    for key in ("amount", "quantity"):
        value = row.get(key)
        if isinstance(value, (int, float)) and value == value:
            found += [float(value), value / 1e6, value / 1e9]
    for key in ("as_reported", "item", "note", "summary", "quote", "quote_english", "title", "role"):
        found += [float(n.replace(",", "")) for n in _NUMBER.findall(str(row.get(key) or ""))]
    return found


def _number_problems(words: str, cited: list, index: dict[str, tuple[str, dict]]) -> list[str]:
    rows = [(c.id, *index[c.id]) for c in cited if c.table == "pledges" and c.id in index]
    if not rows:
        return []
    known = [n for _, table, row in rows for n in _row_numbers(table, row)]
    problems = []
    for text in _NUMBER.findall(_DATES.sub(" ", words)):
        n = float(text.replace(",", ""))
        if not any(math.isclose(n, k, rel_tol=0.02) or round(k, 1) == n or round(k) == n for k in known):
            ids = ", ".join(f"[{i}]" for i, _, _ in rows)
            problems.append(f"the number {text} is not one that {ids} gives: use the row's own figure, in its unit, "
                            "or say how you converted it.")
    return problems


def _kind_problems(words: str, cited: list, index: dict[str, tuple[str, dict]]) -> list[str]:
    gifts = [m for m in re.finditer(r"\b(gift|gave|give[sn]?|grant|donat\w*)\b", words, re.I)
             if not re.search(r"\bnot\b|\bno\b", words[max(0, m.start() - 8):m.start()], re.I)]
    if not gifts:
        return []
    return [f"it calls the money a gift, but [{c.id}] is {str(index[c.id][1].get('kind')).replace('_', ' ')}, "
            "which is not given away." for c in cited
            if c.table == "pledges" and c.id in index and index[c.id][1].get("kind") not in ("grant", "military_aid")]


def _check_sentence(number: int, text: str, index: dict[str, tuple[str, dict]]) -> SentenceCheck:
    words = _BLOCK.sub("", _CITATION.sub(" ", text))  # neither ids nor list numbers are claims
    needs = () if words.rstrip().endswith("?") else tuple(r.name for r in RULES if r.pattern.search(words))
    cited = citations(text)
    problems = []
    for c in cited:
        if c.table is None:
            sources = set(load("sources")["source_id"].str.lower())
            if c.id in sources:
                problems.append(f"[{c.id}] is a source, not a row of the data: cite the row that uses it "
                                "(a position, pledge or event).")
            else:
                close = difflib.get_close_matches(c.id, list(index), n=1)
                hint = f"; did you mean [{close[0]}]?" if close else "; copy the id from the table or the role card."
                problems.append(f"[{c.id}] is not a row id in the data{hint}")
    tables = {c.table for c in cited if c.table}
    for rule in RULES:
        if rule.name not in needs or tables & set(rule.tables):
            continue
        wanted = _table_words(rule.tables)
        if not cited:
            problems.append(f"it has {rule.shown_by} but cites no row: add the id of a {wanted} row in square "
                            f"brackets, like [{_example(rule.tables[0])}].")
        elif tables:
            got = ", ".join(f"[{c.id}] is a {c.table.replace('_', ' ')} row" for c in cited if c.table)
            problems.append(f"it has {rule.shown_by}, which needs a {wanted} row; {got}.")
    own = _QUOTED.sub(" ", words)  # words in quotation marks are someone else's, reported
    for c in cited:
        if c.table in ("positions", "pledges") and c.id in index:
            actors = _row_actors(*index[c.id])
            if actors and not _names_actor(own + " " + words, actors):
                who = ", ".join(sorted({str(fact_row('actors', a)['name']) for a in actors if _known_actor(a)}))
                problems.append(f"[{c.id}] is about {who}, but the sentence does not name them: say who said or did it.")
    problems += _number_problems(words, cited, index)
    problems += _kind_problems(words, cited, index)
    loaded = sorted({m.group(0).lower() for m in LOADED.finditer(own)})
    if loaded:
        problems.append(f"{', '.join(repr(w) for w in loaded)} judges or insults instead of reporting: say who holds "
                        "the view, in their words and in quotation marks, or leave it out.")
    return SentenceCheck(number, text, needs, tuple(cited), tuple(dict.fromkeys(problems)))


def _known_actor(actor_id: str) -> bool:
    return actor_id in set(load("actors")["actor_id"])


def check_memo(text: Any) -> MemoCheck:
    """Check that every claim of a memo cites a row of the right kind, sentence by sentence.

    >>> result = check_memo("The UK hosted the summit [london-summit]. It supports a coalition.")
    >>> result.headline().startswith("1 of 2 sentences that make a claim lack evidence or need rewording. Checked:")
    True
    >>> [(s.number, s.text) for s in result.lacking]
    [(2, 'It supports a coalition.')]
    >>> result.lacking[0].problems[0].endswith("add the id of a positions row in square brackets, like "
    ...                                        "[gbr-security-guarantees-20250302].")
    True

    Never raises: a memo that is not text gets a message saying what to write.
    """
    if text is ... or text is None or (isinstance(text, str) and not text.strip()):
        return MemoCheck((), 'Not attempted yet: write your memo as text in triple quotes in place of the ..., '
                             'like memo = """Our position ...""", then run the cell.')
    if not isinstance(text, str):
        return MemoCheck((), f"A memo is text: write it between triple quotes (\"\"\" ... \"\"\"), not as a "
                             f"{type(text).__name__}.")
    index = _index()
    return MemoCheck(tuple(_check_sentence(i, s, index) for i, s in enumerate(sentences(text), start=1)))
