"""``lessonkit grade``: real kernels, real files, hostile submissions; no mocks.

One class of submissions (right, wrong, broken and hostile) is graded once per module; each
test then checks one row or one promise. Separate, smaller runs cover the fallback without
bubblewrap, a kernel that cannot start, interruption and bad arguments.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from lessonkit.teacher import cli, grading, sandbox
from lessonkit.teacher.grading import cache as grading_cache
from lessonkit.teacher.grading import kernel, report
from lessonkit.teacher.grading.cache import cache_folder

from . import grading_cases as gc

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "tests" / "sample" / "sample.md"
IDS = ["sample.year", "sample.missiles", "sample.venue", "sample.kind", "sample.attended", "sample.order",
       "sample.roles", "sample.states"]
TIMEOUT = "10"  # seconds per cell: generous, since the machine may be busy


@pytest.fixture(scope="session", autouse=True)
def _data_package():
    """Use the small dev copy of the data until the real data package has its tables."""
    if (REPO / "data" / "actors.csv").exists() or os.environ.get("LESSONKIT_DATA"):
        yield
        return
    os.environ["LESSONKIT_DATA"] = "/tmp/devdata"
    yield
    os.environ.pop("LESSONKIT_DATA", None)


@pytest.fixture(scope="session", autouse=True)
def _sample_source():
    """The grader finds the sample lesson's source (for its stubs) as a teacher's own lesson."""
    from lessonkit.teacher.grading.cells import SOURCES_ENV, student_stubs

    old = os.environ.get(SOURCES_ENV)
    os.environ[SOURCES_ENV] = str(SAMPLE)
    student_stubs.cache_clear()
    yield
    if old is None:
        os.environ.pop(SOURCES_ENV, None)
    else:
        os.environ[SOURCES_ENV] = old
    student_stubs.cache_clear()


@pytest.fixture(scope="session")
def edition(tmp_path_factory, _data_package) -> Path:
    """The student edition of the sample lesson, built as a teacher would."""
    from lessonkit.teacher.editions import build

    out = tmp_path_factory.mktemp("editions")
    (path,) = build([SAMPLE], out, editions=("student",))
    return path


def grade(*argv: str) -> int:
    """Run ``lessonkit grade`` in this process and return its exit status."""
    return grading.main(cli.parser().parse_args(["grade", *argv]))


def gradebook(out: Path) -> dict[str, dict[str, str]]:
    with open(out / "sample" / "gradebook.csv", newline="", encoding="utf-8") as f:
        return {row["student"]: row for row in csv.DictReader(f)}


def scores(row: dict[str, str]) -> list[str]:
    return [row[e] for e in IDS]


# ----------------------------------------------------------------------------- the class

@pytest.fixture(scope="module")
def teacher_home():
    """A file standing for the teacher's home, outside /tmp (which kernels see as empty)."""
    base = Path("/var/tmp") if Path("/var/tmp").is_dir() else Path(tempfile.gettempdir())
    home = Path(tempfile.mkdtemp(prefix="lessonkit-teacher-home-", dir=base))
    (home / "precious.txt").write_text("the teacher's notes\n", encoding="utf-8")
    yield home
    shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory, edition, teacher_home):
    """Grade a class of right, wrong, broken and hostile submissions once; return its folders."""
    root = tmp_path_factory.mktemp("grading")
    subs, out = root / "class", root / "out"
    out.mkdir()
    (out / "teacher-notes.txt").write_text("kept by the teacher\n", encoding="utf-8")
    nb = gc.read(edition)
    right = gc.right_answers()
    hostile = dict(right)

    gc.write(gc.fill(nb, right), subs / "ana.ipynb")
    gc.write(gc.fill(nb, {**right, **gc.WRONG}), subs / "ben.ipynb")
    for name, cell in [("loop", gc.INFINITE_LOOP), ("sysexit", gc.SYS_EXIT), ("osexit", gc.OS_EXIT),
                       ("crash", gc.KILL_SELF), ("huge", gc.HUGE_OUTPUT), ("memory", gc.MEMORY_HOG),
                       ("stubborn", gc.SIGINT_PROOF_LOOP)]:
        gc.write(gc.insert_before(gc.fill(nb, hostile), "sample.venue", cell), subs / f"{name}.ipynb")
    targets = [teacher_home / "precious.txt", subs / "ana.ipynb", out / "gradebook.csv", out / "teacher-notes.txt"]
    gc.write(gc.insert_before(gc.fill(nb, hostile), "sample.venue", gc.destroyer(targets, [subs, out])),
             subs / "vandal.ipynb")
    gc.write(gc.insert_before(gc.fill(nb, {e: gc.WRONG.get(e, "0") for e in IDS}), "sample.year", gc.REDEFINE_CHECK),
             subs / "faker.ipynb")
    gc.write(gc.insert_before(nb, "sample.year", gc.user_ns_check(right)), subs / "nsfaker.ipynb")
    gc.write(gc.insert_before(gc.touched(nb), "sample.year", gc.user_ns_check(right)), subs / "nsfaker2.ipynb")
    not_venue = {e: v for e, v in right.items() if e != "sample.venue"}
    gc.write(gc.fill(nb, {**not_venue, "sample.venue": gc.VERDICT_ORACLE}), subs / "verdictoracle.ipynb")
    gc.write(gc.fill(nb, {**not_venue, "sample.venue": gc.KEY_ORACLE}), subs / "keyoracle.ipynb")
    gc.write(gc.insert_before(gc.fill(nb, not_venue), "sample.venue", gc.FORGED_ANSWER), subs / "forger.ipynb")
    gc.write(gc.insert_before(gc.fill(nb, right), "sample.venue",
                              gc.hostile_exception("SECRET" * 2000 + "\n# Heading <script>x</script>",
                                                   ("leak\n# Heading <script>alert(1)</script>" * 500))),
             subs / "leaker.ipynb")
    deleted = gc.fill(nb, right)
    del deleted.cells[gc.exercise_cell(deleted, "sample.kind")]
    gc.write(deleted, subs / "deleted.ipynb")
    doubled = gc.fill(nb, right)
    again = gc.fill(nb, {"sample.year": "1999"}).cells[gc.exercise_cell(nb, "sample.year")]
    doubled.cells.insert(gc.exercise_cell(doubled, "sample.year") + 1, again)
    gc.write(doubled, subs / "doubled.ipynb")
    other = gc.fill(nb, right)
    other.metadata["lessonkit"]["lesson"] = "another-lesson"
    gc.write(other, subs / "other.ipynb")
    (subs / "malformed.ipynb").write_text('{"cells": [ {"cell_type": "code", ', encoding="utf-8")
    (subs / "empty.ipynb").write_text("", encoding="utf-8")
    (subs / "records").mkdir()
    (subs / "records" / "edited.json").write_text(gc.record("eve", [
        ("sample.year", 1999, "passed"), ("sample.venue", "Lancaster House", "correct"),
        ("sample.kind", "a", "correct")]), encoding="utf-8")
    (subs / "records" / "dora.json").write_text(gc.record("", [
        (e, eval(v), "correct") for e, v in right.items()]), encoding="utf-8")
    (subs / "records" / "broken.json").write_text('{"format": "lessonkit-record/1", "attempts": [', encoding="utf-8")
    (subs / "records" / "elsewhere.json").write_text(gc.record("finn", [("ceasefire.x", 1, "correct")],
                                                               lesson="ceasefire"), encoding="utf-8")
    (subs / "records" / "fred").mkdir()
    (subs / "records" / "fred" / "lessonkit-record-sample.json").write_text(
        gc.record("", [("sample.year", int(eval(right["sample.year"])), "correct")]), encoding="utf-8")
    before = {p: p.read_bytes() for p in subs.rglob("*") if p.is_file()}
    started = time.monotonic()
    status = grade(str(subs), "--out", str(out), "--lesson", "sample", "--timeout", TIMEOUT, "--no-progress")
    return {"status": status, "subs": subs, "out": out, "before": before, "rows": gradebook(out),
            "seconds": time.monotonic() - started, "home": teacher_home}


