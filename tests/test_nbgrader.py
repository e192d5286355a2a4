"""The nbgrader edition, proved with nbgrader itself: ``nbgrader generate_assignment`` releases
no solution and no instructor note, ``nbgrader autograde`` scores each exercise, and
``lessonkit grade`` names each student from nbgrader's ``submitted/<student>/<assignment>/``.

nbgrader (the ``nbgrader`` extra, part of the ``test`` extra) runs as teachers run it: its
command, from the environment's ``bin`` folder, in a temporary course folder."""

import copy
import csv
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat
import pytest

from lessonkit._errors import MarkupError
from lessonkit._exercises import exercises
from lessonkit._keys import parse_lesson
from lessonkit.teacher import markup
from lessonkit.teacher.cli import main as cli
from lessonkit.teacher.editions import STUDENT_STEPS, TEACHER_STEPS, lesson_id, make_edition, read_lesson
from lessonkit.teacher.grading.cells import checked_ids, normalize
from lessonkit.teacher.nbgrader_edition import autograde_test, make_nbgrader_edition

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "tests" / "sample" / "sample.md"
NOTEBOOKS = REPO / "notebooks"
LESSONS = [NOTEBOOKS / e["file"] for e in tomllib.loads((NOTEBOOKS / "lessons.toml").read_text(encoding="utf-8"))["lesson"]]
BIN = Path(sys.executable).parent
# What the README tells nbgrader users to put in nbgrader_config.py.
CONFIG = 'c = get_config()\nc.ClearSolutions.code_stub = {"python": "# Your code here"}\n'
WRONG = {"sample.venue": 'venue = "Buckingham Palace"\ncheck("sample.venue", venue)',
         "sample.kind": 'kind = "a"\ncheck("sample.kind", kind)'}


def _nbgrader_cells(nb, kind):
    return [c for c in nb.cells if c.metadata.get("nbgrader", {}).get(kind)]


def _instructor_lines(nb):
    return [line.strip() for c in nb.cells if markup.INSTRUCTOR_TAG in markup.tags(c)
            for line in c.source.splitlines() if len(line.strip()) > 12]


def _text(nb):
    """Everything a student receives in a notebook: every cell's source and the metadata."""
    return "\n".join(c.source for c in nb.cells) + json.dumps(nb.metadata)


def _student_cells(nb, lesson):
    """{exercise id: normalised source of its cell in the student edition}."""
    student = make_edition(nb, lesson, STUDENT_STEPS)
    return {eid: normalize(c.source) for c in student.cells if c.cell_type == "code"
            for eid in checked_ids(c.source)}


# --- the edition itself (no nbgrader needed) ----------------------------------------------


def _kinds(lesson: str) -> dict[str, str]:
    return {eid: type(x).__name__ for eid, x in exercises(lesson).items()}


@pytest.mark.parametrize("path", LESSONS + [SAMPLE], ids=lambda p: p.stem)
def test_every_marked_exercise_gets_a_solution_cell_and_a_one_point_test(path):
    nb = read_lesson(path)
    lesson = lesson_id(nb, path)
    before = copy.deepcopy(nb)
    edition = make_nbgrader_edition(nb, lesson)
    solutions = _nbgrader_cells(edition, "solution")
    tests = [c for c in _nbgrader_cells(edition, "grade") if not c.metadata.nbgrader["solution"]]
    assert len(solutions) == sum(markup.SOLUTION_TAG in markup.tags(c) for c in nb.cells)
    assert all(c.metadata.nbgrader["locked"] is False and "BEGIN SOLUTION" in c.source for c in solutions)
    tested = [c.source.split("autograde_test(")[1].split(",")[0].strip("'\"") for c in tests]
    marked = [eid for eid, kind in _kinds(lesson).items() if kind not in ("Written", "Prediction")]
    assert sorted(tested) == sorted(marked), "one test per marked exercise of the answer key"
    assert all(c.metadata.nbgrader["points"] == 1 and c.metadata.nbgrader["locked"] for c in tests)
    assert all("BEGIN HIDDEN TESTS" in c.source for c in tests)
    ids = [c.metadata.nbgrader["grade_id"] for c in solutions + tests]
    assert len(set(ids)) == len(ids)
    for index, cell in enumerate(edition.cells):  # each test follows its exercise's own cell
        if cell in tests:
            eid = cell.source.split("autograde_test(")[1].split(",")[0].strip("'\"")
            answer_cell = next(c for c in reversed(edition.cells[:index]) if c not in tests)
            assert eid in checked_ids(answer_cell.source)
            answer = cell.source.split("autograde_test(")[1].split(", ", 1)[1].rsplit(")", 1)[0]
            assert f"check({eid!r}, {answer})".replace("'", '"') in answer_cell.source.replace("'", '"'), \
                "the test passes the answer that the exercise's cell passes to check()"
    assert not any(markup.INSTRUCTOR_TAG in markup.tags(c) for c in edition.cells)
    assert all(line not in _text(edition) for line in _instructor_lines(nb))
    assert edition.metadata["lessonkit"]["edition"] == "nbgrader"
    assert all(not c.get("outputs") for c in edition.cells if c.cell_type == "code")
    assert nb == before, "the lesson itself is not changed"


