"""``lessonkit grade``: which attempt counts, who a submission belongs to, possible copies,
which lesson is graded, and a cache version that follows everything a verdict depends on.

Real records are written by ``check()`` in a separate Python process, real notebooks are
run in real kernels; nothing is mocked.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lessonkit.teacher import cli, grading
from lessonkit.teacher.grading import report
from lessonkit.teacher.grading.identity import Namer, comparable
from lessonkit.teacher.grading.submissions import Submission

from . import grading_cases as gc

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "tests" / "sample" / "sample.md"
IDS = ["sample.year", "sample.missiles", "sample.venue", "sample.kind", "sample.attended", "sample.order",
       "sample.roles", "sample.states"]


def grade(*argv: str) -> int:
    return grading.main(cli.parser().parse_args(["grade", *argv, "--no-progress"]))


def gradebook(out: Path, lesson: str = "sample") -> dict[str, dict[str, str]]:
    rows = gradebook_rows(out, lesson)
    assert len({r["student"] for r in rows}) == len(rows), rows
    return {row["student"]: row for row in rows}


def gradebook_rows(out: Path, lesson: str = "sample") -> list[dict[str, str]]:
    """A lesson's gradebook (the overview for lesson '')."""
    with open(out / lesson / "gradebook.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def run_checks(folder: Path, calls: list[tuple[str, str]], student: str = "") -> Path:
    """Run check(exercise, answer) for each (exercise, Python source of the answer) in a
    fresh Python process, as a student's kernel would, and return the record it wrote."""
    folder.mkdir(parents=True, exist_ok=True)
    code = "from lessonkit import check\n" + "".join(f"check({e!r}, {a})\n" for e, a in calls)
    env = {**os.environ, "LESSONKIT_RECORD_DIR": str(folder), "LESSONKIT_STUDENT": student}
    env.pop("JUPYTERHUB_USER", None)
    subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, timeout=120)
    return folder / "lessonkit-record-sample.json"