def test_grading_finishes_with_status_0_and_a_row_per_submission(graded_class):
    assert graded_class["status"] == 0
    others = 2  # other.ipynb and records/elsewhere.json: files of other lessons, listed in the run notes
    assert len(graded_class["rows"]) == len(graded_class["before"]) - others


def test_right_notebook_scores_every_exercise(graded_class):
    row = graded_class["rows"]["ana"]
    assert scores(row) == ["1"] * 8 and row["total"] == "8" and row["problem"] == ""


def test_wrong_answers_score_0_on_those_exercises_only(graded_class):
    row = graded_class["rows"]["ben"]
    assert scores(row) == ["0", "1", "0", "0", "1", "1", "1", "0"] and row["total"] == "4"


def test_infinite_loop_is_stopped_at_the_cell_limit_and_later_cells_still_run(graded_class):
    row = graded_class["rows"]["loop"]
    assert re.search(r"cell \d+ was stopped after 10 s \(time limit\)", row["problem"])
    assert row["total"] == "8"


def test_loop_that_ignores_the_interrupt_stops_the_notebook(graded_class):
    row = graded_class["rows"]["stubborn"]
    assert "went on running after its time limit" in row["problem"]
    assert scores(row) == ["1", "1", "0", "0", "0", "0", "0", "0"]