def test_two_builds_write_the_same_bytes(tmp_path):
    for out in ("a", "b"):
        assert cli(["build", str(SAMPLE), "--edition", "nbgrader", "--out", str(tmp_path / out)]) == 0
    assert [p.name for p in (tmp_path / "a" / "nbgrader").iterdir()] == ["sample.ipynb"], "no answer keys"
    assert (tmp_path / "a" / "nbgrader" / "sample.ipynb").read_bytes() == \
        (tmp_path / "b" / "nbgrader" / "sample.ipynb").read_bytes()


def test_autograde_test_passes_only_a_right_answer_and_records_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("LESSONKIT_RECORD_DIR", str(tmp_path))
    monkeypatch.delenv("LESSONKIT_GRADING", raising=False)
    autograde_test("sample.venue", "Lancaster House")
    autograde_test("sample.year", 2025)
    with pytest.raises(AssertionError, match=r"^\[sample\.venue\] Not yet") as wrong:
        autograde_test("sample.venue", "Buckingham Palace")
    assert "Lancaster" not in str(wrong.value), "the feedback never gives the expected answer"
    with pytest.raises(AssertionError, match="Not attempted yet"):
        autograde_test("sample.year", ...)
    with pytest.raises(AssertionError, match="Check the form of your answer"):
        autograde_test("sample.year", "twenty")
    assert list(tmp_path.iterdir()) == [], "the test writes no learning record"
    monkeypatch.setenv("LESSONKIT_GRADING", "1")  # under lessonkit grade the grader decides, outside
    autograde_test("sample.venue", "Buckingham Palace")


