"""Own-view tasks in lessons 4-7: options argued from the data, the student's view saved to the
learning record by a real kernel, and shown in the class report beside its rubric, never scored."""

from __future__ import annotations

import csv
import json
import re
import textwrap
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from lessonkit import own_view
from lessonkit._checkers import Written
from lessonkit._exercises import exercises
from lessonkit.teacher import cli, grading
from lessonkit.teacher.editions import read_lesson

from . import shown_text as st

ROOT = Path(__file__).resolve().parents[1]
OWN_VIEW_LESSONS = {"positions": "04-where-they-stand.md", "ceasefire": "05-the-ceasefire-question.md",
                    "news": "06-reading-the-news-critically.md", "capstone": "07-capstone-in-their-shoes.md"}


@pytest.mark.parametrize("lesson", OWN_VIEW_LESSONS)
def test_lessons_4_to_7_each_have_an_own_view_task_that_is_a_written_exercise(lesson):
    found = [eid for eid in exercises(lesson) if own_view.is_own_view(eid)]
    assert len(found) == 1, f"{lesson}: {found}"
    ex = exercises(lesson)[found[0]]
    assert isinstance(ex, Written) and ex.rubric, "an own view is recorded and read with a rubric, never scored"
    text = (ROOT / "notebooks" / OWN_VIEW_LESSONS[lesson]).read_text(encoding="utf-8")
    assert f'own_view.options("{found[0]}")' in text, "the lesson shows the options before the task"


@pytest.mark.parametrize("task_id", list(own_view.TASKS))
def test_every_option_is_argued_from_rows_or_says_it_has_none(task_id):
    shown = own_view.options(task_id)
    assert 2 <= len(shown.task.options) <= 3
    text = str(shown)
    for option, voices in zip(shown.task.options, shown.voices):
        assert option.case in text
        if voices:
            assert all(v["topic_id"] == shown.task.topic and v["stance"] in option.stances for v in voices)
            assert all(f"[{v['position_id']}]" in text for v in voices), "each voice names its row"
        else:
            assert "holds no voice for this option" in text
    html = shown._repr_html_()
    assert "<script" not in html and "Question:" in html


def test_an_option_without_a_voice_says_so_plainly():
    """news.own_view option b asks for conditional or undecided positions on security guarantees; the
    sentence appears exactly when the data holds none."""
    shown = own_view.options("news.own_view")
    for option, voices in zip(shown.task.options, shown.voices):
        sentence = shown._none(option)
        assert (sentence in str(shown)) == (not voices)


def test_the_three_parts_survive_the_round_trip_and_a_missing_part_is_marked():
    text = own_view.answer("Option a.", "Starmer [gbr-european-troops-20250227].", "A US no.")
    assert own_view.parts(text) == {"option": "Option a.", "evidence": "Starmer [gbr-european-troops-20250227].",
                                    "change": "A US no."}
    partial = own_view.answer("Option a.", ..., "")
    assert own_view.parts(partial)["evidence"] == own_view.MISSING == own_view.parts(partial)["change"]
    assert own_view.answer(..., ..., ...) is ...
    assert own_view.answer(None, "", "  ") is ...


def test_an_unknown_task_names_the_tasks():
    with pytest.raises(Exception, match="positions.own_view"):
        own_view.options("positions.own_veiw")


def _run_in_kernel(cells: list[str], record_dir: Path) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    import os

    env_before = os.environ.get("LESSONKIT_RECORD_DIR")
    os.environ["LESSONKIT_RECORD_DIR"] = str(record_dir)
    try:
        NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(record_dir)}}).execute()
    finally:
        if env_before is None:
            os.environ.pop("LESSONKIT_RECORD_DIR", None)
        else:
            os.environ["LESSONKIT_RECORD_DIR"] = env_before
    return nb