def write_record(path: Path, student: str, attempts: list[tuple[str, object, str]], lesson: str = "sample") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(gc.record(student, attempts, lesson=lesson), encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- which attempt counts

def test_run_all_on_a_fresh_copy_never_erases_credit(tmp_path):
    """Answer three exercises, then Run All a fresh copy (every exercise checked with ...): still 3."""
    right = gc.right_answers()
    answered = ["sample.year", "sample.venue", "sample.kind"]
    record = run_checks(tmp_path / "in" / "ana", [(e, right[e]) for e in answered] + [(e, "...") for e in IDS])
    statuses = [a["status"] for a in json.loads(record.read_text(encoding="utf-8"))["attempts"]]
    assert statuses[-len(IDS):] == ["not_attempted"] * len(IDS)  # the re-run really wrote placeholders last
    assert grade(str(tmp_path / "in"), "--out", str(tmp_path / "out")) == 0
    row = gradebook(tmp_path / "out")["ana"]
    assert row["total"] == "3" and [row[e] for e in answered] == ["1", "1", "1"]
    feedback = (tmp_path / "out" / "sample" / "feedback" / "ana.md").read_text(encoding="utf-8")
    assert "3 of 8 exercises correct" in feedback


def test_the_stubs_placeholder_text_is_not_an_answer_either(tmp_path):
    right = gc.right_answers()
    record = run_checks(tmp_path / "in" / "ana", [("sample.venue", right["sample.venue"]),
                                                  ("sample.venue", "'your answer here'"), ("sample.venue", "''")])
    assert grade(str(record.parent), "--out", str(tmp_path / "out")) == 0
    assert gradebook(tmp_path / "out")["ana"]["sample.venue"] == "1"


def test_the_last_answered_attempt_counts_not_the_best(tmp_path):
    right = gc.right_answers()
    record = run_checks(tmp_path / "in" / "ana", [("sample.year", right["sample.year"]), ("sample.year", "2024"),
                                                  ("sample.year", "...")])
    assert grade(str(record.parent), "--out", str(tmp_path / "out")) == 0
    row = gradebook(tmp_path / "out")["ana"]
    assert row["sample.year"] == "0"
    assert "2024" in (tmp_path / "out" / "sample" / "feedback" / "ana.md").read_text(encoding="utf-8")


# ----------------------------------------------------------------------------- names

def test_a_folder_per_student_names_the_students_not_the_file(tmp_path):
    """nbgitpuller on a hub: every student's files have the same names, one folder each."""
    for name, year in [("alice", 2025), ("bob", 1999), ("chen", 2025)]:
        write_record(tmp_path / "class" / name / "lessonkit" / "lessonkit-record-sample.json", "",
                     [("sample.year", year, "")])
    assert grade(str(tmp_path / "class"), "--out", str(tmp_path / "out")) == 0
    rows = gradebook(tmp_path / "out")
    assert set(rows) == {"alice", "bob", "chen"}
    assert [rows[n]["problem"] for n in ("alice", "bob", "chen")] == ["", "", ""]


def test_nbgrader_layout_and_hub_home_folders_name_the_student(tmp_path):
    write_record(tmp_path / "course" / "submitted" / "dora" / "ps1" / "mine.json", "", [])
    write_record(tmp_path / "course" / "submitted" / "emil" / "ps1" / "work.json", "", [])
    write_record(tmp_path / "homes" / "jupyter-fay" / "notes" / "whatever.json", "", [])
    write_record(tmp_path / "course" / "submitted" / "gus" / "ps1" / "lessonkit-record-sample.json", "", [])
    assert grade(str(tmp_path / "course"), str(tmp_path / "homes"), str(tmp_path / "course" / "submitted" / "gus"),
                 "--out", str(tmp_path / "out")) == 0
    assert set(gradebook(tmp_path / "out")) == {"dora", "emil", "fay", "gus"}


def test_a_lone_file_with_its_own_name_keeps_the_file_name(tmp_path):
    write_record(tmp_path / "in" / "records" / "gil.json", "", [])
    assert grade(str(tmp_path / "in"), "--out", str(tmp_path / "out")) == 0
    assert set(gradebook(tmp_path / "out")) == {"gil"}


def test_the_students_folder_is_the_level_where_the_copies_differ():
    subs = [Submission(Path(f"c/{n}/lessonkit/notebooks/00-start-here.ipynb"), "", "notebook",
                               ("c", n, "lessonkit", "notebooks"), 3) for n in ("alice", "bob")]
    subs.append(Submission(Path("c/carl/00-start-here.ipynb"), "", "notebook", ("c", "carl"), 1))
    subs.append(Submission(Path("c/carl/old/00-start-here.ipynb"), "", "notebook", ("c", "carl", "old"), 2))
    subs.append(Submission(Path("c/bob/00-start-here (1).ipynb"), "", "notebook", ("c", "bob"), 1))
    subs.append(Submission(Path("c/dan.ipynb"), "", "notebook", ("c",), 0))
    namer = Namer(subs)
    assert [namer.name(s, None, "start")[0] for s in subs] == ["alice", "bob", "carl", "carl", "bob", "dan"]


def test_two_folders_that_declare_one_name_are_flagged_and_not_merged(tmp_path):
    write_record(tmp_path / "class" / "alice" / "lessonkit-record-sample.json", "bob", [("sample.year", 2025, "")])
    write_record(tmp_path / "class" / "bob" / "lessonkit-record-sample.json", "bob", [("sample.year", 1999, "")])
    assert grade(str(tmp_path / "class"), "--out", str(tmp_path / "out")) == 0
    rows = gradebook_rows(tmp_path / "out")
    assert [(r["student"], r["folder"], r["sample.year"]) for r in rows] == [("bob", "alice", "1"), ("bob", "bob", "0")]
    assert all("2 folders ('alice', 'bob') give the name 'bob'; kept apart" in r["problem"] for r in rows)
    overview = gradebook_rows(tmp_path / "out", "")
    assert [(r["student"], r["folder"], r["sample (of 8)"]) for r in overview] == [("bob", "alice", "1"), ("bob", "bob", "0")]


@pytest.mark.parametrize("other", ["саrol", "CAROL", "ｃａｒｏｌ", "caro\u200bl", "carοl"])
def test_names_that_compare_equal_are_never_two_silent_students(tmp_path, other):
    """Cyrillic or Greek look-alike letters, case, full-width letters, invisible characters."""
    write_record(tmp_path / "in" / "a.json", "carol", [("sample.year", 2025, "")])
    write_record(tmp_path / "in" / "b.json", other, [("sample.year", 1999, "")])
    assert grade(str(tmp_path / "in"), "--out", str(tmp_path / "out")) == 0
    rows = list(gradebook(tmp_path / "out").values())
    assert len(rows) == 2 and all(r["problem"] for r in rows)
    other_letters = any(ord(ch) in range(0x370, 0x500) for ch in other)  # Greek or Cyrillic
    assert all(("look alike" in r["problem"]) == other_letters for r in rows), rows


def test_rows_are_in_the_order_a_reader_expects():
    rows = [report.Row(n, f"{n}.json", "record", True) for n in ("s10", "s01", "S02", "b")]
    assert [r.student for r in report.unique_students(rows)] == ["b", "s01", "S02", "s10"]


def test_a_name_mixing_look_alike_scripts_is_flagged_even_alone(tmp_path):
    write_record(tmp_path / "in" / "a.json", "Dаvid", [])  # a Cyrillic а
    write_record(tmp_path / "in" / "b.json", "Ольга", [])
    assert grade(str(tmp_path / "in"), "--out", str(tmp_path / "out")) == 0
    rows = gradebook(tmp_path / "out")
    assert "mixes cyrillic and latin letters in one word" in rows["Dаvid"]["problem"]
    assert rows["Ольга"]["problem"] == ""


def test_different_names_stay_apart_unflagged():
    assert comparable("carol") != comparable("karol") and comparable("ana") != comparable("anna")
    rows = report.unique_students([report.Row("carol", "a", "record", True), report.Row("karol", "b", "record", True)])
    assert [(r.student, r.problem) for r in rows] == [("carol", ""), ("karol", "")]


# ----------------------------------------------------------------------------- one row per student

@pytest.fixture(scope="module")
def hub_class(tmp_path_factory):
    """A hub class: each student's folder holds the same notebook; alice also hands in her record."""
    from lessonkit.teacher.editions import build

    root = tmp_path_factory.mktemp("hub")
    (edition,) = build([SAMPLE], root / "editions", editions=("student",))
    nb = gc.read(edition)
    right = gc.right_answers()
    gc.write(gc.fill(nb, right), root / "class" / "alice" / "sample.ipynb")
    write_record(root / "class" / "alice" / "lessonkit-record-sample.json", "",
                 [("sample.year", int(eval(right["sample.year"])), "correct")])
    gc.write(gc.fill(nb, {**right, **gc.WRONG}), root / "class" / "bob" / "sample.ipynb")
    out = root / "out"
    status = grade(str(root / "class"), "--out", str(out), "--lesson", "sample", "--timeout", "20")
    return {"status": status, "rows": gradebook(out), "out": out}


def test_notebook_and_record_of_one_student_are_one_row_saying_which_counted(hub_class):
    assert hub_class["status"] == 0
    rows = hub_class["rows"]
    assert set(rows) == {"alice", "bob"}
    alice = rows["alice"]
    assert alice["file"] == "class/alice/sample.ipynb + class/alice/lessonkit-record-sample.json"
    assert alice["total"] == "8" and alice["problem"] == ""
    assert alice["credit"] == "class/alice/sample.ipynb: " + ", ".join(IDS)  # the notebook first where both give it
    assert rows["bob"]["problem"] == "" and rows["bob"]["total"] == str(8 - len(gc.WRONG))


# ----------------------------------------------------------------------------- possible copies

def test_identical_and_near_identical_submissions_are_listed_neutrally_for_the_teacher(tmp_path):
    right = gc.right_answers()
    wrong_answers = [("sample.year", 2024, "correct"), ("sample.venue", "Buckingham Palace", "correct"),
                     ("sample.kind", "a", "correct"), ("sample.attended", ["a", "c"], "correct")]
    original = write_record(tmp_path / "in" / "hana.json", "", wrong_answers)
    shutil.copy(original, tmp_path / "in" / "ivan.json")  # byte for byte, under another name
    write_record(tmp_path / "in" / "jo.json", "", wrong_answers[:3] + [("sample.attended", ["a"], "")])
    everything_right = [(e, eval(right[e]), "") for e in IDS]
    write_record(tmp_path / "in" / "kim.json", "", everything_right)
    write_record(tmp_path / "in" / "lee.json", "", everything_right[::-1])  # right answers agree: no sign of copying
    write_record(tmp_path / "in" / "max.json", "", [("sample.year", 2024, "")])  # one common mistake
    assert grade(str(tmp_path / "in"), "--out", str(tmp_path / "out")) == 0
    page = (tmp_path / "out" / "sample" / "report.html").read_text(encoding="utf-8")
    section = page.split("<h2>Possible copies</h2>")[1].split("<h2>")[0]
    listed = {tuple(sorted(pair)) for pair in
              [("hana", "ivan"), ("hana", "jo"), ("ivan", "jo"), ("kim", "lee"), ("hana", "max"), ("jo", "max")]
              if f"<strong>{pair[0]}</strong>" in section and f"<strong>{pair[1]}</strong>" in section}
    assert "<strong>hana</strong> (<code>in/hana.json</code>) and <strong>ivan</strong> (<code>in/ivan.json</code>): " \
           "identical files" in section
    assert "<strong>hana</strong> (<code>in/hana.json</code>) and <strong>jo</strong>" in section
    assert "kim" not in section and "lee" not in section and "max" not in section, listed
    assert "not as a finding" in section and "cheat" not in page.lower()
    rows = gradebook(tmp_path / "out")
    assert all("cop" not in r["problem"] for r in rows.values())  # never in the gradebook or feedback
    assert all("cop" not in p.read_text(encoding="utf-8").lower() for p in (tmp_path / "out" / "sample" / "feedback").iterdir())


def test_a_class_without_copies_says_so(tmp_path):
    write_record(tmp_path / "in" / "a.json", "", [("sample.year", 2024, "")])
    write_record(tmp_path / "in" / "b.json", "", [("sample.year", 2023, "")])
    assert grade(str(tmp_path / "in"), "--out", str(tmp_path / "out")) == 0
    assert "No two submissions are identical or nearly so." in (tmp_path / "out" / "sample" / "report.html").read_text("utf-8")


# ----------------------------------------------------------------------------- which lesson

def test_every_lesson_handed_in_is_graded_in_a_folder_of_its_own(tmp_path, capsys):
    for i in range(6):  # one student's six empty records of another lesson: loose files, one row each
        write_record(tmp_path / "in" / f"finn-{i}.json", "finn", [], lesson="ceasefire")
    for name in ("ana", "ben", "cy"):
        write_record(tmp_path / "in" / f"{name}.json", name, [("sample.year", 2025, "")])
    assert grade(str(tmp_path / "in"), "--out", str(tmp_path / "out")) == 0
    err = capsys.readouterr().err
    assert "9 students, 9 files graded in 2 lessons: ceasefire (6 students, 6 files); sample (3 students, 3 files)" in err
    notes = (tmp_path / "out" / "sample" / "run-notes.txt").read_text(encoding="utf-8")
    assert "Graded lesson sample (found in the files handed in)" in notes and "3 students, 3 files" in notes
    assert gradebook(tmp_path / "out")["ana"]["sample.year"] == "1"
    assert set(gradebook(tmp_path / "out", "ceasefire")) == {"finn", *(f"finn ({n})" for n in range(2, 7))}


def test_records_are_graded_with_their_own_lessons_key_and_again_from_the_cache(tmp_path, capsys):
    write_record(tmp_path / "in" / "aaron.json", "aaron", [("sample.year", 2025, "")], lesson="ceasefire")
    for name in ("ben", "cy"):
        write_record(tmp_path / "in" / f"{name}.json", name, [("sample.year", 2025, "")])
    argv = (str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--no-progress")
    assert grade(*argv) == 0
    rows = gradebook(tmp_path / "out")
    assert set(rows) == {"ben", "cy"} and rows["ben"]["sample.year"] == rows["cy"]["sample.year"] == "1"
    aaron = gradebook(tmp_path / "out", "ceasefire")["aaron"]
    assert aaron["total"] == "0" and "1 attempt(s) for other lessons" in aaron["problem"]
    first = (tmp_path / "out" / "gradebook.csv").read_bytes()
    assert grade(*argv) == 0 and "3 file(s) from the cache" in capsys.readouterr().err
    assert (tmp_path / "out" / "gradebook.csv").read_bytes() == first


def test_records_are_not_kept_in_memory_once_graded(tmp_path):
    """Records let their bytes go once graded, with their own lesson's key."""
    from types import SimpleNamespace

    from tqdm import tqdm

    from lessonkit.teacher.grading.run import Sandboxing, _read_all
    from lessonkit.teacher.grading.submissions import discover
    from lessonkit.teacher.sandbox import Sandbox

    for name in ("ana", "ben"):
        write_record(tmp_path / "in" / f"{name}.json", name, [("sample.year", 2025, "")])
    write_record(tmp_path / "in" / "zed.json", "zed", [], lesson="ceasefire")
    subs = discover([str(tmp_path / "in")], tmp_path / "out")
    args = SimpleNamespace(lesson=None, timeout=5.0, memory=512, submissions=[str(tmp_path / "in")])
    found = _read_all(args, subs, tmp_path / "out", Sandboxing(Sandbox("none"), ()), Namer(subs), tqdm(disable=True))
    assert [item.data is None for item in found.loaded] == [True, True, True]
    assert found.lessons == ["sample", "sample", "ceasefire"]
    assert sorted(found.gradings["sample"].results) == [0, 1] and sorted(found.gradings["ceasefire"].results) == [2]
    assert found.gradings["sample"].results[0].scores["sample.year"] == 1


def test_lesson_narrows_the_run_and_lists_other_lessons_once(tmp_path, capsys):
    write_record(tmp_path / "in" / "ana" / "lessonkit-record-ceasefire.json", "ana", [], lesson="ceasefire")
    write_record(tmp_path / "in" / "ana" / "lessonkit-record-sample.json", "ana", [("sample.year", 2025, "")])
    write_record(tmp_path / "in" / "ben" / "lessonkit-record-sample.json", "ben", [])
    assert grade(str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--lesson", "sample") == 0
    assert set(gradebook(tmp_path / "out")) == {"ana", "ben"}
    assert not (tmp_path / "out" / "ceasefire").exists()
    notes = (tmp_path / "out" / "run-notes.txt").read_text(encoding="utf-8")
    assert notes.count("in/ana/lessonkit-record-ceasefire.json") == 1
    assert "Not graded: 1 file(s) of other lessons than sample (--lesson)" in notes
    assert "gradebook.csv" in capsys.readouterr().err


def _version_in_subprocess(lesson: str, env: dict[str, str]) -> str:
    code = "from lessonkit.teacher.grading.key import key_version; import lessonkit; " \
           f"print(key_version({lesson!r})); print(lessonkit.__file__)"
    done = subprocess.run([sys.executable, "-c", code], env={**os.environ, **env}, capture_output=True,
                          text=True, timeout=120, check=True)
    version, module = done.stdout.split()
    return version, module


KEY = """---
lessonkit:
  lesson: {lesson}
---

```{{exercise}}
---
label: {lesson}.year
kind: numeric
level: recall
answer_from: yearhelper.expected_year
hints:
- Look it up.
---
In which year? Give the number.
```
"""


def test_key_version_changes_when_a_function_the_key_uses_changes(tmp_path):
    """A teacher's lesson whose answer comes from a function in a module of their own."""
    keys, lib = tmp_path / "keys", tmp_path / "lib"
    keys.mkdir()
    lib.mkdir()
    helper = lib / "yearhelper.py"
    helper.write_text("def expected_year():\n    return 2025\n", encoding="utf-8")
    (keys / "tmpyear.md").write_text(KEY.format(lesson="tmpyear"), encoding="utf-8")
    path = os.pathsep.join(filter(None, [str(lib), os.environ.get("PYTHONPATH")]))
    env = {"LESSONKIT_KEYS": str(keys), "PYTHONPATH": path}
    before, _ = _version_in_subprocess("tmpyear", env)
    assert _version_in_subprocess("tmpyear", env)[0] == before  # stable while nothing changes
    with helper.open("a", encoding="utf-8") as f:
        f.write("\n\ndef unused():\n    return 2024\n")
    changed, _ = _version_in_subprocess("tmpyear", env)
    assert changed != before
    (keys / "tmpyear.md").write_text(KEY.format(lesson="tmpyear").replace("Look it up.", "Look it up again."),
                                     encoding="utf-8")
    assert _version_in_subprocess("tmpyear", env)[0] != changed  # the exercise block itself


def test_key_version_follows_the_modules_of_the_package_the_key_imports(tmp_path):
    """In a copy of the package: appending to analysis.py (which keys import) changes the version."""
    import lessonkit

    copy = tmp_path / "site"
    shutil.copytree(Path(lessonkit.__file__).parent, copy / "lessonkit", ignore=shutil.ignore_patterns("__pycache__"))
    env = {"PYTHONPATH": str(copy), "LESSONKIT_DATA": str(REPO / "data"), "LESSONKIT_KEYS": str(REPO / "notebooks")}
    before, where = _version_in_subprocess("money", env)
    assert Path(where).resolve().is_relative_to(copy.resolve())  # the copy really is the package in use
    with (copy / "lessonkit" / "analysis.py").open("a", encoding="utf-8") as f:
        f.write("\n\ndef _appended():\n    return None\n")
    after, _ = _version_in_subprocess("money", env)
    assert after != before


def test_key_version_follows_the_data_package(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    before, _ = _version_in_subprocess("sample", {"LESSONKIT_DATA": str(data)})
    csv_file = sorted(data.glob("*.csv"))[0]
    csv_file.write_bytes(csv_file.read_bytes() + b"\n")
    assert _version_in_subprocess("sample", {"LESSONKIT_DATA": str(data)})[0] != before


def test_a_common_mistake_is_no_sign_but_a_copy_with_one_answer_changed_is(tmp_path):
    right = gc.right_answers()
    shared = [("sample.year", 2024, ""), ("sample.venue", eval(right["sample.venue"]), ""),
              ("sample.kind", eval(right["sample.kind"]), "")]
    for i in range(6):  # six students make the same mistake in the same otherwise right answers
        earlier = [("sample.year", 2000 + j, "") for j in range(i)]  # each file different
        write_record(tmp_path / "in" / f"common{i}.json", "", earlier + shared)
    write_record(tmp_path / "in" / "nia.json", "", [("sample.venue", "Chequers", ""), ("sample.kind", "c", ""),
                                                    ("sample.year", 1999, ""), ("sample.states", 5, "")])
    write_record(tmp_path / "in" / "omar.json", "", [("sample.venue", "Chequers", ""), ("sample.kind", "c", ""),
                                                     ("sample.year", 1999, ""), ("sample.states", 6, "")])
    assert grade(str(tmp_path / "in"), "--out", str(tmp_path / "out")) == 0
    page = (tmp_path / "out" / "sample" / "report.html").read_text(encoding="utf-8")
    section = page.split("<h2>Possible copies</h2>")[1].split("<h2>")[0]
    assert "<strong>common" not in section
    assert ("<strong>nia</strong> (<code>in/nia.json</code>) and <strong>omar</strong> (<code>in/omar.json</code>): "
            "the same answers to 3 of the 4 exercises either answered, 3 of them the same uncommon mistake") in section


def test_a_record_in_an_edition_folder_is_not_named_by_that_folder(tmp_path):
    """editions/student/ is where lessonkit builds the lessons: 'student' names nobody."""
    write_record(tmp_path / "editions" / "student" / "lessonkit-record-sample.json", "Ana Day", [])
    assert grade(str(tmp_path / "editions" / "student" / "lessonkit-record-sample.json"),
                 "--out", str(tmp_path / "out"), "--lesson", "sample") == 0
    row = gradebook(tmp_path / "out")["Ana Day"]
    assert row["problem"] == ""
