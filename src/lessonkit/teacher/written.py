"""The class report's section of written answers and predictions, for the teacher to read.

Written answers (kind ``written``) and predictions are recorded, never scored. The report
shows them grouped by exercise, each exercise with the rubric from its definition. A cited
row id in square brackets (``[uk-era-loan-ht-gbp]``, or ``[id1; id2]``) is looked up in every
table of the data package and shown with the row's text and its source, so the teacher can
see what a memo's claims rest on; an id no table has is said to be missing.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

RECORDED_KINDS = ("Written", "Prediction")
CITATION = re.compile(r"\[([^\[\]\n]{1,200})\](?!\()")  # [id] or [id1; id2], not a Markdown link [text](url)
TEXT_COLUMNS = ("summary", "title", "claim", "item", "name", "note", "question")
DETAIL_COLUMNS = ("stance", "amount", "currency", "date", "announced", "verdict")  # shown after the text
MAX_ANSWER = 20_000  # characters of one answer shown


@dataclass(frozen=True)
class CitedRow:
    """One cited id: the table that has it (None if none has), the row's text and its source."""

    id: str
    table: str | None
    text: str = ""
    source: str = ""
    url: str = ""


def is_recorded(exercise: Any) -> bool:
    """True for the kinds that are recorded for the teacher and never scored."""
    return type(exercise).__name__ in RECORDED_KINDS


def recorded_text(answer_json: Any) -> str:
    """A recorded answer (in its record form) as the text the teacher reads.

    >>> recorded_text("Because the loan is repaid from [uk-era-loan-ht-gbp].")
    'Because the loan is repaid from [uk-era-loan-ht-gbp].'
    >>> recorded_text(2.5)
    '2.5'
    """
    from .._answers import from_json

    try:
        answer = from_json(answer_json)
    except Exception:  # not in a form check() writes: show it as saved
        answer = answer_json
    return answer if isinstance(answer, str) else repr(answer)


def _index() -> dict[str, tuple[str, dict]]:
    """Every row of every table by its id (lower case), from the data package alone."""
    from .._data import load_package

    package = load_package()
    found: dict[str, tuple[str, dict]] = {}
    for resource in package.descriptor["resources"]:
        key = resource["schema"]["primaryKey"]
        for row in package.tables[resource["name"]].to_dict("records"):
            found.setdefault(str(row[key]).lower(), (resource["name"], row))
    return found


def _key(row_id: str) -> str:
    """A cited id as looked up: without spaces, quotes or backticks, in lower case."""
    return row_id.strip().strip("`'\"").lower()


def _plain(value: Any) -> str:
    """A cell as a reader wants it: whole numbers with thousands separators, dates as dates."""
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):,}"
    if hasattr(value, "date") and callable(value.date):
        return value.date().isoformat()
    return str(value)


def _present(value: Any) -> bool:
    return value is not None and value == value and str(value).strip() != ""


def resolve(row_id: str, index: dict[str, tuple[str, dict]] | None = None) -> CitedRow:
    """One cited id, looked up in the data.

    >>> resolve("gbr").table
    'actors'
    >>> resolve("no-such-row").table is None
    True
    """
    from .._data import source, source_name

    key = _key(row_id)
    found = (index if index is not None else _index()).get(key)
    if found is None:
        return CitedRow(key, None)
    table, row = found
    text = next((str(row[c]) for c in TEXT_COLUMNS if c in row and _present(row[c])), "")
    quote = row.get("quote_english") if _present(row.get("quote_english")) else row.get("quote")
    if _present(quote):
        text += f" Quoted: “{quote}”"
    details = [f"{c}: {_plain(row[c])}" for c in DETAIL_COLUMNS if c in row and _present(row[c])]
    if details:
        text += f" ({'; '.join(details)})"
    sid = row.get("source_id")
    src, url = "", ""
    if _present(sid):
        try:
            src, url = source_name(str(sid)), str(source(str(sid)).get("url") or "")
        except Exception:  # a source the package does not describe: show the id itself
            src = str(sid)
    return CitedRow(key, table, text, src, url)


def cited(text: str, index: dict[str, tuple[str, dict]] | None = None) -> list[CitedRow]:
    """Every id an answer cites, in order, each once, resolved.

    >>> [(c.id, c.table) for c in cited("The UK hosted [gbr] and said so [gbr; nowhere].")]
    [('gbr', 'actors'), ('nowhere', None)]
    """
    index = index if index is not None else _index()
    seen: dict[str, CitedRow] = {}
    for group in CITATION.findall(text):
        for part in re.split(r"[;,]", group):
            key = _key(part)
            if key and key not in seen:
                seen[key] = resolve(key, index)
    return list(seen.values())