def test_an_exercise_cell_without_a_usable_answer_is_a_clear_error_and_writes_nothing(tmp_path, capsys):
    broken = tmp_path / "broken.md"
    text = SAMPLE.read_text(encoding="utf-8")
    assert 'check("sample.venue", venue)' in text
    broken.write_text(text.replace('check("sample.venue", venue)', 'check("sample.venue")'), encoding="utf-8")
    with pytest.raises(MarkupError, match=r"^sample, cell \d+: check\('sample.venue', \.\.\.\) is not a call"):
        make_nbgrader_edition(read_lesson(broken), "sample")
    assert cli(["build", str(broken), "--edition", "nbgrader", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("lessonkit build: broken.md (sample), cell") or err.startswith("lessonkit build: sample, cell")
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


# --- nbgrader itself ---------------------------------------------------------------------------


def _env(tmp: Path) -> dict:
    """nbgrader calls alembic from PATH; its own config folder keeps ~/.jupyter out of it."""
    return dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
                JUPYTER_CONFIG_DIR=str(tmp / "jupyter-config"))


def _nbgrader(course: Path, *args: str, timeout: float = 600) -> str:
    done = subprocess.run([str(BIN / "nbgrader"), *args], cwd=course, env=_env(course.parent),
                          capture_output=True, text=True, timeout=timeout)
    log = done.stdout + done.stderr
    assert done.returncode == 0 and "| ERROR]" not in log, log
    return log


def _course(root: Path, lessons: list[Path], assignment: str) -> Path:
    """A course folder with the nbgrader edition of lessons as one assignment's source."""
    course = root / "course"
    (course / "source").mkdir(parents=True)
    (course / "nbgrader_config.py").write_text(CONFIG, encoding="utf-8")
    assert cli(["build", *map(str, lessons), "--edition", "nbgrader", "--out", str(root / "editions")]) == 0
    (root / "editions" / "nbgrader").rename(course / "source" / assignment)
    return course


@pytest.mark.slow
def test_generate_assignment_releases_every_lesson_without_solutions_or_notes(tmp_path):
    course = _course(tmp_path, LESSONS, "summit")
    _nbgrader(course, "generate_assignment", "summit")
    for path in LESSONS:
        nb = read_lesson(path)
        lesson = lesson_id(nb, path)
        released = nbformat.read(course / "release" / "summit" / path.with_suffix(".ipynb").name, as_version=4)
        text = _text(released)
        leaked = [line for line in markup.solution_lines(nb, lesson) if len(line) > 12 and line in text]
        assert not leaked, f"{path.name}: solution lines released: {leaked}"
        assert not [line for line in _instructor_lines(nb) if line in text], f"{path.name}: instructor note"
        assert "SOLUTION" not in text and "autograde_test" not in text and "HIDDEN TESTS" not in text
        # the exercise blocks are released as the student reads them: no options block, no answer, no hint
        assert "```{exercise}" not in text and "\nanswer:" not in text and "_from: lessonkit" not in text
        assert not [h for spec in parse_lesson(path) for h in spec.options.get("hints", []) if h in text]
        # each released exercise cell is the student edition's (comments aside), ready for check()
        stubs = _student_cells(nb, lesson)
        cells = {eid: normalize(c.source) for c in _nbgrader_cells(released, "solution")
                 for eid in checked_ids(c.source)}
        assert cells == stubs, path.name
        written = [eid for eid, kind in _kinds(lesson).items() if kind == "Written"]
        assert len(_nbgrader_cells(released, "grade")) == len(exercises(lesson)) - len(_kinds(lesson)) + sum(
            kind != "Prediction" for kind in _kinds(lesson).values())
        manual = [c for c in _nbgrader_cells(released, "grade") if c.metadata.nbgrader["solution"]]
        assert sorted(eid for c in manual for eid in checked_ids(c.source)) == sorted(written)
        assert "Rubric" not in text
    assert (course / "release" / "summit" / "glossary.md").is_file()


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The sample lesson through nbgrader: released, submitted by alice (every answer right) and
    bob (two wrong), autograded; then the same submissions through lessonkit grade."""
    root = tmp_path_factory.mktemp("nbgrader")
    course = _course(root, [SAMPLE], "sample")
    _nbgrader(course, "generate_assignment", "sample")
    released = nbformat.read(course / "release" / "sample" / "sample.ipynb", as_version=4)
    teacher = make_edition(read_lesson(SAMPLE), "sample", TEACHER_STEPS)
    right = {eid: c.source for c in teacher.cells if c.cell_type == "code" for eid in checked_ids(c.source)}
    for student, answers in (("alice", right), ("bob", {**right, **WRONG})):
        nb = copy.deepcopy(released)
        for cell in _nbgrader_cells(nb, "solution"):
            (eid,) = checked_ids(cell.source)
            cell.source = answers[eid]
        folder = course / "submitted" / student / "sample"
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / "sample.ipynb")
    _nbgrader(course, "autograde", "sample")
    script = ("import json, sys\nfrom nbgrader.api import Gradebook\n"
              "with Gradebook('sqlite:///gradebook.db') as gb:\n"
              "    print(json.dumps({s: {g.name: [g.score, g.max_score] for g in\n"
              "        gb.find_submission_notebook('sample', 'sample', s).grades} for s in sys.argv[1:]}))\n")
    scores = subprocess.run([sys.executable, "-c", script, "alice", "bob"], cwd=course, env=_env(root),
                            capture_output=True, text=True, timeout=120, check=True)
    _nbgrader(course, "export")
    with open(course / "grades.csv", newline="", encoding="utf-8") as f:
        export = {row["student_id"]: row for row in csv.DictReader(f)}
    out = root / "grades"
    done = subprocess.run([sys.executable, "-m", "lessonkit", "grade", str(course / "submitted"), "--out", str(out),
                           "--no-progress"], cwd=root, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    with open(out / "sample" / "gradebook.csv", newline="", encoding="utf-8") as f:
        gradebook = {row["student"]: row for row in csv.DictReader(f)}
    return {"scores": json.loads(scores.stdout), "export": export, "gradebook": gradebook, "course": course}


@pytest.mark.slow
def test_autograde_scores_each_exercise(graded):
    ids = list(exercises("sample"))
    expected = {"alice": dict.fromkeys(ids, 1.0), "bob": {eid: 0.0 if eid in WRONG else 1.0 for eid in ids}}
    for student, want in expected.items():
        got = graded["scores"][student]
        assert got == {f"{eid.replace('.', '-')}-test": [score, 1.0] for eid, score in want.items()}, student
    assert {s: (row["score"], row["max_score"]) for s, row in graded["export"].items()} == \
        {"alice": ("8.0", "8.0"), "bob": ("6.0", "8.0")}


@pytest.mark.slow
def test_autograde_runs_the_hidden_tests_restored_from_the_gradebook(graded):
    nb = nbformat.read(graded["course"] / "autograded" / "bob" / "sample" / "sample.ipynb", as_version=4)
    venue = next(c for c in _nbgrader_cells(nb, "grade") if "sample.venue" in c.source)
    assert "autograde_test('sample.venue', venue)" in venue.source
    (error,) = [o for o in venue.outputs if o.output_type == "error"]
    assert error.ename == "AssertionError" and error.evalue.startswith("[sample.venue] Not yet")


@pytest.mark.slow
def test_lessonkit_grade_names_each_student_from_nbgraders_submitted_folders(graded):
    rows = graded["gradebook"]
    assert set(rows) == {"alice", "bob"}
    for student, row in rows.items():
        nbgrader_scores = {name.removesuffix("-test"): score for name, (score, _) in graded["scores"][student].items()}
        assert {eid: float(row[eid]) for eid in exercises("sample")} == \
            {eid: nbgrader_scores[eid.replace(".", "-")] for eid in exercises("sample")}, student
        assert row["problem"] == "", row["problem"]
    assert rows["alice"]["total"] == "8" and rows["bob"]["total"] == "6"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_predictions_get_no_grade_and_written_answers_are_marked_by_hand_with_their_rubric(path):
    nb = read_lesson(path)
    lesson = lesson_id(nb, path)
    edition = make_nbgrader_edition(nb, lesson)
    rubrics = {spec.label: spec.options.get("rubric", []) for spec in parse_lesson(path)}
    for eid, kind in _kinds(lesson).items():
        (cell,) = [c for c in edition.cells if c.cell_type == "code" and eid in checked_ids(c.source)
                   and "autograde_test" not in c.source]
        tests = [c for c in edition.cells if f"autograde_test({eid!r}" in c.source]
        meta = cell.metadata["nbgrader"]
        if kind == "Prediction":
            assert not tests and meta["grade"] is False and meta["solution"] is True, eid
        elif kind == "Written":
            assert not tests and meta["grade"] is True and meta["solution"] is True and meta["points"] == 1, eid
            assert rubrics[eid] and all(f"# - {' '.join(r.split())}" in cell.source for r in rubrics[eid]), eid
        else:
            assert len(tests) == 1 and meta["grade"] is False, eid


@pytest.mark.slow
def test_the_source_notebooks_submitted_as_they_are_get_full_automatic_marks_in_every_lesson(tmp_path):
    """nbgrader itself: generate_assignment, the teacher's source of each lesson submitted as
    it is, autograde, export. Every automatically graded point is scored; written answers wait
    for the teacher, and predictions have no grade."""
    course = _course(tmp_path, LESSONS, "summit")
    with open(course / "nbgrader_config.py", "a", encoding="utf-8") as f:  # a busy machine: more than 30 s a cell
        f.write("c.ExecutePreprocessor.timeout = 600\n")
    _nbgrader(course, "generate_assignment", "summit")
    submitted = course / "submitted" / "teacher" / "summit"
    submitted.mkdir(parents=True)
    for source in (course / "source" / "summit").glob("*.ipynb"):
        (submitted / source.name).write_bytes(source.read_bytes())
    _nbgrader(course, "autograde", "summit", timeout=3600)  # eight lessons, run one after another
    script = ("import json\nfrom nbgrader.api import Gradebook\n"
              "with Gradebook('sqlite:///gradebook.db') as gb:\n"
              "    sub = gb.find_submission('summit', 'teacher')\n"
              "    print(json.dumps({nb.name: {g.name: [g.auto_score, g.max_score, g.needs_manual_grade]\n"
              "        for g in nb.grades} for nb in sub.notebooks}))\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=course, env=_env(tmp_path), capture_output=True,
                          text=True, timeout=120, check=True)
    grades = json.loads(done.stdout)
    assert sorted(grades) == sorted(p.stem for p in LESSONS)
    for path in LESSONS:
        lesson = lesson_id(read_lesson(path), path)
        auto = {name: g for name, g in grades[path.stem].items() if name.endswith("-test")}
        manual = {name: g for name, g in grades[path.stem].items() if not name.endswith("-test")}
        marked = [eid for eid, kind in _kinds(lesson).items() if kind not in ("Written", "Prediction")]
        assert len(auto) == len(marked), path.stem
        assert all(score == top == 1.0 and not needs for score, top, needs in auto.values()), (path.stem, auto)
        assert sorted(manual) == sorted(eid.replace(".", "-") for eid, kind in _kinds(lesson).items()
                                        if kind == "Written"), path.stem
        assert all(needs for _, _, needs in manual.values())
    _nbgrader(course, "export")
    with open(course / "grades.csv", newline="", encoding="utf-8") as f:
        (row,) = [r for r in csv.DictReader(f) if r["student_id"] == "teacher"]
    auto_points = sum(sum(kind not in ("Written", "Prediction") for kind in _kinds(lesson_id(read_lesson(p), p)).values())
                      for p in LESSONS)
    assert float(row["score"]) == auto_points
