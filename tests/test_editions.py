"""Building editions: one parser, clear errors, golden student edition, and both editions
behave when executed (every reference solution passes; every stub is 'not attempted')."""

import json
import re
from pathlib import Path

import nbformat
import pytest

from lessonkit._errors import MarkupError
from lessonkit.teacher import markup
from lessonkit.teacher.cli import main as cli
from lessonkit.teacher.editions import STUDENT_STEPS, build, execute, make_edition, read_lesson

HERE = Path(__file__).resolve().parent
SAMPLE = HERE / "sample" / "sample.md"
GOLDEN = HERE / "goldens" / "sample.student.ipynb"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("editions")
    build([SAMPLE], out)
    return {e: nbformat.read(out / e / "sample.ipynb", as_version=4) for e in ("teacher", "student")}


def _check_outputs(nb):
    """The text of every output of every cell that calls check()."""
    texts = []
    for cell in nb.cells:
        if cell.cell_type == "code" and "check(" in cell.source:
            texts.append("".join(o.get("text", "") or o.get("data", {}).get("text/plain", "")
                                 for o in cell.outputs))
    return texts


def test_student_edition_matches_the_golden_file(built, update_goldens):
    text = nbformat.writes(built["student"]) + "\n"
    if update_goldens:
        GOLDEN.write_text(text, encoding="utf-8")
    assert GOLDEN.exists(), "run pytest --update-goldens once to create the golden file"
    assert text == GOLDEN.read_text(encoding="utf-8"), "student edition changed; rerun with --update-goldens if intended"


def test_teacher_edition_shows_every_reference_solution_passing(built):
    outputs = _check_outputs(built["teacher"])
    assert len(outputs) == 8
    for text in outputs:
        assert "Correct" in text, text


def test_teacher_edition_keeps_instructor_notes_and_no_markers(built):
    text = nbformat.writes(built["teacher"])
    assert "Instructor note" in text
    assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text


def test_student_edition_has_no_solution_text_no_notes_no_outputs(built):
    student = built["student"]
    text = json.dumps(student)
    for line in markup.solution_lines(read_lesson(SAMPLE), "sample"):
        assert line not in text, line
    assert "Instructor note" not in text
    assert all(not c.get("outputs") and c.get("execution_count") is None
               for c in student.cells if c.cell_type == "code")
    assert student.metadata["lessonkit"]["edition"] == "student"


def test_student_edition_executes_with_every_exercise_not_attempted(built, tmp_path):
    nb = execute(nbformat.from_dict(json.loads(json.dumps(built["student"]))), cwd=tmp_path)
    outputs = _check_outputs(nb)
    assert len(outputs) == 8
    for text in outputs:
        assert "Not attempted yet" in text, text
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors


@pytest.mark.parametrize("source, problem, line", [
    ("# BEGIN SOLUTION\nx = 1\n", "has no '# END SOLUTION' after it", 1),
    ("x = 1\n# END SOLUTION\n", "'# END SOLUTION' with no '# BEGIN SOLUTION' before it", 2),
    ("# BEGIN SOLUTION\n# BEGIN SOLUTION\nx = 1\n# END SOLUTION\n", "a second '# BEGIN SOLUTION'", 2),
    ("# BEGIN SOLUTIONS\nx = 1\n# END SOLUTION\n", "malformed marker", 1),
    ("#begin solution\nx = 1\n", "malformed marker", 1),
])
def test_malformed_regions_name_lesson_cell_and_line(source, problem, line):
    with pytest.raises(MarkupError) as e:
        markup.parse_cell(source, "03-money", 7, tagged=True)
    assert problem in str(e.value)
    assert str(e.value).startswith(f"03-money, cell 7, line {line}: ")


def test_a_region_outside_a_tagged_cell_and_a_tag_without_region_are_errors():
    with pytest.raises(MarkupError, match="without the 'solution' tag"):
        markup.parse_cell("# BEGIN SOLUTION\nx = 1\n# END SOLUTION", "l", 2, tagged=False)
    with pytest.raises(MarkupError, match="has no '# BEGIN SOLUTION' region"):
        markup.parse_cell("x = 1", "l", 2, tagged=True)


def test_the_cli_reports_malformed_markup_in_one_line_and_writes_nothing(tmp_path, capsys):
    broken = tmp_path / "99-broken.md"
    broken.write_text(SAMPLE.read_text(encoding="utf-8").replace("# END SOLUTION\ncheck(\"sample.kind\"",
                                                                 "check(\"sample.kind\"", 1), encoding="utf-8")
    out = tmp_path / "out"
    assert cli(["build", str(broken), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert re.match(r"lessonkit build: 99-broken\.md \(sample\), cell \d+, line \d+: ", err), err
    assert not out.exists()


def test_every_build_step_goes_through_the_one_parser(monkeypatch):
    calls = []
    real = markup.parse_cell

    def spy(*args, **kwargs):
        calls.append(args[2])
        return real(*args, **kwargs)

    monkeypatch.setattr(markup, "parse_cell", spy)
    make_edition(read_lesson(SAMPLE), "sample", STUDENT_STEPS)
    assert calls, "the student build did not use markup.parse_cell"


def test_stub_keeps_each_assigned_name_once():
    region = markup.Region(1, 5, ("x = 1", "x += 1", "y: int = 2", "print(x)"))
    assert markup.stub(region) == ["x = ...", "y = ..."]
