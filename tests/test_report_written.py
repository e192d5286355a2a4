"""The class report shows written answers and predictions, grouped by exercise with the
rubric, never scored; a memo's cited row ids are resolved from the data."""

from __future__ import annotations

import csv
import json
import re
import textwrap
from pathlib import Path

import pytest

from lessonkit._answers import to_json
from lessonkit._record import FORMAT
from lessonkit.teacher import cli, grading
from lessonkit.teacher.written import cited, resolve

from . import shown_text as st
from .lesson_source import front_matter

LESSON = front_matter('memo', 10) + textwrap.dedent('''\

    # A lesson with a prediction, a written answer and a memo

    ```{code-cell} ipython3
    from lessonkit import check
    ```

    ```{exercise}
    ---
    label: memo.guess
    kind: prediction
    level: prediction
    options:
      a: less than the UK's loan
      b: more than the UK's loan
    ---
    Guess before you look. Write the letter.
    ```

    ```{code-cell} ipython3
    :tags: [solution]
    # BEGIN SOLUTION
    guess = "a"
    # END SOLUTION
    check("memo.guess", guess)
    ```

    ```{exercise}
    ---
    label: memo.why
    kind: written
    level: evaluate
    min_words: 3
    rubric:
    - Names the row the claim rests on.
    - Says what the figure does not show.
    ---
    Why does the headline figure mislead? Write two sentences.
    ```

    ```{code-cell} ipython3
    :tags: [solution]
    # BEGIN SOLUTION
    why = "Because it is a loan, not a gift."
    # END SOLUTION
    check("memo.why", why)
    ```

    ```{exercise}
    ---
    label: memo.memo
    kind: written
    level: evaluate
    min_words: 3
    rubric:
    - Every claim cites a row id.
    ---
    Write your memo, citing row ids in square brackets.
    ```

    ```{code-cell} ipython3
    :tags: [solution]
    # BEGIN SOLUTION
    memo = "The UK hosted [gbr]."
    # END SOLUTION
    check("memo.memo", memo)
    ```
    ''')

MEMO = ("The United Kingdom hosted the summit [gbr]. Starmer backed a coalition of the willing "
        "[gbr-security-guarantees-20250302]. It also promised missiles [uk-lmm-ef-reuters-gbp; made-up-row].")


def _record(student: str, answers: dict) -> str:
    return json.dumps({"format": FORMAT, "lesson": "memo", "student": student,
                       "attempts": [{"exercise": k, "answer": to_json(v), "status": "recorded"}
                                    for k, v in answers.items()]})


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("written")
    (root / "keys").mkdir()
    (root / "keys" / "90-memo.md").write_text(LESSON, encoding="utf-8")
    subs, out = root / "class", root / "out"
    subs.mkdir()
    (subs / "ana.json").write_text(_record("Ana", {
        "memo.guess": "b", "memo.why": "It is a loan <script>alert(1)</script> to be repaid.",
        "memo.memo": MEMO}), encoding="utf-8")
    (subs / "ben.json").write_text(_record("Ben", {"memo.guess": "a", "memo.why": "The money is not new money."}),
                                   encoding="utf-8")
    mp = pytest.MonkeyPatch()
    mp.setenv("LESSONKIT_KEYS", str(root / "keys"))
    try:
        status = grading.main(cli.parser().parse_args(["grade", str(subs), "--out", str(out), "--lesson", "memo",
                                                       "--no-progress"]))
    finally:
        mp.undo()
    assert status == 0
    return out


def _section(page: str, label: str) -> str:
    """The report's section for one exercise."""
    m = re.search(rf'<section class="written"><h3><code>{re.escape(label)}</code>.*?</section>', page, re.S)
    assert m, f"no section for {label}"
    return m.group(0)


def test_answers_are_grouped_by_exercise_with_the_rubric(graded):
    page = (graded / "memo" / "report.html").read_text(encoding="utf-8")
    why = _section(page, "memo.why")
    assert "Names the row the claim rests on." in why and "Says what the figure does not show." in why
    assert "It is a loan &lt;script&gt;alert(1)&lt;/script&gt; to be repaid." in why and "<script>" not in page
    assert "The money is not new money." in why
    assert "Ana" in why and "Ben" in why
    guess = _section(page, "memo.guess")
    assert "(b) more than the UK&#x27;s loan" in guess and "(a) less than the UK&#x27;s loan" in guess
    assert "prediction" in guess
    assert "The money is not new money." not in guess  # each answer under its own exercise


