"""Building editions: one parser, clear errors, golden student edition, and both editions
behave when executed (every reference solution passes; every stub is 'not attempted')."""

import json
import os
import re
from pathlib import Path

import nbformat
import pytest

from lessonkit._errors import MarkupError
from lessonkit.teacher import markup
from lessonkit.teacher.cli import main as cli
from lessonkit.teacher.editions import STUDENT_STEPS, build, build_editions, execute, make_edition, read_lesson

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
    student = nbformat.from_dict(json.loads(json.dumps(built["student"])))
    student.metadata["language_info"]["version"] = "X.Y.Z"  # the Python that runs the build; the rest is fixed
    text = nbformat.writes(student) + "\n"
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


def _answer_cell(nb):
    """The first exercise cell of a notebook (in a fresh student edition, a stub with ... to replace)."""
    return next(c for c in nb.cells if c.cell_type == "code" and "check(" in c.source)


def _edit_and_save(path):
    """Answer the first exercise as a student would in JupyterLab, and save."""
    nb = nbformat.read(path, as_version=4)
    cell = _answer_cell(nb)
    cell.source = cell.source.replace("...", "2025", 1)
    cell.outputs = [nbformat.v4.new_output("stream", text="saved output\n")]
    nbformat.write(nb, path)
    return cell.source


def _changed_source(tmp_path: Path) -> Path:
    """A copy of the sample lesson, to change as a teacher updates a lesson."""
    source = tmp_path / "src" / "sample.md"
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    return source


def _update(source: Path, n: int = 1) -> None:
    """The teacher changes the lesson: one more sentence at its end."""
    source.write_text(source.read_text(encoding="utf-8") + f"\nOne more sentence ({n}).\n", encoding="utf-8")


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith(".") and p.suffix == ".ipynb")


def test_day_two_with_the_same_lesson_writes_nothing_beside_a_students_copy(tmp_path):
    out = tmp_path / "editions"
    build_editions([SAMPLE], out, editions=("student",))
    mine = out / "student" / "sample.ipynb"
    _edit_and_save(mine)
    before = mine.read_bytes()
    (placed,) = build_editions([SAMPLE], out, editions=("student",))  # day two: nothing changed
    assert placed.same and not placed.news and placed.path == mine
    assert mine.read_bytes() == before and _names(out / "student") == ["sample.ipynb"]


def test_a_changed_lesson_arrives_beside_the_students_copy_under_a_name_that_starts_differently(tmp_path, capsys):
    source, out = _changed_source(tmp_path), tmp_path / "editions"
    args = ["build", str(source), "--edition", "student", "--out", str(out)]
    assert cli(args) == 0
    mine = out / "student" / "sample.ipynb"
    answer = _edit_and_save(mine)
    before = mine.read_bytes()
    _update(source)
    capsys.readouterr()
    assert cli(args) == 0
    printed = capsys.readouterr().out
    assert mine.read_bytes() == before
    assert _answer_cell(nbformat.read(mine, as_version=4)).source == answer
    new = out / "student" / "(new version) sample.ipynb"
    assert str(new) in printed and "sample.ipynb has your changes" in printed
    assert "answers are also safe in your learning record" in printed and "backed up in" in printed
    assert "..." in _answer_cell(nbformat.read(new, as_version=4)).source
    assert cli(args) == 0  # a third run refreshes the untouched new version, still not mine
    assert mine.read_bytes() == before
    assert _names(out / "student") == ["(new version) sample.ipynb", "sample.ipynb"]


def test_an_edited_new_version_is_kept_too(tmp_path):
    source, out = _changed_source(tmp_path), tmp_path / "editions"
    build_editions([source], out, editions=("student",))
    _edit_and_save(out / "student" / "sample.ipynb")
    _update(source)
    build_editions([source], out, editions=("student",))
    _edit_and_save(out / "student" / "(new version) sample.ipynb")
    _update(source, 2)
    (placed,) = build_editions([source], out, editions=("student",))
    assert placed.path.name == "(new version 2) sample.ipynb"


