"""What grading writes: the gradebook, one feedback file per student, the class report.

Every file is written atomically (a temporary file, then one rename) and its content
depends only on the results, never on the time or the order of the run, so grading the
same submissions twice gives the same bytes.
"""

from __future__ import annotations

import csv
import functools
import html
import io
import re
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..._feedback import Status
from .sanitize import NAME_CHARS, PROBLEM_CHARS, clean

_FORMULA = ("=", "+", "-", "@", "\t", "\r")
WRITERS = 8  # threads writing feedback files


@dataclass(frozen=True, slots=True)
class Row:
    """One gradebook row: a student's scores and why the submission was not (fully) graded."""

    student: str
    file: str
    kind: str
    graded: bool
    scores: dict[str, int] = field(default_factory=dict)
    verdicts: dict[str, Any] = field(default_factory=dict)  # (status, message) per exercise
    problems: list[str] = field(default_factory=list)
    digest: str = ""  # hash of the file's bytes ('' for an empty or unreadable file)
    answers: dict[str, str] = field(default_factory=dict)  # a fingerprint of each counted answer
    written: dict[str, str] = field(default_factory=dict)  # the text of each written answer and prediction
    folder: str = ""  # the student's folder, shown beside the name when the two differ
    credit: str = ""  # which file gave which credit, when the row counts several files
    digests: tuple[str, ...] = ()  # hashes of every file the row counts (for identical files)
    who: Any = None  # the student across lessons: a folder's path, or the row's name for a loose file
    files: int = 1  # how many files the row counts

    @property
    def total(self) -> int | None:
        """Exercises correct, or None when the submission was not graded."""
        return sum(self.scores.values()) if self.graded else None

    @property
    def problem(self) -> str:
        """All problems in one cell, each made one bounded, printable line."""
        return "; ".join(clean(p, PROBLEM_CHARS) for p in self.problems)

    @property
    def name(self) -> str:
        """The student id, made one bounded, printable line."""
        return clean(self.student, NAME_CHARS + 20) or "(no name)"

    @property
    def where(self) -> str:
        """The file, made one bounded, printable line."""
        return clean(self.file, NAME_CHARS * 2)


def unique_students(rows: list[Row]) -> list[Row]:
    """Loose files' rows (files in no student's folder) sorted by student: one row per student
    where that is safe, every doubt in ``problem``.

    Names are compared by :func:`lessonkit.teacher.grading.identity.comparable`. A student who
    handed in one notebook and one learning record gets one row (see :func:`merge`). Any
    other group keeps one row per submission, numbered and flagged: two submissions of one
    kind, or names that look alike but are written with different characters.

    >>> rows = unique_students([Row("ana", "b.ipynb", "notebook", True), Row("Ana", "a.json", "record", True)])
    >>> [(r.student, r.file) for r in rows]
    [('ana', 'b.ipynb + a.json')]
    >>> two = [Row("ana", "a.json", "record", True), Row("ana", "b.json", "record", True)]
    >>> [r.student for r in unique_students(two)]
    ['ana', 'ana (2)']
    """
    from .identity import comparable, look_alike_note

    groups: dict[str, list[Row]] = {}
    for r in sorted(rows, key=lambda r: (r.student.casefold(), r.student, r.file)):
        groups.setdefault(comparable(r.student), []).append(r)
    out = []
    for members in groups.values():  # in the order of each group's first name, as a reader sorts
        spellings = {unicodedata.normalize("NFKC", r.student).casefold() for r in members}
        if len(members) == 1:
            out += [replace(members[0], who=("loose", members[0].student))]
            continue
        if len(spellings) == 1 and sorted(r.kind for r in members) == ["notebook", "record"]:
            out.append(replace(merge(members), who=("loose", members[0].student)))
            continue
        if len(spellings) > 1:
            note = look_alike_note(r.student for r in members)
        else:
            note = (f"{len(members)} submissions for {members[0].student!r} "
                    f"({', '.join(r.file for r in members)}); one row each")
        for n, r in enumerate(members, 1):
            name = r.student if n == 1 else f"{r.student} ({n})"
            out.append(replace(r, student=name, problems=[*r.problems, note], who=("loose", name)))
    return out