def test_sys_exit_is_an_error_in_one_cell_only(graded_class):
    row = graded_class["rows"]["sysexit"]
    assert "raised SystemExit: 3" in row["problem"] and row["total"] == "8"


def test_os_exit_ends_the_notebook_and_only_earlier_answers_count(graded_class):
    row = graded_class["rows"]["osexit"]
    assert "the kernel died while running cell" in row["problem"]
    assert scores(row) == ["1", "1", "0", "0", "0", "0", "0", "0"]


def test_kernel_killed_by_a_signal_is_a_row_not_a_crash(graded_class):
    row = graded_class["rows"]["crash"]
    assert "the kernel died while running cell" in row["problem"]
    assert scores(row) == ["1", "1", "0", "0", "0", "0", "0", "0"]


def test_memory_limit_turns_a_huge_allocation_into_memory_error(graded_class):
    row = graded_class["rows"]["memory"]
    assert "raised MemoryError" in row["problem"] and row["total"] == "8"


def test_huge_output_is_discarded_and_noted(graded_class):
    row = graded_class["rows"]["huge"]
    assert re.search(r"printed \d+ MB of output \(discarded\)", row["problem"]) and row["total"] == "8"


@pytest.mark.skipif(sandbox.detect().kind != "bwrap", reason="needs bubblewrap")
def test_absolute_path_vandalism_harms_no_file(graded_class):
    for path, data in graded_class["before"].items():
        assert path.read_bytes() == data, path
    assert (graded_class["out"] / "teacher-notes.txt").read_text(encoding="utf-8") == "kept by the teacher\n"
    assert (graded_class["home"] / "precious.txt").read_text(encoding="utf-8") == "the teacher's notes\n"
    assert "destroyed" not in (graded_class["out"] / "sample" / "gradebook.csv").read_text(encoding="utf-8")
    row = graded_class["rows"]["vandal"]
    # the files it aimed at do not exist inside the sandbox at all (not merely read-only)
    assert "No such file or directory" in row["problem"] and row["total"] == "8"


def test_deleted_exercise_cell_is_named(graded_class):
    row = graded_class["rows"]["deleted"]
    assert "no cell checks sample.kind" in row["problem"]
    assert row["sample.kind"] == "0" and row["total"] == "7"


def test_duplicated_exercise_cell_is_named_and_the_last_answer_counts(graded_class):
    row = graded_class["rows"]["doubled"]
    assert "sample.year (2 cells)" in row["problem"]
    assert row["sample.year"] == "0" and row["total"] == "7"


def test_malformed_notebook_is_a_row(graded_class):
    row = graded_class["rows"]["malformed"]
    assert row["problem"].startswith("not a notebook: invalid JSON at line 1") and row["total"] == ""


def test_empty_file_is_a_row(graded_class):
    row = graded_class["rows"]["empty"]
    assert row["problem"] == "the file is empty" and scores(row) == [""] * 8


