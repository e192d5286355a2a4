"""``lessonkit grade`` on a class collected as the README says: one folder per student, with
every lesson's notebook and record in it. One row per student per lesson, named once, each
exercise credited from the best evidence, and copies found honestly.

Real records are written as check() writes them and real notebooks run in real kernels.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import nbformat
import pytest

from lessonkit._exercises import exercises
from lessonkit.teacher import cli, grading

from . import grading_cases as gc

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "tests" / "sample" / "sample.md"


def grade(*argv: str) -> int:
    return grading.main(cli.parser().parse_args(["grade", *argv, "--no-progress", "--timeout", "30"]))


def rows_of(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def right(lesson: str, eid: str) -> object:
    """A right answer to an exercise of a real lesson, from its key."""
    expected = exercises(lesson)[eid].expected()
    return expected[0] if type(exercises(lesson)[eid]).__name__ == "Text" else expected


def record(folder: Path, lesson: str, student: str, answers: dict[str, object]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"lessonkit-record-{lesson}.json"
    path.write_text(gc.record(student, [(e, a, "") for e, a in answers.items()], lesson=lesson), encoding="utf-8")
    return path


def profile(folder: Path, name: str) -> None:
    (folder / "lessonkit-profile.json").write_text(json.dumps({"format": "lessonkit-profile/1", "name": name}),
                                                  encoding="utf-8")


START = {"start.trust": right("start", "start.trust"), "start.record": right("start", "start.record")}
NEWS = {"news.verdict": right("news", "news.verdict"), "news.fix": right("news", "news.fix"),
        "news.share": right("news", "news.share")}


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    """Three students' folders, each with the records of two lessons, and a file of no lesson."""
    root = tmp_path_factory.mktemp("class") / "collected"
    alice = root / "alice"
    record(alice, "start", "alice", START)  # written before set_name: carries the hub user name
    record(alice, "news", "Alice Smith", NEWS)
    profile(alice, "Alice Smith")
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")]), alice / "scratch.ipynb")
    record(root / "bob", "start", "bob", {"start.trust": 7})
    record(root / "bob", "news", "bob", {"news.verdict": right("news", "news.verdict")})
    record(root / "dave", "start", "Dave Smith", START)
    record(root / "dave", "news", "David Jones", {})
    return root


def test_every_lesson_found_gets_its_gradebook_and_the_overview_one_row_per_student(collected, tmp_path, capsys):
    out = tmp_path / "grades"
    assert grade(str(collected), "--out", str(out)) == 0
    overview = rows_of(out / "gradebook.csv")
    n_start = sum(type(x).__name__ not in ("Written", "Prediction") for x in exercises("start").values())
    n_news = sum(type(x).__name__ not in ("Written", "Prediction") for x in exercises("news").values())
    assert list(overview[0]) == ["student", "folder", f"start (of {n_start})", f"news (of {n_news})", "problem"]
    assert [(r["student"], r["folder"], r[f"start (of {n_start})"], r[f"news (of {n_news})"]) for r in overview] == [
        ("Alice Smith", "alice", "2", "3"), ("bob", "", "0", "1"), ("David Jones", "dave", "2", "0")]
    for lesson in ("start", "news"):
        rows = rows_of(out / lesson / "gradebook.csv")
        assert [r["student"] for r in rows] == ["Alice Smith", "bob", "David Jones"]
        assert (out / lesson / "report.html").is_file() and (out / lesson / "run-notes.txt").is_file()
        assert sorted(p.name for p in (out / lesson / "feedback").iterdir()) == ["Alice_Smith.md", "David_Jones.md", "bob.md"]
    notes = (out / "run-notes.txt").read_text(encoding="utf-8")
    assert notes.count("scratch.ipynb") == 1 and "belong to no lesson" in notes
    assert "3 students, 6 files graded in 2 lessons" in notes
    assert "3 students, 6 files graded in 2 lessons" in capsys.readouterr().err
    assert not any("scratch" in r["file"] for lesson in ("start", "news")
                   for r in rows_of(out / lesson / "gradebook.csv"))
    assert "lessonkit-profile" not in (out / "start" / "gradebook.csv").read_text(encoding="utf-8")
    page = (out / "start" / "report.html").read_text(encoding="utf-8")
    assert f"3 students, 3 files; 3 students graded; mean score over students 1.3 of {n_start}." in page


