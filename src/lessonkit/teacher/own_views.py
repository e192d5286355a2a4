"""The class report's section of own-view answers: each task's question and rubric, then every
student's option, evidence (cited rows looked up in the data) and what would change their
mind, side by side. Own views are recorded, never scored right or wrong."""

from __future__ import annotations

import html

from ..own_view import is_own_view, parts, task
from .written import CITATION, MAX_ANSWER, _answer_html, _index, _rows_html, cited


def split(exercises: dict) -> tuple[dict, dict]:
    """(own-view exercises, the others), each in the lesson's order."""
    own = {i: x for i, x in exercises.items() if is_own_view(i)}
    return own, {i: x for i, x in exercises.items() if i not in own}


def own_views_html(exercises: dict, rows: list) -> str:
    """The report's own-view section ('' when the lesson has no own-view task), escaped."""
    e = html.escape
    own, _ = split(exercises)
    if not own:
        return ""
    out = ["<h2>Own views</h2>", "<p>Each student weighed the options and argued a view of their own. These "
           "answers are recorded, never scored right or wrong: read them with the rubric, for the quality of "
           "the reasoning and the evidence, not for the view taken.</p>"]
    index: dict | None = None
    for n, eid in enumerate(own, start=1):
        ex = own[eid]
        out.append(f'<section class="written own-view"><h3><code>{e(eid)}</code> (own view): '
                   f"{e(task(eid).question)}</h3>")
        rubric = getattr(ex, "rubric", ()) or ()
        if rubric:
            out.append('<p>Rubric:</p><ul class="rubric">' + "".join(f"<li>{e(r)}</li>" for r in rubric) + "</ul>")
        if getattr(ex, "examples", None) is not None:  # the annotated example answers students can open
            out.append(ex.examples.html())
        answers = [(r, r.written[eid]) for r in rows if r.graded and isinstance(getattr(r, "written", None), dict)
                   and isinstance(r.written.get(eid), str) and r.written[eid].strip()]
        if not answers:
            out.append("<p>No answer yet.</p></section>")
            continue
        out.append(f"<table><caption>{len(answers)} own view{'s' if len(answers) != 1 else ''} on "
                   f"<code>{e(eid)}</code></caption><thead><tr><th scope=col>student</th><th scope=col>option</th>"
                   "<th scope=col>evidence</th><th scope=col>what would change their mind</th></tr></thead><tbody>")
        for m, (row, text) in enumerate(answers, start=1):
            text = text[:MAX_ANSWER]
            if index is None and CITATION.search(text):
                try:
                    index = _index()
                except Exception:  # noqa: BLE001 - a broken data package costs the look-ups, not the report
                    index = {}
            found = cited(text, index) if index else []
            anchors = {c.id: f"own-{n}-{m}-{k}" for k, c in enumerate(found, start=1)}
            p = parts(text)
            evidence = _answer_html(p["evidence"], anchors) + (
                "<p>Rows cited:</p>" + _rows_html(found, anchors) if found else "")
            out.append(f"<tr><td>{e(row.name)}</td><td>{_answer_html(p['option'], anchors)}</td>"
                       f"<td>{evidence}</td><td>{_answer_html(p['change'], anchors)}</td></tr>")
        out.append("</tbody></table></section>")
    return "".join(out)