def test_files_of_other_lessons_are_not_run_and_listed_once_in_the_run_notes(graded_class):
    assert "other" not in graded_class["rows"] and "finn" not in graded_class["rows"]
    notes = (graded_class["out"] / "run-notes.txt").read_text(encoding="utf-8")
    assert "Not graded: 1 file(s) of other lessons than sample (--lesson): class/records/elsewhere.json" in notes
    assert "Not graded: 1 file(s) of lessons without an answer key: class/other.ipynb (lesson 'another-lesson')" in notes


def test_record_edited_to_passed_is_scored_by_the_key(graded_class):
    row = graded_class["rows"]["eve"]
    assert scores(row) == ["0", "0", "1", "0", "0", "0", "0", "0"]
    assert "claims 2 answer(s) correct that the key rejects (sample.year, sample.kind)" in row["problem"]


def test_redefined_check_gains_nothing(graded_class):
    """Its check() only writes a record claiming "correct"; the exercise cells call the grader's
    own check() instead, which records the (wrong) answers, and the replacement is seen as they run."""
    row = graded_class["rows"]["faker"]
    assert "redefines check()" in row["problem"] and "the notebook replaced check" in row["problem"]
    assert row["total"] == "0"


def test_check_replaced_through_user_ns_with_stubs_left_gains_nothing(graded_class):
    row = graded_class["rows"]["nsfaker"]
    assert scores(row) == ["0"] * 8
    assert "the notebook replaced check" in row["problem"]


def test_check_replaced_with_stubs_kept_under_a_changed_cell_gains_nothing(graded_class):
    """Each exercise cell gained a line, but still passes its stub's ``...`` to check()."""
    row = graded_class["rows"]["nsfaker2"]
    assert scores(row) == ["0"] * 8 and "the notebook replaced check" in row["problem"]


def test_check_gives_no_verdict_in_the_grading_kernel(graded_class):
    """Trying candidates until check() says "correct" finds nothing: check() only records."""
    row = graded_class["rows"]["verdictoracle"]
    assert row["sample.venue"] == "0" and row["total"] == "7"


def test_importing_the_key_in_the_kernel_gains_nothing(graded_class):
    row = graded_class["rows"]["keyoracle"]
    assert row["sample.venue"] == "0" and row["total"] == "7"


def test_answer_shown_by_another_cell_is_not_counted(graded_class):
    row = graded_class["rows"]["forger"]
    assert row["sample.venue"] == "0" and row["total"] == "7"
    assert "answers to sample.venue came from other cells than the exercise's own" in row["problem"]


def test_hostile_exception_names_are_bounded_and_inert_everywhere(graded_class):
    row = graded_class["rows"]["leaker"]
    assert row["total"] == "8" and "raised SECRETSECRET" in row["problem"]
    assert row["problem"].count("SECRET") <= 10 and len(row["problem"]) < 1000
    out = graded_class["out"]
    page = (out / "sample" / "report.html").read_text(encoding="utf-8")
    feedback = (out / "sample" / "feedback" / "leaker.md").read_text(encoding="utf-8")
    for text in ((out / "sample" / "gradebook.csv").read_text(encoding="utf-8"), page, feedback):
        assert "SECRET" * 11 not in text and "\n# Heading" not in text
    assert "<script>" not in page and "<script>" not in feedback and "\\# Heading &lt;script&gt;" in feedback


def test_record_without_student_uses_file_stem_or_folder(graded_class):
    rows = graded_class["rows"]
    assert rows["dora"]["total"] == "8" and rows["dora"]["file"] == "class/records/dora.json"
    assert rows["fred"]["sample.year"] == "1" and rows["fred"]["total"] == "1"


def test_malformed_record_is_a_row(graded_class):
    rows = graded_class["rows"]
    assert rows["broken"]["problem"].startswith("not a learning record: invalid JSON")


def test_feedback_says_what_to_revisit_but_never_the_answer(graded_class):
    text = (graded_class["out"] / "sample" / "feedback" / "ben.md").read_text(encoding="utf-8")
    revisit = text.split("## What to revisit")[1]
    assert "In which year was the London summit held?" in revisit and "2024 is too small" in revisit
    assert "Lancaster" not in text and "2025" not in text
    from lessonkit._exercises import exercises

    for exercise in exercises("sample").values():
        for secret in (getattr(exercise, "answer_hash", ""), *getattr(exercise, "accepted_hashes", ())):
            assert not secret or secret not in text