def test_the_memo_is_shown_with_its_citations_resolved(graded):
    memo = _section((graded / "memo" / "report.html").read_text(encoding="utf-8"), "memo.memo")
    assert "Ben" not in memo and "Every claim cites a row id." in memo
    text = st.html_text(memo)
    assert "gbr (actors): United Kingdom" in text
    assert "gbr-security-guarantees-20250302 (positions): Starmer said Europe needed" in text
    assert "uk-lmm-ef-reuters-gbp (pledges): Export-finance deal" in text and "currency: GBP" in text
    assert "made-up-row: no table of the data has this id" in text
    links = re.findall(r'<a href="#(cite-[\w-]+)">([^<]+)</a>', memo)
    assert [name for _, name in links] == ["gbr", "gbr-security-guarantees-20250302", "uk-lmm-ef-reuters-gbp",
                                           "made-up-row"]
    assert all(f'id="{anchor}"' in memo for anchor, _ in links)
    assert "Business Standard" in text  # the source of the position row, with its class


def test_written_answers_and_predictions_are_not_scored(graded):
    with open(graded / "memo" / "gradebook.csv", newline="", encoding="utf-8") as f:
        rows = {r["student"]: r for r in csv.DictReader(f)}
    # no column: a gradebook column of zeros would read as a mark
    assert "memo.why" not in rows["Ana"] and "memo.guess" not in rows["Ana"] and rows["Ana"]["total"] == "0"


def test_a_notebook_s_written_answer_reaches_the_report(tmp_path, monkeypatch):
    """The same path for a handed-in notebook: run in the grader's sandbox, its memo is shown."""
    from lessonkit.teacher.editions import build
    from lessonkit.teacher.grading.cells import SOURCES_ENV, student_stubs

    from . import grading_cases as gc

    def fill(nb, answers: dict[str, str]):
        for cell in nb.cells:
            for var, text in answers.items():
                cell.source = cell.source.replace(f"{var} = ...", f"{var} = {text!r}")
        return nb

    source = tmp_path / "keys" / "90-memo.md"
    source.parent.mkdir()
    source.write_text(LESSON, encoding="utf-8")
    monkeypatch.setenv("LESSONKIT_KEYS", str(source.parent))
    monkeypatch.setenv(SOURCES_ENV, str(source))
    student_stubs.cache_clear()
    (edition,) = build([source], tmp_path / "editions", editions=("student",))
    nb = fill(gc.read(edition), {"memo": "The summit was hosted by the UK [gbr].",
                                 "why": "Because it is a loan, not a gift."})
    gc.write(nb, tmp_path / "class" / "cy.ipynb")
    out = tmp_path / "out"
    try:
        assert grading.main(cli.parser().parse_args(["grade", str(tmp_path / "class"), "--out", str(out),
                                                     "--lesson", "memo", "--no-progress", "--timeout", "20"])) == 0
    finally:
        student_stubs.cache_clear()
    page = (out / "memo" / "report.html").read_text(encoding="utf-8")
    memo = st.html_text(_section(page, "memo.memo"))
    assert "The summit was hosted by the UK [gbr]." in memo and "gbr (actors): United Kingdom" in memo
    assert "Because it is a loan, not a gift." in st.html_text(_section(page, "memo.why"))


def test_a_broken_data_package_costs_the_look_ups_not_the_report(tmp_path, monkeypatch):
    from lessonkit._checkers import Written
    from lessonkit.teacher.grading.report import Row
    from lessonkit.teacher.written import written_html

    (tmp_path / "datapackage.json").write_text("{not json", encoding="utf-8")
    monkeypatch.setenv("LESSONKIT_DATA", str(tmp_path))
    memo = Written(id="memo.memo", prompt="Write your memo.", rubric=("Cites rows.",))
    page = written_html({"memo.memo": memo}, [Row("Ana", "a.json", "record", True,
                                                       written={"memo.memo": "We host [gbr]."})])
    assert "Cited ids could not be looked up" in page and "We host [gbr]." in page


def test_the_example_answers_are_listed_beside_the_rubric():
    from lessonkit._exercises import exercises
    from lessonkit.teacher.grading.report import Row
    from lessonkit.teacher.own_views import own_views_html
    from lessonkit.teacher.written import written_html

    found = exercises("positions")
    row = Row("Ana", "a.json", "record", True, written={})
    for page, eid in ((written_html(found, [row]), "positions.reword"),
                      (own_views_html(found, [row]), "positions.own_view")):
        secure, developing = found[eid].examples.answers
        section = page[page.index(f"<code>{eid}</code>"):]
        section = section[:section.index("</section>")]
        assert section.index("Rubric:") < section.index("<details") and section.count("<details") == 2
        assert secure.notes[0].replace("'", "&#x27;") in section and developing.notes[0].replace("'", "&#x27;") in section


def test_a_lesson_without_written_tasks_says_so():
    from lessonkit.teacher.written import written_html

    assert "no written or prediction exercise" in written_html({}, [])


def test_ids_are_found_in_any_table_and_unknown_ids_are_named():
    assert resolve("GBR").table == "actors"
    assert resolve("market-gbp-eur-2025-03-03").table == "exchange_rates"
    assert [c.table for c in cited("no citation here, and a [link](http://x) is not one")] == []