ANSWERS = {
    "positions": ("Option b, on conditions.", "Starmer said the UK was ready [gbr-european-troops-20250227]; "
                  "Lavrov warned against it [rus-european-troops-20250306]. Troops without a ceasefire would be at war.",
                  "A ceasefire that Russia signs and keeps for months would move me to option a."),
    "capstone": ("Option a <b>bold</b>.", "The UK target rose [gbr-defence-spending-20250225], and the Commission "
                 "proposed more [eu-commission-defence-spending-20250304]; security comes before the rest.",
                 "Evidence that the cuts hurt the people they were meant to protect would change my mind."),
}


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> Path:
    """Learning records written by a real kernel running the lessons' own call."""
    folder = tmp_path_factory.mktemp("own-view-class") / "ana"
    folder.mkdir()
    cells = ["from lessonkit import check, own_view, set_name\nset_name('Ana')"]
    for lesson, (option, evidence, change) in ANSWERS.items():
        eid = f"{lesson}.own_view"
        cells.append(f"print(check({eid!r}, own_view.answer({option!r}, {evidence!r}, {change!r})))")
    nb = _run_in_kernel(cells, folder)
    said = "".join(o.get("text", "") for c in nb.cells for o in c.outputs)
    assert said.count("is saved for your teacher; it is not marked") == len(ANSWERS), said
    return folder


def test_the_kernel_saved_each_own_view_to_the_lesson_s_record(saved):
    for lesson, (option, evidence, change) in ANSWERS.items():
        record = json.loads((saved / f"lessonkit-record-{lesson}.json").read_text(encoding="utf-8"))
        (attempt,) = [a for a in record["attempts"] if a["exercise"] == f"{lesson}.own_view"]
        assert attempt["status"] == "recorded"
        assert own_view.parts(attempt["answer"]) == {"option": option, "evidence": evidence, "change": change}


@pytest.fixture(scope="module")
def report(saved, tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("own-view-out")
    status = grading.main(cli.parser().parse_args(["grade", str(saved.parent), "--out", str(out), "--lesson",
                                                   "positions", "--no-progress"]))
    assert status == 0
    with open(out / "positions" / "gradebook.csv", newline="", encoding="utf-8") as f:  # the lesson's own
        (row,) = [r for r in csv.DictReader(f) if r["file"].endswith("lessonkit-record-positions.json")]
    assert "positions.own_view" not in row, "an own view has no gradebook column: it is never scored"
    assert "other lessons or not in lessonkit" not in row["problem"]
    return (out / "positions" / "report.html").read_text(encoding="utf-8")


def test_the_class_report_shows_the_own_view_beside_its_rubric(report):
    m = re.search(r'<section class="written own-view"><h3><code>positions.own_view</code>.*?</section>', report, re.S)
    assert m, "no own-view section"
    section = m.group(0)
    for rule in exercises("positions")["positions.own_view"].rubric:
        assert st.html_text(rule) in st.html_text(section)
    option, evidence, change = ANSWERS["positions"]
    cells = [st.html_text(c) for c in re.findall(r"<td>(.*?)</td>", section, re.S)]
    assert cells[0].lower().startswith("ana") and cells[1] == option and evidence in cells[2] and cells[3] == change
    assert "rus-european-troops-20250306 (positions): Lavrov said" in st.html_text(section)
    assert "never scored right or wrong" in report
    assert report.count("positions.own_view</code> (written answer)") == 0, "shown once, as an own view"


def test_the_report_escapes_what_a_student_wrote(saved, tmp_path):
    out = tmp_path / "out"
    assert grading.main(cli.parser().parse_args(["grade", str(saved.parent), "--out", str(out), "--lesson",
                                                 "capstone", "--no-progress"])) == 0
    page = (out / "capstone" / "report.html").read_text(encoding="utf-8")
    assert "Option a &lt;b&gt;bold&lt;/b&gt;." in page and "<b>bold</b>" not in page


def test_a_lesson_without_own_view_tasks_has_no_such_section():
    from lessonkit.teacher.own_views import own_views_html

    assert own_views_html(exercises("money"), []) == ""


def test_the_own_view_cells_of_the_lessons_call_the_task_they_show():
    for lesson, name in OWN_VIEW_LESSONS.items():
        source = "\n".join(c.source for c in read_lesson(ROOT / "notebooks" / name).cells if c.cell_type == "code")
        eid = f"{lesson}.own_view"
        assert f'check("{eid}", own_view.answer(my_option, my_evidence, change_my_mind))' in source
        assert textwrap.dedent(f'own_view.options("{eid}")') in source