def test_report_has_an_accessible_chart_a_table_and_the_problems(graded_class):
    page = (graded_class["out"] / "sample" / "report.html").read_text(encoding="utf-8")
    assert re.search(r'<div class="chart" role="img" aria-label="Bar chart of the share', page)
    assert "sample.states" in page and "<caption>" in page and "No such file or directory" in page
    assert "bubblewrap" in (graded_class["out"] / "sample" / "run-notes.txt").read_text(encoding="utf-8")


@pytest.mark.slow
def test_rerun_is_idempotent_and_comes_from_the_cache(graded_class, capsys):
    out = graded_class["out"]
    names = ["gradebook.csv", "sample/gradebook.csv", "sample/report.html", "sample/run-notes.txt",
             *(f"sample/feedback/{p.name}" for p in (out / "sample" / "feedback").iterdir())]
    first = {n: (out / n).read_bytes() for n in names}
    capsys.readouterr()
    assert grade(str(graded_class["subs"]), "--out", str(out), "--lesson", "sample", "--timeout", TIMEOUT,
                 "--no-progress") == 0
    # every submission came from the cache (no kernel ran): said by the run, not timed
    assert f"{len(graded_class['rows'])} file(s) from the cache" in capsys.readouterr().err
    assert {n: (out / n).read_bytes() for n in names} == first


# ----------------------------------------------------------------------------- smaller runs