def test_a_student_is_named_once_and_only_real_conflicts_are_flagged(collected, tmp_path):
    out = tmp_path / "grades"
    assert grade(str(collected), "--out", str(out)) == 0
    start = {r["student"]: r for r in rows_of(out / "start" / "gradebook.csv")}
    assert start["Alice Smith"]["problem"] == "" and start["Alice Smith"]["folder"] == "alice"
    assert start["bob"]["problem"] == "" and start["bob"]["folder"] == ""
    assert ("the files in folder 'dave' declare different names ('Dave Smith', 'David Jones'); "
            "named 'David Jones'") in start["David Jones"]["problem"]


def test_lesson_narrows_the_run(collected, tmp_path):
    out = tmp_path / "grades"
    assert grade(str(collected), "--out", str(out), "--lesson", "news") == 0
    assert list(rows_of(out / "gradebook.csv")[0]) == ["student", "folder", "news (of 6)", "problem"]
    assert not (out / "start").exists() and len(rows_of(out / "news" / "gradebook.csv")) == 3
    notes = (out / "run-notes.txt").read_text(encoding="utf-8")
    assert "Not graded: 3 file(s) of other lessons than news (--lesson)" in notes


# ----------------------------------------------------------------------------- notebook and record together

@pytest.fixture(scope="module")
def notebook_and_record(tmp_path_factory):
    """eve hands in the blank notebook (she replaced the lesson) and a record with four right
    answers; fay's notebook has everything right and her record one wrong answer; gil's
    notebook has two right, his record two others."""
    from lessonkit.teacher.editions import build

    root = tmp_path_factory.mktemp("both")
    (edition,) = build([SAMPLE], root / "editions", editions=("student",))
    blank = gc.read(edition)
    answers = {e: eval(a) for e, a in gc.right_answers().items()}  # noqa: S307 - our own reprs
    ids = list(answers)
    gc.write(blank, root / "class" / "eve" / "sample.ipynb")
    write = root / "class"
    (write / "eve" / "lessonkit-record-sample.json").write_text(
        gc.record("eve", [(e, answers[e], "") for e in ids[:4]]), encoding="utf-8")
    gc.write(gc.fill(blank, gc.right_answers()), write / "fay" / "sample.ipynb")
    (write / "fay" / "lessonkit-record-sample.json").write_text(gc.record("fay", [("sample.year", 1999, "")]),
                                                              encoding="utf-8")
    gc.write(gc.fill(blank, {e: gc.right_answers()[e] for e in ids[:2]}), write / "gil" / "sample.ipynb")
    (write / "gil" / "lessonkit-record-sample.json").write_text(
        gc.record("gil", [(e, answers[e], "correct") for e in ids[2:4]]), encoding="utf-8")
    out = root / "out"
    assert grade(str(write), "--out", str(out)) == 0
    return {"rows": {r["student"]: r for r in rows_of(out / "sample" / "gradebook.csv")}, "ids": ids}


@pytest.mark.slow  # runs notebooks in kernels
def test_a_blank_notebook_never_lowers_what_the_record_shows(notebook_and_record):
    eve, ids = notebook_and_record["rows"]["eve"], notebook_and_record["ids"]
    assert eve["total"] == "4" and [eve[e] for e in ids[:4]] == ["1"] * 4
    assert eve["credit"] == "class/eve/lessonkit-record-sample.json: " + ", ".join(ids[:4])
    assert eve["file"] == "class/eve/sample.ipynb + class/eve/lessonkit-record-sample.json"