def merge(files: list[Row]) -> Row:
    """One student's files of one lesson as one row: each exercise gets the better of their results.

    Every file's answers were checked with the key (a record's too), so the best of them is
    evidence the student gave a right answer; an empty or unchanged notebook scores nothing
    and so never lowers what a record shows. ``credit`` says which file gave which credit;
    each file's problems are kept, named by their file. Notebooks come first where two files
    give the same.

    >>> nb = Row("ana", "a/x.ipynb", "notebook", True, {"q.a": 1, "q.b": 0}, digest="1")
    >>> rec = Row("ana", "a/r.json", "record", True, {"q.a": 0, "q.b": 1}, digest="2")
    >>> row = merge([rec, nb])
    >>> row.scores, row.total, row.credit, row.file
    ({'q.a': 1, 'q.b': 1}, 2, 'a/x.ipynb: q.a; a/r.json: q.b', 'a/x.ipynb + a/r.json')
    """
    files = sorted(files, key=lambda r: (r.kind != "notebook", r.file))
    graded = [r for r in files if r.graded]
    labels = " + ".join(r.file for r in files)
    digests = tuple(d for r in files for d in (r.digests or ((r.digest,) if r.digest else ())))
    several = len(files) > 1

    def named(r: Row) -> list[str]:
        return [f"{r.file}: {p}" if several else p for p in r.problems]

    problems = [p for r in files for p in named(r)]
    if not graded:
        return replace(files[0], file=labels, problems=problems, digest=files[0].digest, digests=digests,
                       files=len(files))
    scores: dict[str, int] = {}
    verdicts: dict[str, Any] = {}
    answers: dict[str, str] = {}
    written: dict[str, str] = {}
    credited: dict[str, list[str]] = {}
    for e in dict.fromkeys(e for r in graded for e in r.scores):
        best = max(r.scores.get(e, 0) for r in graded)
        answered = [r for r in graded if e in r.answers]
        giver = next((r for r in graded if r.scores.get(e, 0) == best and (best or e in r.answers)),
                     answered[0] if answered else graded[0])
        scores[e] = best
        if e in giver.verdicts:
            verdicts[e] = giver.verdicts[e]
        if e in giver.answers:
            answers[e] = giver.answers[e]
        if best:
            credited.setdefault(giver.file, []).append(e)
    for r in graded:
        for e, text in r.written.items():
            written.setdefault(e, text)
    credit = "; ".join(f"{f}: {', '.join(ids)}" for f, ids in credited.items()) if several else ""
    return replace(graded[0], file=labels, scores=scores, verdicts=verdicts, answers=answers, written=written,
                   problems=problems, credit=credit, digest=graded[0].digest, digests=digests, files=len(files))