def test_an_unchanged_notebook_is_replaced_silently(tmp_path):
    out = tmp_path / "editions"
    (first,) = build_editions([SAMPLE], out, editions=("student",))
    nb = nbformat.read(first.path, as_version=4)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, first.path)  # opened and saved, nothing answered
    (again,) = build_editions([SAMPLE], out, editions=("student",))
    assert again == first and not again.kept and not again.backup
    assert [p.name for p in (out / "student").iterdir() if not p.name.startswith(".")] == ["sample.ipynb"]


def test_replace_first_copies_the_changed_notebook_into_backups(tmp_path, capsys):
    source, out = _changed_source(tmp_path), tmp_path / "editions"
    args = ["build", str(source), "--edition", "student", "--out", str(out)]
    assert cli(args) == 0
    mine = out / "student" / "sample.ipynb"
    _edit_and_save(mine)
    before = mine.read_bytes()
    _update(source)
    assert cli(args) == 0  # the new version arrives beside it...
    assert (out / "student" / "(new version) sample.ipynb").exists()
    capsys.readouterr()
    assert cli(args + ["--replace"]) == 0  # ...until the student asks for it in place
    printed = capsys.readouterr().out
    (backup,) = (out / "student" / "backups").iterdir()
    assert re.fullmatch(r"sample-\d{8}-\d{6}\.ipynb", backup.name)
    assert backup.read_bytes() == before and str(backup) in printed
    assert "..." in _answer_cell(nbformat.read(mine, as_version=4)).source
    assert not (out / "student" / "(new version) sample.ipynb").exists()


def test_a_file_that_is_not_a_built_notebook_is_never_overwritten(tmp_path):
    mine = tmp_path / "student" / "sample.ipynb"
    mine.parent.mkdir()
    mine.write_text("my notes, not a notebook")
    (placed,) = build_editions([SAMPLE], tmp_path, editions=("student",))
    assert mine.read_text() == "my notes, not a notebook" and placed.kept == mine


def test_an_output_folder_that_cannot_be_written_is_one_line_of_error(tmp_path, capsys):
    blocker = tmp_path / "editions"
    blocker.write_text("a file where the folder should be")
    assert cli(["build", str(SAMPLE), "--edition", "student", "--out", str(blocker)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"lessonkit build: could not write the editions in {blocker}") and err.count("\n") == 1
    assert blocker.read_text() == "a file where the folder should be"


def test_an_executed_edition_keeps_its_widget_state(tmp_path):
    """A teacher previewing an executed lesson sees the explorers, not ``VBox(children=...``."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "from lessonkit import widgets\nwidgets.currency_converter()")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb = execute(nb, cwd=tmp_path)
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    view = nb.cells[0].outputs[0]["data"]["application/vnd.jupyter.widget-view+json"]["model_id"]
    assert view in state and state[view]["model_name"] == "VBoxModel"


@pytest.mark.skipif(os.name != "posix", reason="Unix sockets: POSIX only (elsewhere builds use TCP)")
def test_a_build_kernel_talks_over_a_private_unix_socket_and_prints_no_warning(tmp_path, capfd):
    """A teacher's terminal stays quiet: ipykernel warns on stderr about every kernel reached
    over TCP ("Kernel is running over TCP without encryption"), once per lesson built."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import json, os, ipykernel.connect\n"
        "print(json.loads(ipykernel.connect.get_connection_info())['transport'])")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb = execute(nb, cwd=tmp_path)
    assert nb.cells[0].outputs[0]["text"].strip() == "ipc"
    captured = capfd.readouterr()
    assert "without encryption" not in captured.err + captured.out


def test_the_app_page_is_titled_by_its_heading_not_its_file_name(tmp_path):
    from lessonkit._errors import LessonkitError
    from lessonkit.teacher.export import build_app, page_title

    app = build_app(Path(__file__).resolve().parents[1] / "apps" / "explorers.md", tmp_path / "explorers.ipynb")
    assert json.loads(app.read_text())["metadata"]["title"] == "The London summit: explorers"
    with pytest.raises(LessonkitError, match="heading"):
        page_title(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("## not a title")]))