@pytest.mark.slow  # runs notebooks in kernels
def test_each_exercise_counts_the_better_of_notebook_and_record_and_says_which(notebook_and_record):
    rows, ids = notebook_and_record["rows"], notebook_and_record["ids"]
    assert rows["fay"]["total"] == "8" and rows["fay"]["credit"] == "class/fay/sample.ipynb: " + ", ".join(ids)
    gil = rows["gil"]
    assert gil["total"] == "4"
    assert gil["credit"] == (f"class/gil/sample.ipynb: {ids[0]}, {ids[1]}; "
                             f"class/gil/lessonkit-record-sample.json: {ids[2]}, {ids[3]}")


# ----------------------------------------------------------------------------- copies

ANSWER = ("The article says the summit agreed a ceasefire plan but the government's own statement only "
          "says leaders discussed one, so I would ask the publisher for the source of that claim and "
          "compare it with the joint statement.")


def test_copies_count_only_marked_mistakes_and_compare_written_answers_as_text(tmp_path):
    wrong = {"news.verdict": "a", "news.fix": "a"}  # the same wrong answers, shared by many: common
    for name in ("kim", "lee"):
        record(tmp_path / "in" / name, "news", name, {**wrong, "news.guess": "d", "news.challenge": ANSWER})
    record(tmp_path / "in" / "max", "news", "max", {**wrong, "news.guess": "d",
                                                     "news.challenge": ANSWER.replace("ask", "write to")})
    record(tmp_path / "in" / "ned", "news", "ned", {**wrong, "news.guess": "d",
                                                     "news.challenge": "I trust the article, it sounds right."})
    assert grade(str(tmp_path / "in"), "--out", str(tmp_path / "out")) == 0
    page = (tmp_path / "out" / "news" / "report.html").read_text(encoding="utf-8")
    section = page.split("<h2>Possible copies</h2>")[1].split("<h2>")[0]
    words = len(ANSWER.split())
    assert words >= 30
    assert ("<strong>kim</strong> (<code>in/kim/lessonkit-record-news.json</code>) and <strong>lee</strong> "
            "(<code>in/lee/lessonkit-record-news.json</code>): nearly the same written answer to news.challenge "
            "(100% of the words in common)") in section
    assert "<strong>kim</strong> (<code>in/kim/lessonkit-record-news.json</code>) and <strong>max</strong>" in section
    assert "(95% of the words in common)" in section
    assert "ned" not in section and "uncommon mistake" not in section  # predictions are not mistakes


@pytest.mark.slow  # runs notebooks in kernels
def test_a_students_own_notebook_and_record_are_never_compared(tmp_path):
    from lessonkit.teacher.editions import build

    (edition,) = build([SAMPLE], tmp_path / "editions", editions=("student",))
    nb = gc.fill(gc.read(edition), {**gc.right_answers(), **gc.WRONG})
    gc.write(nb, tmp_path / "in" / "ola" / "sample.ipynb")
    wrong = [(e, eval(a), "") for e, a in gc.WRONG.items()]  # noqa: S307 - our own reprs
    (tmp_path / "in" / "ola" / "lessonkit-record-sample.json").write_text(gc.record("ola", wrong), encoding="utf-8")
    shutil.copytree(tmp_path / "in" / "ola", tmp_path / "in" / "pia")  # pia: the same notebook, her own record
    (tmp_path / "in" / "pia" / "lessonkit-record-sample.json").write_text(gc.record("pia", wrong[:1]), encoding="utf-8")
    assert grade(str(tmp_path / "in"), "--out", str(tmp_path / "out")) == 0
    section = (tmp_path / "out" / "sample" / "report.html").read_text(encoding="utf-8").split(
        "<h2>Possible copies</h2>")[1].split("<h2>")[0]
    assert section.count("<li>") == 1 and "<strong>ola</strong>" in section and "<strong>pia</strong>" in section
    assert "identical files" in section