def _cell(value: Any) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def gradebook_csv(exercise_ids: list[str], rows: list[Row]) -> str:
    """A lesson's gradebook: student, folder (when it differs from the name), file(s), one column
    per exercise (1/0, empty if not graded), total, credit (which file gave which credit, when
    the row counts several) and problem."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["student", "folder", "file", *exercise_ids, "total", "credit", "problem"])
    for r in rows:
        scores = [r.scores.get(e, 0) if r.graded else "" for e in exercise_ids]
        w.writerow([_cell(r.name), _cell(clean(r.folder, NAME_CHARS)), _cell(r.where), *scores,
                    "" if r.total is None else r.total, _cell(clean(r.credit, PROBLEM_CHARS)), _cell(r.problem)])
    return buf.getvalue()


def counts(rows: list[Row]) -> str:
    """Students and files counted apart, in words.

    >>> counts([Row("a", "x + y", "notebook", True, files=2), Row("b", "z", "record", True)])
    '2 students, 3 files'
    """
    files = sum(r.files for r in rows)
    return f"{len(rows)} student{'s' * (len(rows) != 1)}, {files} file{'s' * (files != 1)}"


def overview_csv(lessons: list[tuple[str, int]], students: list[tuple[Any, str, str]],
                 rows: dict[str, dict[Any, Row]]) -> str:
    """The overview: one row per student, one column per lesson (exercises correct, empty when
    nothing of that lesson was handed in or it could not be graded), and the lessons whose
    row has problems (see each lesson's gradebook).

    lessons is [(lesson, exercises scored)], students [(who, name, folder)], rows the rows of
    each lesson by student."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["student", "folder", *(f"{lesson} (of {n})" for lesson, n in lessons), "problem"])
    for who, name, folder in students:
        cells, flagged = [], []
        for lesson, _ in lessons:
            row = rows[lesson].get(who)
            cells.append("" if row is None or row.total is None else row.total)
            if row is not None and row.problems:
                flagged.append(lesson)
        problem = f"see the gradebook of {', '.join(flagged)}" if flagged else ""
        w.writerow([_cell(clean(name, NAME_CHARS + 20)), _cell(clean(folder, NAME_CHARS)), *cells, problem])
    return buf.getvalue()


@functools.lru_cache(maxsize=4096)  # prompts, hints and the key's messages recur for every student
def _md(text: str) -> str:
    """Student-controlled text made inert in Markdown (no HTML, links or emphasis)."""
    text = html.escape(clean(text, PROBLEM_CHARS * 4), quote=False)
    return re.sub(r"([\\`*_\[\]#|])", r"\\\1", text)


def _words(status: str) -> str:
    """A verdict's status in a sentence (see Status.words); 'not yet' for one no checker gives."""
    try:
        return Status(status).words if status != Status.RECORDED else Status.INCORRECT.words
    except ValueError:
        return Status.INCORRECT.words


def feedback_markdown(lesson: str, exercises: dict, row: Row) -> str:
    """Feedback for one student: what was right, what to revisit (prompt, checker's message, first hint).

    Never the expected answer: only the prompt, the checker's message about the student's
    own answer and the lesson's first hint.
    """
    lines = [f"# Feedback on lesson {lesson}: {_md(row.name)}", "", f"Submission: {_md(row.where)}", ""]
    if not row.graded:
        lines += ["Your submission could not be graded:", "", f"> {_md(row.problem)}", "",
                  "Please check the file and talk to your teacher.", ""]
        return "\n".join(lines)
    lines += [f"**{row.total} of {len(exercises)} exercises correct.**", ""]
    right = [e for e in exercises if row.scores.get(e)]
    again = [e for e in exercises if not row.scores.get(e)]
    if right:
        lines += ["## What you got right", ""]
        lines += [f"- **{e}**: {_md(exercises[e].prompt)}" for e in right]
        lines.append("")
    if again:
        lines += ["## What to revisit", ""]
        for e in again:
            status, message = (row.verdicts.get(e) or ["not_attempted", "no answer was checked."])[:2]
            lines.append(f"- **{e}**: {_md(exercises[e].prompt)}")
            lines.append(f"  - Your last answer: {_words(status)}: {_md(message)}")
            if exercises[e].hints:
                lines.append(f"  - Hint: {_md(exercises[e].hints[0])}")
        lines.append("")
    if row.problems:
        lines += ["## Notes from grading", ""] + [f"- {_md(clean(p, PROBLEM_CHARS))}" for p in row.problems] + [""]
    return "\n".join(lines)


def chart_html(exercise_ids: list[str], rates: list[float], lesson: str, graded: int, alt: str) -> str:
    """A horizontal bar chart, in HTML and CSS, of the share of graded students passing
    each exercise: it needs no plotting library, prints, scales, and reads aloud (role=img
    with the alt text, and every bar carries its number as text)."""
    e = html.escape
    bars = "".join(
        f'<div class="row"><span class="label"><code>{e(i)}</code></span>'
        f'<span class="track"><span class="bar" style="width:{r:.1f}%"></span></span>'
        f'<span class="value">{r:.0f}%</span></div>' for i, r in zip(exercise_ids, rates))
    return (f'<div class="chart" role="img" aria-label="{e(alt)}">'
            f'<p class="title">Lesson {e(lesson)}: share of students passing each exercise</p>{bars}'
            f'<p class="axis">students passing (% of {graded} graded), from 0% to 100%</p></div>')


def report_html(lesson: str, exercises: dict, rows: list[Row], notes: list[str]) -> str:
    """The class report: bar chart, per-exercise table (scored exercises), written answers and
    predictions, problems and run notes, all escaped."""
    from ..own_views import own_views_html, split
    from ..written import is_recorded, written_html

    e = html.escape
    ids = [i for i, x in exercises.items() if not is_recorded(x)]
    graded = [r for r in rows if r.graded]  # one row per student
    passed = [sum(r.scores.get(i, 0) for r in graded) for i in ids]
    rates = [100 * p / len(graded) if graded else 0.0 for p in passed]
    alt = (f"Bar chart of the share of the {len(graded)} graded students passing each exercise of lesson "
           f"{lesson}: " + ", ".join(f"{i} {r:.0f}%" for i, r in zip(ids, rates)) + ".")
    chart = chart_html(ids, rates, lesson, len(graded), alt)
    mean = sum(sum(r.scores.get(i, 0) for i in ids) for r in graded) / len(graded) if graded else 0
    table = "".join(
        f"<tr><td><code>{e(i)}</code></td><td>{e(exercises[i].prompt)}</td>"
        f"<td class=n>{p}</td><td class=n>{len(graded)}</td><td class=n>{r:.0f}%</td></tr>"
        for i, p, r in zip(ids, passed, rates))
    problems = "".join(f"<li><strong>{e(r.name)}</strong> (<code>{e(r.where)}</code>"
                       f"{'' if r.graded else ', not graded'}): {e(r.problem)}</li>"
                       for r in rows if r.problems)
    copies = copies_html(rows, len(ids), ids)

    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Class report: lesson {e(lesson)}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 60em; margin: 2em auto; padding: 0 1em; color: #111; }}
table {{ border-collapse: collapse; }} th, td {{ border: 1px solid #999; padding: 0.3em 0.6em; text-align: left; }}
td.n {{ text-align: right; }}
.chart {{ max-width: 40em; }} .chart .title {{ font-weight: bold; }}
.chart .row {{ display: flex; align-items: center; gap: 0.5em; margin: 0.2em 0; }}
.chart .label {{ width: 12em; text-align: right; }} .chart .value {{ width: 3em; }}
.chart .track {{ flex: 1; background: #eee; height: 1.2em; }}
.chart .bar {{ display: block; background: #0072B2; height: 100%; }}
.chart .axis {{ font-size: 0.9em; color: #333; }}
section.written td {{ vertical-align: top; }} ul.cited {{ font-size: 0.9em; }}
</style>
</head>
<body>
<h1>Class report: lesson {e(lesson)}</h1>
<p>{counts(rows)}; {len(graded)} student{'s' * (len(graded) != 1)} graded; mean score over students {mean:.1f} of {len(ids)}.
{len(rows) - len(graded)} could not be graded and {sum(bool(r.problems) for r in rows)} have problems (listed below).</p>
<h2>Exercises</h2>
<figure>
{chart}
<figcaption>Share of graded students whose answer to each exercise is correct.</figcaption>
</figure>
<table>
<caption>Students passing each exercise</caption>
<thead><tr><th scope=col>exercise</th><th scope=col>prompt</th><th scope=col>passed</th>
<th scope=col>graded</th><th scope=col>rate</th></tr></thead>
<tbody>{table}</tbody>
</table>
{own_views_html(exercises, rows)}
{written_html(split(exercises)[1], rows)}
<h2>Problems</h2>
{f"<ul>{problems}</ul>" if problems else "<p>None.</p>"}
<h2>Possible copies</h2>
{copies}
<h2>Run notes</h2>
<ul>{"".join(f"<li>{e(clean(n, 1000))}</li>" for n in notes)}</ul>
</body>
</html>
"""


def copies_html(rows: list[Row], n_exercises: int, marked: list[str] | None = None) -> str:
    """The report's list of submissions that are identical or nearly so, worded neutrally."""
    from .copies import possible_copies

    e = html.escape
    pairs = possible_copies(rows, n_exercises, marked)
    if not pairs:
        return "<p>No two submissions are identical or nearly so.</p>"
    items = "".join(f"<li><strong>{e(c.first.student)}</strong> (<code>{e(c.first.file)}</code>) and "
                    f"<strong>{e(c.second.student)}</strong> (<code>{e(c.second.file)}</code>): {e(c.reason)}</li>"
                    for c in pairs)
    return ("<p>These submissions are identical or nearly so. That can have an ordinary reason (students "
            "who worked together, a shared computer, the same common mistake); they are listed for you to "
            f"look at, not as a finding. Students do not see this list.</p><ul>{items}</ul>")


def feedback_names(rows: list[Row]) -> list[str]:
    """A file name per row, from the student id, safe and unique.

    >>> feedback_names([Row("Ana Li", "a", "record", True), Row("ana/li", "b", "record", True)])
    ['Ana_Li.md', 'ana_li-2.md']
    """
    names, used = [], set()
    for r in rows:
        stem = re.sub(r"[^A-Za-z0-9._-]+", "_", r.name).strip("._-")[:80] or "student"
        name, n = f"{stem}.md", 1
        while name.casefold() in used:
            n += 1
            name = f"{stem}-{n}.md"
        used.add(name.casefold())
        names.append(name)
    return names


def write_all(out: Path, lesson: str, exercises: dict, rows: list[Row], notes: list[str]) -> None:
    """Write gradebook.csv, feedback/*.md, report.html and run-notes.txt into out/<lesson>/, atomically
    (the lesson's folder is opened from out's handle: a link planted in its place is replaced, not followed).

    Written answers and predictions are never scored: they have no gradebook column and no
    place in a student's score; the report shows them in a section of their own."""
    from ..written import is_recorded
    from . import outdir

    exercises_all, exercises = exercises, {i: x for i, x in exercises.items() if not is_recorded(x)}
    ids = list(exercises)
    names = feedback_names(rows)
    with outdir.OutFolder.open(out) as top, top.folder(lesson) as root, root.folder("feedback") as folder:
        # nothing in out is followed
        with ThreadPoolExecutor(WRITERS) as pool:  # creating files mostly waits on the disk: a few at once
            for start in range(0, len(rows), 256):  # in batches, so a large class's texts are never all in memory
                texts = [(name, feedback_markdown(lesson, exercises, row))
                         for row, name in zip(rows[start:start + 256], names[start:start + 256])]
                list(pool.map(lambda item: folder.write(*item), texts))
        outdir.remove_stale_feedback(out / lesson, folder, names)
        root.write("report.html", report_html(lesson, exercises_all, rows, notes), sync=True)
        root.write("run-notes.txt", "\n".join(clean(n, 1000) for n in notes) + "\n", sync=True)
        root.write("gradebook.csv", gradebook_csv(ids, rows), sync=True)  # last: its presence means a finished run
