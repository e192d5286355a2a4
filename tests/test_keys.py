"""Exercises written once, in the lesson: parsing the blocks, clear errors for malformed ones,
and a teacher's edit followed by check() and by the grader after a rebuild."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lessonkit import _keys
from lessonkit._keys import ExerciseFormatError, parse_lesson, parse_text

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "tests" / "sample" / "sample.md"


def block(options: str, body: str = "Say it.") -> str:
    return f"intro\n\n```{{exercise}}\n---\n{options}\n---\n{body}\n```\n"


def test_the_sample_lesson_has_one_block_per_exercise_in_order():
    specs = parse_lesson(SAMPLE)
    assert [s.label for s in specs] == ["sample.year", "sample.missiles", "sample.venue", "sample.kind",
                                        "sample.attended", "sample.order", "sample.roles", "sample.states"]
    kind = next(s for s in specs if s.label == "sample.kind")
    assert kind.options["options"]["b"].startswith("credit") and kind.options["answer"] == "b"
    assert kind.line > 1 and kind.source == "sample.md"


@pytest.mark.parametrize("options, says", [
    ("label: demo\nkind: numeric\nlevel: recall\nanswer: 1", "label must look like 'lesson.name'"),
    ("label: demo.a\nkind: number\nlevel: recall\nanswer: 1", "kind must be one of"),
    ("label: demo.a\nkind: numeric\nlevel: remember\nanswer: 1", "level must be one of"),
    ("label: demo.a\nkind: numeric\nlevel: recall", "needs answer or answer_from"),
    ("label: demo.a\nkind: numeric\nlevel: recall\nanswr: 1", "unknown option 'answr'; did you mean 'answer'?"),
    ("label: demo.a\nkind: numeric\nlevel: recall\nanswer_from: not a function", "must name a function"),
    ("label: demo.a\nkind: choice\nlevel: recall\noptions:\n  a: yes\n  b: no\nanswer: c", "is not among the options"),
    ("label: demo.a\nkind: numeric\nlevel: recall\nanswer: 1\nhints: just one", "hints must be a list"),
    ("label: demo.a\nkind: numeric\nlevel: recall\nanswer: 1\ntraps:\n- value: 2", "trap 1 must have"),
    ("label: other.a\nkind: numeric\nlevel: recall\nanswer: 1", "must start with this lesson's key"),
    ("label: demo.a\nkind: numeric\nlevel: recall\nanswer: [1, 2", "not valid YAML"),
])
def test_a_malformed_block_names_lesson_exercise_and_line(options, says):
    with pytest.raises(ExerciseFormatError) as err:
        parse_text(block(options), lesson="demo", source="03-demo.md")
    message = str(err.value)
    assert says in message
    # the opening fence, or for bad YAML the line where the parser stopped
    assert message.startswith("03-demo.md, line 8" if "YAML" in says else "03-demo.md, line 3")
    if "label: demo.a" in options and "YAML" not in says:
        assert "exercise demo.a" in message


def test_an_unclosed_block_and_a_missing_prompt_are_errors():
    with pytest.raises(ExerciseFormatError, match="never closed"):
        parse_text("```{exercise}\n---\nlabel: demo.a\n---\n", lesson="demo", source="x.md")
    with pytest.raises(ExerciseFormatError, match="no prompt"):
        parse_text(block("label: demo.a\nkind: written\nlevel: evaluate", body=""), lesson="demo")
    with pytest.raises(ExerciseFormatError, match="used by an earlier exercise"):
        opts = "label: demo.a\nkind: written\nlevel: evaluate"
        parse_text(block(opts) + block(opts), lesson="demo")


def test_a_malformed_block_stops_the_build_before_anything_is_written(tmp_path):
    bad = tmp_path / "sample.md"
    bad.write_text(SAMPLE.read_text().replace("kind: choice", "kind: chioce"))
    out = tmp_path / "out"
    run = subprocess.run([sys.executable, "-m", "lessonkit", "build", "--out", str(out), "--no-execute", str(bad)],
                         capture_output=True, text=True)
    assert run.returncode != 0
    assert "sample.md, line" in run.stderr and "exercise sample.kind" in run.stderr and "chioce" in run.stderr
    assert "Traceback" not in run.stderr
    assert not out.exists()


def test_dates_stay_text_and_written_tasks_are_recorded_not_scored():
    (spec,) = parse_text(block("label: demo.w\nkind: written\nlevel: evaluate\ntitle: 2025-03-02\nmin_words: 3\n"
                               "rubric:\n- names a source"), lesson="demo")
    assert spec.title == "2025-03-02"
    written = _keys.to_exercise(spec)
    assert written.evaluate("Because the BBC said so.").status == "recorded"
    assert written.evaluate("Because.").status == "invalid"
    assert written.rubric == ("names a source",)


def _edited_copy(tmp_path: Path) -> Path:
    """The sample lesson with the options of sample.kind reordered, a hint changed and the
    accepted answer of sample.venue changed, as a teacher adapting it might."""
    text = SAMPLE.read_text()
    old_options = ("  a: a gift of money\n  b: credit to buy from the lender's own industry\n  c: a tax\n"
                   "answer: b\n")
    new_options = ("  a: credit to buy from the lender's own industry\n  b: a tax\n  c: a gift of money\n"
                   "answer: a\n")
    assert old_options in text
    text = text.replace(old_options, new_options)
    text = text.replace("- Who makes the missiles in this deal, and who pays for them?",
                        "- Think of who builds the missiles.")
    text = text.replace("- Lancaster House\n- Lancaster House, London\n", "- Lancaster House in St James's\n")
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "sample.md").write_text(text)
    return folder / "sample.md"


def _check_in(folder: Path, code: str) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("LESSONKIT_KEYS", "LESSONKIT_RECORD_DIR")}
    run = subprocess.run([sys.executable, "-c", code], cwd=folder, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_check_and_grade_follow_a_teachers_edit_after_a_rebuild(tmp_path):
    source = _edited_copy(tmp_path)
    out = tmp_path / "editions"
    subprocess.run([sys.executable, "-m", "lessonkit", "build", "--out", str(out), str(source)], check=True,
                   capture_output=True, text=True)
    student = out / "student"
    key = json.loads((student / ".lessonkit" / "keys" / "sample.json").read_text())
    assert [e["label"] for e in key["exercises"]][3] == "sample.kind"

    # the student edition shows the new order, and check() there follows the new key
    cells = json.loads((student / "sample.ipynb").read_text())["cells"]
    prompt = next("".join(c["source"]) for c in cells if c["metadata"].get("lessonkit", {}).get("exercise")
                  == "sample.kind")
    assert "**(a)** credit" in prompt and "**(c)** a gift of money" in prompt
    said = _check_in(student, "from lessonkit import check\n"
                              "print(check('sample.kind', 'b').hint)\n"
                              "print(check('sample.kind', 'a').status)\n"
                              "print(check('sample.venue', 'Lancaster House in St James\\'s').status)\n"
                              "print(check('sample.venue', 'Lancaster House').status)\n")
    assert said.split("\n")[:4] == ["Think of who builds the missiles.", "correct", "correct", "incorrect"]
    # the teacher edition was executed against the edited blocks: its reference solution for
    # sample.kind ('b') is now wrong, and its output says so
    teacher = json.loads((out / "teacher" / "sample.ipynb").read_text())
    outputs = [o for c in teacher["cells"] if "check(\"sample.kind\"" in "".join(c["source"]) for o in c["outputs"]]
    assert any("Not yet" in json.dumps(o) for o in outputs)

    # the grader, given the rebuilt key, scores the same record the same way
    record = student / "lessonkit-record-sample.json"
    assert record.exists()
    grades = tmp_path / "grades"
    env = dict(os.environ, LESSONKIT_KEYS=str(student / ".lessonkit" / "keys"))
    run = subprocess.run([sys.executable, "-m", "lessonkit", "grade", str(record), "--out", str(grades),
                          "--lesson", "sample"], env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    with open(grades / "sample" / "gradebook.csv", newline="", encoding="utf-8") as f:
        (row,) = list(csv.DictReader(f))
    assert row["sample.kind"] == "1" and row["sample.venue"] == "0"


def test_the_lesson_template_builds_and_its_reference_solutions_pass(tmp_path):
    """docs/lesson-template.md is what a teacher copies to write a lesson: it must build."""
    from lessonkit.teacher.editions import build

    build([REPO / "docs" / "lesson-template.md"], tmp_path)
    teacher = json.loads((tmp_path / "teacher" / "lesson-template.ipynb").read_text())
    outputs = [o for c in teacher["cells"] if c["cell_type"] == "code" for o in c["outputs"]]
    assert not [o for o in outputs if o["output_type"] == "error"]
    checks = [json.dumps(o) for c in teacher["cells"] if "check(" in "".join(c["source"]) for o in c["outputs"]]
    assert len(checks) == 3 and all("Correct" in t or "Answer recorded" in t for t in checks)
    student = (tmp_path / "student" / "lesson-template.ipynb").read_text()
    assert "BEGIN SOLUTION" not in student and "Not quite: the notes" not in student


def test_build_without_lessons_named_reads_lessons_toml_and_names_a_missing_lesson(tmp_path):
    from lessonkit._paths import default_lessons

    assert [p.name for p in default_lessons(REPO / "notebooks")][:2] == ["00-start-here.md",
                                                                          "01-the-weekend-in-context.md"]
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "lessons.toml").write_text('[[lesson]]\nfile = "00-gone.md"\n')
    run = subprocess.run([sys.executable, "-m", "lessonkit", "build", "--no-execute"], cwd=tmp_path,
                         capture_output=True, text=True)
    assert run.returncode == 2 and "00-gone.md" in run.stderr and "Traceback" not in run.stderr