@pytest.mark.slow
def test_without_bubblewrap_the_run_notes_say_so(tmp_path, edition, monkeypatch, capsys):
    monkeypatch.setenv(sandbox.SANDBOX_ENV, "none")
    gc.write(gc.fill(gc.read(edition), gc.right_answers()), tmp_path / "in" / "ana.ipynb")
    assert grade(str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--no-progress") == 0
    assert gradebook(tmp_path / "out")["ana"]["total"] == "8"
    assert "WITHOUT a sandbox" in (tmp_path / "out" / "sample" / "run-notes.txt").read_text(encoding="utf-8")
    assert "WITHOUT a sandbox" in capsys.readouterr().err


@pytest.mark.slow
def test_kernel_that_cannot_start_is_retried_never_scored_and_not_cached(tmp_path, edition):
    # The kernels see none of the teacher's environment (no PYTHONPATH), so a kernel is kept from
    # starting the way a crowded grading machine would: a memory limit too small for it to start.
    gc.write(gc.fill(gc.read(edition), gc.right_answers()), tmp_path / "in" / "ana.ipynb")
    assert grade(str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--no-progress", "--memory", "128") == 0
    row = gradebook(tmp_path / "out")["ana"]
    assert row["problem"].startswith("not graded: the notebook did not run: the first kernel did not start; "
                                     "it was retried once; the kernel could not start")
    assert scores(row) == [""] * 8 and row["total"] == ""
    assert not list(cache_folder(tmp_path / "out").glob("*-notebook-*.json"))


@pytest.mark.slow
def test_interrupted_run_leaves_no_gradebook_and_resumes(tmp_path, edition):
    nb = gc.fill(gc.read(edition), gc.right_answers())
    gc.write(nb, tmp_path / "in" / "a.ipynb")
    gc.write(gc.insert_before(nb, "sample.year", "b = 'b'"), tmp_path / "in" / "b.ipynb")  # not a's bytes
    gc.write(gc.insert_before(nb, "sample.year", "import time\ntime.sleep(60)"), tmp_path / "in" / "c.ipynb")
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "lessonkit.teacher.cli", "grade", str(tmp_path / "in"), "--out", str(out),
           "--workers", "2", "--timeout", "120", "--no-progress"]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True, env=os.environ.copy(), start_new_session=True)
    deadline = time.monotonic() + 120
    while len(list(cache_folder(out).glob("*-notebook-*.json"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "interrupted" in err
    assert not (out / "sample" / "gradebook.csv").exists()
    gc.write(gc.insert_before(nb, "sample.year", "x = 1"), tmp_path / "in" / "c.ipynb")  # c is fixed
    done = subprocess.run(cmd, stderr=subprocess.PIPE, text=True, timeout=120)
    assert done.returncode == 0 and "2 file(s) from the cache" in done.stderr
    assert [r["total"] for r in gradebook(out).values()] == ["8", "8", "8"]


@pytest.mark.parametrize("step", ["discover", "reading", "ordering the lessons", "grading", "writing"])
def test_ctrl_c_at_any_step_of_a_records_run_writes_no_gradebook_and_the_next_run_finishes(
        tmp_path, capsys, monkeypatch, step):
    """Ctrl-C (a KeyboardInterrupt) at each step: status 130, a line saying so, no traceback, no
    gradebook; the same command then gives the gradebook of a run never interrupted."""
    from lessonkit.teacher.grading import run, submissions

    argv = three_records(tmp_path, "b")
    assert grade(*argv[:2], str(tmp_path / "clean"), "--no-progress") == 0
    clean = (tmp_path / "clean" / "sample" / "gradebook.csv").read_bytes()
    calls = {"n": 0}

    def interrupt_at(module, name, after=0):
        real = getattr(module, name)

        def wrapper(*args, **kwargs):
            calls["n"] += 1
            if calls["n"] > after:
                raise KeyboardInterrupt
            return real(*args, **kwargs)
        monkeypatch.setattr(module, name, wrapper)

    {"discover": lambda: interrupt_at(run, "discover"),
     "reading": lambda: interrupt_at(submissions, "_loaded", after=1),  # the second file
     "ordering the lessons": lambda: interrupt_at(run, "_in_order"),
     "grading": lambda: interrupt_at(run, "_grade_all"),
     "writing": lambda: interrupt_at(grading_cache, "replace_text", after=1)}[step]()
    capsys.readouterr()
    assert grade(*argv) == 130
    err = capsys.readouterr().err
    assert "interrupted" in err.strip().splitlines()[-1] and "Traceback" not in err
    assert all(line.startswith("lessonkit grade: ") for line in err.strip().splitlines())
    assert not (tmp_path / "out" / "sample" / "gradebook.csv").exists()
    monkeypatch.undo()
    assert grade(*argv) == 0
    assert (tmp_path / "out" / "sample" / "gradebook.csv").read_bytes() == clean


def test_records_only_run_reports_progress_and_escapes_what_students_wrote(tmp_path, capsys):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "x.json").write_text(gc.record("<script>alert(1)</script>", [
        ("sample.venue", "<b>Lancaster House</b>", "correct"), ("sample.year", "<i>2025</i>", "correct")]),
        encoding="utf-8")
    (tmp_path / "in" / "y.json").write_text(gc.record("=HYPERLINK(\"http://x\")", []), encoding="utf-8")
    assert grade(str(tmp_path / "in"), "--out", str(tmp_path / "out")) == 0
    assert "grading sample" in capsys.readouterr().err  # the progress bar, on stderr
    page = (tmp_path / "out" / "sample" / "report.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    feedback = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "out" / "sample" / "feedback").iterdir())
    assert "<script>" not in feedback and "<i>" not in feedback
    assert "'=HYPERLINK(\"http://x\")" in gradebook(tmp_path / "out")  # not a formula in a spreadsheet


def three_records(tmp_path: Path, kind: str) -> tuple[str, ...]:
    """Records of ana, ben and cy answering sample.kind with kind; the arguments grading them."""
    (tmp_path / "in").mkdir()
    for name in ("ana", "ben", "cy"):
        (tmp_path / "in" / f"{name}.json").write_text(gc.record(name, [("sample.kind", kind, "")]), encoding="utf-8")
    return (str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--no-progress")


def test_records_are_cached_in_one_file_and_a_changed_record_is_graded_again(tmp_path, capsys):
    argv = three_records(tmp_path, "a")
    assert grade(*argv) == 0
    cache = cache_folder(tmp_path / "out")
    assert len(list(cache.glob("records-*.jsonl"))) == 1 and not list(cache.glob("*-record-*.json"))
    assert grade(*argv) == 0 and "3 file(s) from the cache" in capsys.readouterr().err
    (tmp_path / "in" / "ben.json").write_text(gc.record("ben", [("sample.kind", "b", "")]), encoding="utf-8")
    assert grade(*argv) == 0 and "2 file(s) from the cache" in capsys.readouterr().err
    rows = gradebook(tmp_path / "out")
    assert [rows[n]["sample.kind"] for n in ("ana", "ben", "cy")] == ["0", "1", "0"]


def test_a_damaged_line_of_the_records_cache_costs_that_record_only(tmp_path, capsys):
    argv = three_records(tmp_path, "b")
    assert grade(*argv) == 0
    first = gradebook(tmp_path / "out")
    (cached,) = cache_folder(tmp_path / "out").glob("records-*.jsonl")
    lines = cached.read_text(encoding="utf-8").splitlines(keepends=True)
    assert len(lines) == 4  # a header, then one line per record
    cached.write_text("".join([*lines[:2], lines[2][:40] + "\n", *lines[3:]]), encoding="utf-8")
    capsys.readouterr()
    assert grade(*argv) == 0 and "2 file(s) from the cache" in capsys.readouterr().err
    assert gradebook(tmp_path / "out") == first
    assert cached.read_text(encoding="utf-8").splitlines(keepends=True) == lines  # written whole again


def test_two_submissions_of_one_student_get_two_rows(tmp_path):
    (tmp_path / "in").mkdir()
    for name in ("a", "b"):
        (tmp_path / "in" / f"{name}.json").write_text(gc.record("gil", [("sample.kind", "b", "correct")]),
                                                      encoding="utf-8")
    assert grade(str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--no-progress") == 0
    rows = gradebook(tmp_path / "out")
    assert set(rows) == {"gil", "gil (2)"} and "2 submissions for 'gil'" in rows["gil"]["problem"]


@pytest.mark.parametrize("argv, message", [
    (["{tmp}/missing", "--out", "{tmp}/out"], "no such file or folder"),
    (["{tmp}/in", "--out", "{tmp}/out", "--timeout", "0"], "--timeout must be a positive number"),
    (["{tmp}/in", "--out", "{tmp}/out", "--lesson", "nope"], "no lesson 'nope'"),
    (["{tmp}/in", "--out", "{tmp}/in/a.json"], "is a file; give a folder"),
    (["{tmp}/empty", "--out", "{tmp}/out"], "no .ipynb notebooks or .json learning records found"),
    (["{tmp}/in", "--out", "{tmp}/out", "--memory", "10"], "--memory must be at least 128"),
])
def test_unusable_arguments_give_status_2_and_one_line(tmp_path, capsys, argv, message):
    (tmp_path / "in").mkdir()
    (tmp_path / "empty").mkdir()
    (tmp_path / "in" / "a.json").write_text(gc.record("a", []), encoding="utf-8")
    assert grade(*[a.format(tmp=tmp_path) for a in argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("lessonkit grade: ") and message in err


def test_undecidable_lesson_asks_for_lesson(tmp_path, capsys):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.json").write_text(gc.record("a", [], lesson="nope"), encoding="utf-8")
    assert grade(str(tmp_path / "in"), "--out", str(tmp_path / "out")) == 2
    assert "give --lesson" in capsys.readouterr().err


def test_kernel_command_is_sandboxed_and_limited(tmp_path):
    box = sandbox.Sandbox("bwrap", bwrap="/usr/bin/bwrap")
    argv = sandbox.kernel_argv(box, tmp_path / "w", tmp_path / "k", 512, ["/srv/class"])
    text = " ".join(argv)
    for flag in ("--ro-bind /usr /usr", "--tmpfs /tmp", "--unshare-pid", "--unshare-net", "--cap-drop ALL",
                 "--die-with-parent", f"--bind {tmp_path / 'w'} {tmp_path / 'w'}", "--remount-ro /"):
        assert flag in text
    assert "--ro-bind / /" not in text and "/srv/class" not in text  # built from an allow-list, not from /
    assert str(512 * 1024 * 1024) in text and "{connection_file}" in argv
    plain = sandbox.kernel_argv(sandbox.Sandbox("none", reason="test"), tmp_path / "w", tmp_path / "k", 512, [])
    assert plain[0] == sys.executable and "bwrap" not in " ".join(plain)


def test_rows_sort_and_unique_names_are_stable():
    rows = report.unique_students([report.Row("b", "2", "record", True), report.Row("B", "1", "record", True),
                                   report.Row("a", "3", "record", True)])
    assert [r.student for r in rows] == ["a", "B", "b (2)"]  # names compare without case: one student, flagged
    assert "2 submissions for 'B'" in rows[1].problem
    assert report.feedback_names(rows) == ["a.md", "B.md", "b_2.md"]


BROKEN_KEY = """---
lessonkit:
  lesson: brokenkey
---

```{exercise}
---
label: brokenkey.year
kind: numeric
level: recall
@ANSWER@
hints:
- Look it up.
---
In which year? Give the number.
```
"""


@pytest.mark.parametrize("answer, says", [
    ("answer_from: lessonkit.lessons.sample.no_such_function", "cannot be computed"),
    ("answr: 2025", "unknown option 'answr'"),
])
def test_a_broken_answer_key_is_one_clear_line(tmp_path, capsys, monkeypatch, answer, says):
    """A teacher's lesson whose exercise block is malformed, or whose answer function is missing,
    stops the run with one line naming the problem, and no traceback."""
    from lessonkit.teacher.cli import main as cli

    keys = tmp_path / "keys"
    keys.mkdir()
    (keys / "brokenkey.md").write_text(BROKEN_KEY.replace("@ANSWER@", answer))
    record = tmp_path / "lessonkit-record-brokenkey.json"
    record.write_text('{"format": "lessonkit-record/1", "lesson": "brokenkey", "student": "a", "attempts": []}')
    monkeypatch.setenv("LESSONKIT_KEYS", str(keys))
    code = cli(["grade", str(record), "--out", str(tmp_path / "out"), "--lesson", "brokenkey", "--no-progress"])
    err = capsys.readouterr().err
    assert code == 2
    assert says in err and "brokenkey" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out" / "sample" / "gradebook.csv").exists()


def test_bubblewrap_is_used_where_it_is_installed():
    """CI installs bubblewrap: a silent fall-back to no sandbox must fail the suite there,
    wherever the project is checked out (a clone under /tmp included)."""
    import os
    import shutil

    from lessonkit.teacher import sandbox

    if not (shutil.which("bwrap") and os.environ.get("CI")):
        pytest.skip("bubblewrap is checked in CI, where .ci/run installs it")
    found = sandbox.detect()
    assert found.kind == "bwrap", found.reason


FLOOD_RUN = """
import json, resource, sys
from pathlib import Path
import nbformat
from lessonkit.teacher import sandbox
from lessonkit.teacher.grading.grade import NotebookTask, grade_notebook
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(sys.argv[1])])
nb.metadata["lessonkit"] = {"lesson": "sample", "edition": "student"}
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
result = grade_notebook(NotebookTask("sample", nbformat.writes(nb).encode(), "", sandbox.detect(),
                                     sandbox.Limits(timeout=60, notebook_timeout=120), (), Path(sys.argv[2])))
print(json.dumps({"grown_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before,
                  "problems": list(result.problems)}))
"""


@pytest.mark.slow
def test_a_flood_of_widget_messages_does_not_grow_the_worker(tmp_path):
    """100,000 comm messages of 2 kB each: the worker keeps none of them (nbclient alone
    would keep their widget state, some 80 MB here) and the row says output was cut."""
    import json

    done = subprocess.run([sys.executable, "-c", FLOOD_RUN, gc.WIDGET_FLOOD, str(tmp_path)], capture_output=True,
                          text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(REPO / "src")})
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["grown_kb"] < 30_000, result
    assert any(f"more than {kernel.MAX_MESSAGES} output messages" in p and "cut" in p for p in result["problems"])


def test_check_in_a_grading_kernel_records_the_answer_and_imports_no_key():
    code = ("import sys\nfrom lessonkit import check, progress\nfb = check('sample.venue', 'Lancaster House')\n"
            "print(fb.status, str(progress('sample')).splitlines()[0])\n"
            "print(sorted(m for m in sys.modules if m.startswith('lessonkit.keys')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "LESSONKIT_GRADING": "1", "LESSONKIT_RECORD_DIR": tempfile.mkdtemp()})
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[-2:] == ["recorded Lesson sample: 0 of 0 exercises done", "[]"]
    assert "application/vnd.lessonkit.answer+json" in done.stdout and "Lancaster House" in done.stdout
