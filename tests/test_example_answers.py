"""Annotated example answers of written tasks (issue 24).

Every written exercise has two example answers, one secure and one developing, each with a note
per rubric line; the rubric is written as level descriptors. The examples appear in the feedback
only once a valid answer is saved, in a closed <details> the student opens. They are about the
real summit, so every row they cite exists and every number they give is in a row they cite.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from lessonkit import _keys, check
from lessonkit._checkers import Written
from lessonkit._example_answers import from_options
from lessonkit._exercises import exercises
from lessonkit.lessons import capstone
from lessonkit.own_view import is_own_view, parts

from . import shown_text as st

DATA = Path(__file__).resolve().parents[1] / "data"
LESSONS = [st.KEYS[p.name] for p in st.LESSONS]
WRITTEN = [e for lesson in LESSONS for e in exercises(lesson).values() if isinstance(e, Written)]
MONTHS = ("January February March April May June July August September October November "
          "December").split()
CITED = re.compile(r"\[([a-z0-9][a-z0-9-]*)\]")
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
DAY = re.compile(r"\b(\d{1,2}) (" + "|".join(MONTHS) + r")\b")
BARE_ID = re.compile(r"\b[a-z][a-z-]*\d+\b")


@pytest.fixture(autouse=True)
def _own_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # each test writes its own learning record


def _rows() -> dict[str, dict[str, str]]:
    """Every row of the data package by its id (the first column of each table)."""
    rows: dict[str, dict[str, str]] = {}
    for path in sorted(DATA.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                rows[next(iter(row.values()))] = row
    return rows


ROWS = _rows()


def _numbers_of(row: dict[str, str]) -> set[str]:
    """The numbers a row says, with its dates also as a year, a day and a day and month."""
    text = " ".join(v for v in row.values() if v)
    found = set(NUMBER.findall(text))
    for y, m, d in re.findall(r"\b(\d{4})-(\d{2})-(\d{2})\b", text):
        found |= {y, str(int(d)), f"{int(d)} {MONTHS[int(m) - 1]}"}
    found |= {f"{d} {m}" for d, m in DAY.findall(text)}
    return found


def test_the_written_tasks_are_found():
    assert len(WRITTEN) == 15


@pytest.mark.parametrize("exercise", WRITTEN, ids=lambda e: e.id)
def test_every_written_task_has_two_annotated_examples(exercise):
    ex = exercise.examples
    assert ex is not None, f"{exercise.id} has no example answers"
    assert [a.level for a in ex.answers] == ["secure", "developing"]
    assert ex.rubric == exercise.rubric
    for a in ex.answers:
        assert len(a.notes) == len(exercise.rubric), f"{exercise.id} {a.level}: one note per rubric line"
        assert exercise.evaluate(a.text).status == "recorded", f"{exercise.id}: the {a.level} example is a valid answer"
    assert ex.answers[0].text != ex.answers[1].text


@pytest.mark.parametrize("exercise", WRITTEN, ids=lambda e: e.id)
def test_the_rubric_is_written_as_level_descriptors(exercise):
    for line in exercise.rubric:
        assert re.match(r"^[A-Z][^:;.]{0,40}: ", line), f"{exercise.id}: a descriptor starts with its criterion: {line}"
        assert "secure" in line and "developing" in line, f"{exercise.id}: says what secure and developing work do: {line}"


@pytest.mark.parametrize("exercise", WRITTEN, ids=lambda e: e.id)
def test_every_cited_row_exists_and_every_number_is_in_a_cited_row(exercise):
    for a in exercise.examples.answers:
        cited = CITED.findall(a.text)
        missing = [c for c in cited if c not in ROWS]
        assert not missing, f"{exercise.id} {a.level} cites rows that are not in data/: {missing}"
        named = [w for w in BARE_ID.findall(a.text) if w in ROWS]  # a claim named as the task asks: c27
        said = set().union(set(), *(_numbers_of(ROWS[c]) for c in cited + named))
        text = BARE_ID.sub(lambda m: "" if m.group(0) in ROWS else m.group(0), CITED.sub("", a.text))
        unsupported = [n for n in NUMBER.findall(text) + [f"{d} {m}" for d, m in DAY.findall(text)]
                       if n not in said]
        assert not unsupported, f"{exercise.id} {a.level}: numbers in no cited row: {unsupported}"
        for note in a.notes:
            assert all(c in ROWS for c in CITED.findall(note)), f"{exercise.id}: a note cites a missing row"


@pytest.mark.parametrize("exercise", [e for e in WRITTEN if is_own_view(e.id)], ids=lambda e: e.id)
def test_own_view_examples_argue_different_options(exercise):
    """No view is presented as the right one: the secure and the developing example argue for
    different options, and each is in the three-part form of own_view.answer."""
    options = []
    for a in exercise.examples.answers:
        found = parts(a.text)
        assert found["evidence"] and found["change"], f"{exercise.id} {a.level}: all three parts"
        m = re.match(r"(?:([abc])\b|yes|no|I think no)", found["option"])
        assert m, f"{exercise.id} {a.level}: the option is stated first"
        options.append(m.group(1) or {"yes": "a", "no": "c", "I think no": "c"}[m.group(0)])
    assert options[0] != options[1], f"{exercise.id}: both examples argue option {options[0]}"


def test_the_secure_memo_passes_the_memo_check_and_the_developing_one_does_not():
    memo = exercises("capstone")["capstone.memo"].examples
    assert capstone.check_memo(memo.answers[0].text).ok
    assert not capstone.check_memo(memo.answers[1].text).ok


@pytest.mark.parametrize("exercise", WRITTEN, ids=lambda e: e.id)
def test_a_saved_answer_opens_both_examples_and_an_invalid_one_shows_neither(exercise):
    secure, developing = exercise.examples.answers
    saved = check(exercise.id, developing.text)
    assert saved.status == "recorded"
    html = saved._repr_html_()
    assert html.count("<details") == 2 and html.count("<summary>") == 2
    assert "<details open" not in html, "closed until the student opens them"
    for a in (secure, developing):
        assert _escaped(a.text.split("\n\n")[0][:40]) in html
        assert _escaped(a.notes[0]) in html
    assert " ".join(secure.text.split())[:60] in str(saved)
    for invalid in ("Too short.", 42, ["a", "b"], "...", ...):
        fb = check(exercise.id, invalid)
        assert fb.status in ("invalid", "not_attempted"), invalid
        assert "<details" not in fb._repr_html_() and "Example answer" not in str(fb)
        assert secure.text[:30] not in fb._repr_html_() and developing.text[:30] not in str(fb)


def _escaped(text: str) -> str:
    import html as h

    return h.escape(text).replace("$", "&#36;")


def test_example_text_is_escaped_and_never_typeset():
    ex = from_options({"secure": {"answer": "It cost $5 <b>and</b> $7.", "notes": ["cites <nothing>"]},
                       "developing": {"answer": "Vague.", "notes": ["no row"]}},
                      ["Evidence: secure work cites a row; developing work cites none."])
    html = ex.html()
    assert "&#36;5 &lt;b&gt;and&lt;/b&gt; &#36;7." in html and "$" not in html
    assert "cites &lt;nothing&gt;" in html and "<strong>Evidence:</strong>" in html


@pytest.mark.parametrize("examples, says", [
    ("{secure: {answer: x, notes: [a]}}", "needs both 'secure' and 'developing'"),
    ("{secure: {answer: x, notes: [a, b]}, developing: {answer: y, notes: [a]}}", "one per rubric line (1)"),
    ("{secure: {answer: '', notes: [a]}, developing: {answer: y, notes: [a]}}", "must be the text"),
    ("{secure: {answer: x}, developing: {answer: y, notes: [a]}}", "needs 'answer' and 'notes'"),
])
def test_a_malformed_examples_option_is_a_clear_format_error(examples, says):
    text = ("```{exercise}\n---\nlabel: demo.w\nkind: written\nlevel: evaluate\nrubric:\n- names a source\n"
            f"examples: {examples}\n---\nWhy?\n```")
    with pytest.raises(_keys.ExerciseFormatError, match=re.escape(says)):
        _keys.parse_text(text, lesson="demo")


def test_examples_need_a_rubric_to_be_marked_against():
    text = ("```{exercise}\n---\nlabel: demo.w\nkind: written\nlevel: evaluate\n"
            "examples: {secure: {answer: x, notes: [a]}, developing: {answer: y, notes: [a]}}\n---\nWhy?\n```")
    with pytest.raises(_keys.ExerciseFormatError, match="give a rubric too"):
        _keys.parse_text(text, lesson="demo")