def _answer_html(text: str, anchors: dict[str, str]) -> str:
    """An answer, escaped, with each cited id linked to its row below."""
    e = html.escape
    out, last = [], 0
    for m in CITATION.finditer(text):
        out.append(e(text[last:m.start()]))
        linked = "".join(_link(p, anchors) for p in re.split(r"([;,])", m.group(1)))
        out.append(f"[{linked}]")
        last = m.end()
    out.append(e(text[last:]))
    return "".join(out).replace("\n", "<br>")


def _link(part: str, anchors: dict[str, str]) -> str:
    """One id of a citation linked to its row below, the spaces around it kept outside the link."""
    if _key(part) not in anchors:
        return html.escape(part)
    word = part.strip()
    lead, trail = part[:len(part) - len(part.lstrip())], part[len(part.rstrip()):]
    return f'{lead}<a href="#{anchors[_key(part)]}">{html.escape(word)}</a>{trail}'


def _rows_html(rows: list[CitedRow], anchors: dict[str, str]) -> str:
    e = html.escape
    items = []
    for r in rows:
        if r.table is None:
            items.append(f'<li id="{anchors[r.id]}"><code>{e(r.id)}</code>: <strong>no table of the data has '
                         f"this id</strong></li>")
            continue
        source = f' Source: <a href="{e(r.url)}">{e(r.source)}</a>.' if r.url else (
            f" Source: {e(r.source)}." if r.source else "")
        text = r.text if not r.text or r.text.endswith((".", "?", "!", ")", "”")) else r.text + "."
        items.append(f'<li id="{anchors[r.id]}"><code>{e(r.id)}</code> ({e(r.table)}): {e(text)}{source}</li>')
    return f'<ul class="cited">{"".join(items)}</ul>'


def _shown(exercise: Any, answer: str) -> str:
    """A prediction among options shows the option's text beside its letter."""
    options = getattr(exercise, "options", None) or {}
    key = answer.strip().strip("'\"").lower()
    return f"({key}) {options[key]}" if key in options else answer


def written_html(exercises: dict, rows: list) -> str:
    """The report's section of written answers and predictions, grouped by exercise, escaped."""
    e = html.escape
    recorded = [i for i, ex in exercises.items() if is_recorded(ex)]
    head = "<h2>Written answers and predictions</h2>"
    if not recorded:
        return head + "<p>This lesson has no written or prediction exercise.</p>"
    index: dict[str, tuple[str, dict]] | None = None
    unreadable = ""
    parts = [head, "<p>These answers are recorded, not marked automatically. Read them with each exercise's "
                   "rubric; cited row ids are looked up in the data and listed under the answer.</p>"]
    for n, eid in enumerate(recorded, start=1):
        ex = exercises[eid]
        kind = "prediction" if type(ex).__name__ == "Prediction" else "written answer"
        parts.append(f'<section class="written"><h3><code>{e(eid)}</code> ({kind}): {e(ex.prompt)}</h3>')
        rubric = getattr(ex, "rubric", ()) or ()
        if rubric:
            parts.append("<p>Rubric:</p><ul class=\"rubric\">" + "".join(f"<li>{e(r)}</li>" for r in rubric) + "</ul>")
        if getattr(ex, "examples", None) is not None:  # the annotated example answers students can open
            parts.append(ex.examples.html())
        answers = [(r, r.written[eid]) for r in rows if r.graded and isinstance(getattr(r, "written", None), dict)
                   and isinstance(r.written.get(eid), str) and r.written[eid].strip()]
        if not answers:
            parts.append("<p>No answer yet.</p></section>")
            continue
        parts.append(f"<table><caption>{len(answers)} answer{'s' if len(answers) != 1 else ''} to "
                     f"<code>{e(eid)}</code></caption><thead><tr><th scope=col>student</th>"
                     "<th scope=col>answer</th></tr></thead><tbody>")
        for m, (row, text) in enumerate(answers, start=1):
            text = text[:MAX_ANSWER]
            if index is None and not unreadable and CITATION.search(text):
                try:
                    index = _index()
                except Exception as error:  # a broken data package costs the look-ups, not the report
                    unreadable = f"{type(error).__name__}: {error}"[:300]
                    parts.insert(2, f"<p><strong>Cited ids could not be looked up:</strong> the data package "
                                    f"could not be read ({e(unreadable)}).</p>")
            rows_cited = cited(text, index) if index is not None else []
            anchors = {c.id: f"cite-{n}-{m}-{k}" for k, c in enumerate(rows_cited, start=1)}
            body = _answer_html(_shown(ex, text), anchors)
            if rows_cited:
                body += "<p>Rows cited:</p>" + _rows_html(rows_cited, anchors)
            parts.append(f"<tr><td>{e(row.name)}</td><td>{body}</td></tr>")
        parts.append("</tbody></table></section>")
    return "".join(parts)
