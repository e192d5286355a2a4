"""The website of the student edition (``lessonkit site``), built with Jupyter Book, in Chromium.

The site is built once for the module (from the student editions that ``make test`` built,
``LESSONKIT_EDITIONS``, else from the lessons). Every page is opened from ``file://`` with
every other request refused: it loads, its exercise prompts are exercise blocks labelled with
their ids, each explorer is a note followed by its static version, and axe-core finds no
serious or critical violation in the lesson's content. No line of any reference solution and
no instructor note appears anywhere in the site's files. A folder that still holds solutions
(the sources, the teacher edition, or a teacher notebook with its markings removed) is
refused, naming the file and the cell, and nothing is written.
"""

from __future__ import annotations

import collections
import html
import json
import os
import re
import sys
from pathlib import Path

import nbformat
import pytest

from lessonkit import widgets
from lessonkit._keys import parse_lesson
from lessonkit.teacher import markup
from lessonkit.teacher.cli import main as cli
from lessonkit.teacher.editions import STUDENT_STEPS, build, make_edition, read_lesson

from .conftest import REPO, lessons

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LESSONS = [p for p in lessons() if p.parent.name == "notebooks"]
PAGES = [p.with_suffix(".html").name for p in LESSONS]
# An explorer, or the capstone's memo checker: each becomes a note where no kernel runs.
EXPLORER_CALL = re.compile(r"(widgets\.(" + "|".join(widgets.EXPLORERS) + r")|\.memo_checker)\(")
CHECK_ID = re.compile(r"""\bcheck\(\s*["']([a-z][a-z0-9_]*\.[a-z0-9][a-z0-9_-]*)["']""")
BLOCKING = ("serious", "critical")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The site, made by the ``lessonkit site`` command."""
    editions = Path(os.environ["LESSONKIT_EDITIONS"]) if os.environ.get("LESSONKIT_EDITIONS") else None
    out = tmp_path_factory.mktemp("site") / "site"
    if editions is not None and all((editions / "student" / p.with_suffix(".ipynb").name).exists() for p in LESSONS):
        assert cli(["site", "--notebooks", str(editions / "student"), "--out", str(out)]) == 0
    else:
        assert cli(["site", *map(str, LESSONS), "--out", str(out)]) == 0
    return out


def _text(path: Path) -> str:
    """A page's text as a reader sees it: tags removed, entities decoded, spaces collapsed."""
    raw = re.sub(r"<[^>]+>", "", path.read_text(encoding="utf-8"))
    return re.sub(r"[ \t]+", " ", html.unescape(raw))


def _answers(source: Path) -> set[str]:
    """The solution lines of a lesson that its student edition does not also show (a line
    such as ``}`` or a stub's own ``check(...)`` is no answer)."""
    raw = read_lesson(source)
    lesson = raw.metadata["lessonkit"]["lesson"]
    student = make_edition(raw, lesson, STUDENT_STEPS)
    shown = {line.strip() for c in student.cells for line in c.source.splitlines()}
    return {line for line in markup.solution_lines(raw, lesson) if len(line) > 3} - shown


def _instructor_sentences(source: Path) -> list[str]:
    """The first long line of each instructor note of a lesson."""
    found = []
    for cell in read_lesson(source).cells:
        if markup.INSTRUCTOR_TAG in markup.tags(cell):
            lines = [line.strip() for line in cell.source.splitlines() if len(line.strip()) > 40]
            if lines:
                found.append(re.sub(r"[*_`\[\]]", "", lines[0])[:60])
    return found


def test_the_site_has_every_lesson_the_glossary_and_no_sources(site):
    for name in [*PAGES, "glossary.html", "index.html"]:
        assert (site / name).is_file(), name
    assert not list(site.rglob("*.ipynb")) and not list(site.rglob("*.md")), "sources were published"
    assert (site / ".lessonkit-site").is_file()


def test_no_solution_and_no_instructor_note_appears_anywhere_in_the_site(site):
    files = [p for p in site.rglob("*") if p.is_file() and p.suffix in (".html", ".js", ".txt", ".json")]
    everything = "\n".join(_text(p) if p.suffix == ".html" else p.read_text(encoding="utf-8", errors="replace")
                           for p in files)
    checked = 0
    for source in LESSONS:
        answers = _answers(source)
        page = _text(site / source.with_suffix(".html").name)
        assert len(answers) >= 3, source.name
        assert [line for line in answers if line in page] == [], source.name
        checked += len(answers)
    notes = [s for p in LESSONS for s in _instructor_sentences(p)]
    assert checked > 30 and len(notes) >= len(LESSONS), (checked, len(notes))
    assert [s for s in notes if s in everything] == []
    assert "BEGIN SOLUTION" not in everything and "Instructor note" not in everything
    pages = [p for p in files if p.suffix == ".html"]
    assert len(pages) > len(LESSONS)
    assert [p.name for p in pages if "no-mathjax.js" in p.read_text(encoding="utf-8")] == [], \
        "a page asks for MathJax, which is not there offline"


# In document order: each explorer's note, then the first figure or table after it.
_FALLBACKS = """() => {
  const items = [];
  for (const o of document.querySelectorAll('.cell_output .output')) {
    if (o.querySelector('.lessonkit-widget-note')) items.push('note');
    else if (o.querySelector('img[alt], table')) items.push('static');
  }
  return items;
}"""


@pytest.mark.parametrize("name", PAGES)
def test_a_lesson_page_shows_exercise_blocks_static_explorers_and_passes_axe(site, offline, name):
    from axe_playwright_python.sync_playwright import Axe

    page = offline
    page.goto((site / name).as_uri(), wait_until="load")
    source = (REPO / "notebooks" / name).with_suffix(".md").read_text(encoding="utf-8")
    ids = list(dict.fromkeys(CHECK_ID.findall(source)))
    blocks = page.locator("main div.exercise")
    titles = [t.strip() for t in blocks.locator(".admonition-title").all_text_contents()]
    assert len(ids) >= 3 and titles == [f"Exercise ({i})" for i in ids]
    assert all(page.locator(f"main [id='{i}']").count() == 1 for i in ids), "an exercise lost its label"
    assert page.locator("main").get_by_text("**Exercise").count() == 0
    explorers = len(EXPLORER_CALL.findall(source))
    assert page.locator(".lessonkit-widget-note").count() == explorers
    items = page.evaluate(_FALLBACKS)
    for i, item in enumerate(items):
        if item == "note":
            assert "static" in items[i + 1:i + 2], f"explorer {items[:i + 1].count('note')} has no static version after it"
    alts = page.locator("main img").evaluate_all("imgs => imgs.map(i => (i.getAttribute('alt') || '').trim())")
    assert alts and all(len(a) > 20 for a in alts), f"no figure, or figures without alt text: {alts}"
    assert page.evaluate("() => Array.from(document.querySelectorAll('main img')).every(i => i.naturalWidth > 0)")
    # A table's one-word headings stay whole (the site's stylesheet undoes letter-by-letter wrapping).
    broken = page.evaluate("""() => Array.from(document.querySelectorAll('main .lessonkit-table th'))
        .filter(th => th.textContent.trim() && !/\\s/.test(th.textContent.trim()))
        .filter(th => { const r = document.createRange(); r.selectNodeContents(th);
                        return new Set(Array.from(r.getClientRects()).map(x => Math.round(x.top))).size > 1; })
        .map(th => th.textContent.trim())""")
    assert broken == [], f"table headings broken across lines: {broken}"
    text = page.evaluate("() => document.querySelector('main').innerText")
    assert "VBox(children" not in text and "Not attempted yet" not in text
    results = Axe().run(page).response  # the whole page: our content and the theme around it
    by_rule = collections.Counter((v["impact"], v["id"]) for v in results["violations"] for _ in v["nodes"])
    print(f"\naxe site/{name}: " + (", ".join(f"{i}/{r}: {n}" for (i, r), n in sorted(by_rule.items()))
                                    or "no violations"))
    blocking = [f"{v['id']} ({v['impact']}): {v['help']}; e.g. {v['nodes'][0]['html'][:120]}"
                for v in results["violations"] if v["impact"] in BLOCKING]
    assert blocking == []
    assert page.refused == [], f"requests left the machine: {page.refused}"


def test_the_start_page_and_the_sidebar_link_every_lesson_in_order(site, offline):
    offline.goto((site / "index.html").as_uri(), wait_until="load")
    hrefs = offline.locator("nav a.reference.internal").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    pages = list(dict.fromkeys(h.split("#")[0] for h in hrefs if not h.startswith("#")))  # not this page's headings
    assert pages == [*PAGES, "glossary.html"]  # lesson 0 too
    listed = offline.locator("article ol a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert listed == PAGES
    assert "teaching module" in offline.title()
    assert offline.refused == []


def test_no_page_carries_thebe_or_an_outside_script_and_no_exercise_asks_to_run_a_cell(site):
    """Nothing on the site runs code: no thebe configuration (sphinx-thebe adds one naming
    unpkg.com and another project's Binder repository), no script from another host, and no
    'run the cell again' feedback where no cell can run."""
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "thebe" not in text.lower(), f"{page.name} carries thebe"
        outside = re.findall(r'<script[^>]*\bsrc="(?:https?:)?//[^"]*"', text)
        assert outside == [], f"{page.name} loads scripts from another host: {outside}"
        assert not re.search(r"<script[^>]*>[^<]*https?://", text), f"{page.name} has a script naming an outside URL"
        assert "run the cell again" not in _text(page), f"{page.name} asks to run a cell"


# --------------------------------------------------------------------------- refusals


@pytest.fixture(scope="module")
def teacher_edition(tmp_path_factory) -> Path:
    """The teacher edition of lesson 3, not executed (its solutions are in its code)."""
    out = tmp_path_factory.mktemp("teacher")
    build([REPO / "notebooks" / "03-following-the-money.md"], out, editions=("teacher",), run_teacher=False)
    return out / "teacher"


def _refused(folder: Path, tmp_path: Path, capsys) -> str:
    out = tmp_path / "site"
    assert cli(["site", "--notebooks", str(folder), "--out", str(out)]) == 2
    assert not out.exists(), "a refused build wrote something"
    err = capsys.readouterr().err
    assert err.startswith("lessonkit site: refusing to publish solutions") and "Traceback" not in err
    return err


def test_the_teacher_edition_is_refused_naming_file_and_cell(teacher_edition, tmp_path, capsys):
    err = _refused(teacher_edition, tmp_path, capsys)
    assert "03-following-the-money.ipynb: this is the teacher edition" in err
    assert re.search(r"03-following-the-money\.ipynb, cell \d+: an instructor note", err)
    assert re.search(r'03-following-the-money\.ipynb, cell \d+: line 1 is solution code: export_finance = "b"', err)


def test_the_lesson_sources_are_refused_naming_file_and_cell(tmp_path, capsys):
    err = _refused(REPO / "notebooks", tmp_path, capsys)
    assert re.search(r"00-start-here\.md, cell \d+: line 1 marks a solution region \(# BEGIN SOLUTION\)", err)


def test_a_teacher_notebook_stripped_of_its_markings_is_still_refused(teacher_edition, tmp_path, capsys):
    nb = nbformat.read(teacher_edition / "03-following-the-money.ipynb", as_version=4)
    nb.metadata["lessonkit"].pop("edition")
    nb.cells = [c for c in nb.cells if markup.INSTRUCTOR_TAG not in markup.tags(c)]
    for cell in nb.cells:
        cell.metadata.pop("tags", None)
    folder = tmp_path / "renamed"
    folder.mkdir()
    nbformat.write(nb, folder / "lesson.ipynb")
    err = _refused(folder, tmp_path, capsys)
    assert re.search(r"lesson\.ipynb, cell \d+: line \d+ is solution code: ", err)
    assert "teacher edition (metadata" not in err and "instructor note" not in err


def test_an_existing_folder_that_is_not_a_site_is_never_replaced(tmp_path, capsys):
    student = tmp_path / "editions"
    build([REPO / "notebooks" / "00-start-here.md"], student, editions=("student",))
    precious = tmp_path / "work"
    precious.mkdir()
    (precious / "essay.txt").write_text("mine", encoding="utf-8")
    assert cli(["site", "--notebooks", str(student / "student"), "--out", str(precious)]) == 2
    assert "is not a site that lessonkit built" in capsys.readouterr().err
    assert (precious / "essay.txt").read_text(encoding="utf-8") == "mine"


def _broken(tmp: Path) -> Path:
    (tmp / "in").mkdir()
    (tmp / "in" / "00-start-here.ipynb").write_text('{"cells": [', encoding="utf-8")
    return tmp / "in"


@pytest.mark.parametrize("make, problem", [
    (lambda tmp: tmp / "nowhere", "is not a folder of student notebooks"),
    (lambda tmp: tmp, "holds no notebooks"),
    (_broken, "00-start-here.ipynb: not a readable notebook"),
])
def test_a_folder_without_notebooks_is_one_clear_line(tmp_path, capsys, make, problem):
    assert cli(["site", "--notebooks", str(make(tmp_path)), "--out", str(tmp_path / "site")]) == 2
    err = capsys.readouterr().err
    assert problem in err and "Traceback" not in err and len(err.splitlines()) == 1
    assert not (tmp_path / "site").exists()


def test_one_lesson_from_its_source_replaces_an_earlier_site(tmp_path, capsys):
    out = tmp_path / "site"
    out.mkdir()
    (out / ".lessonkit-site").write_text("an earlier site\n", encoding="utf-8")
    (out / "old-page.html").write_text("<p>old</p>", encoding="utf-8")
    assert cli(["site", str(REPO / "notebooks" / "00-start-here.md"), "--out", str(out)]) == 0
    assert sorted(p.name for p in out.glob("*.html")) == ["00-start-here.html", "genindex.html", "glossary.html",
                                                         "index.html", "search.html"]
    page = (out / "00-start-here.html").read_text(encoding="utf-8")
    blocks = len(parse_lesson(REPO / "notebooks" / "00-start-here.md"))
    assert page.count('class="exercise admonition"') == blocks and "BEGIN SOLUTION" not in page
    assert str(out) in capsys.readouterr().out


def test_without_the_site_extra_the_command_says_what_to_install(tmp_path, capsys, monkeypatch):
    build([REPO / "notebooks" / "00-start-here.md"], tmp_path / "editions", editions=("student",))
    monkeypatch.setitem(sys.modules, "jupyter_book", None)  # as if Jupyter Book were not installed
    assert cli(["site", "--notebooks", str(tmp_path / "editions" / "student"), "--out", str(tmp_path / "site")]) == 2
    err = capsys.readouterr().err
    assert 'pip install "lessonkit[site]"' in err and "Traceback" not in err
    assert not (tmp_path / "site").exists()


def test_a_prompt_marked_by_metadata_becomes_an_exercise_block():
    from lessonkit.teacher.site import site_page

    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("How much, in **euros**?",
                                      metadata={"lessonkit": {"exercise": "money.euros", "kind": "numeric"}}),
        nbformat.v4.new_markdown_cell("**Exercise money.kinds** Match them."),
        nbformat.v4.new_markdown_cell("An ordinary paragraph about an **Exercise** of power."),
    ])
    cells = [c.source for c in site_page(nb).cells]
    assert cells[0] == "```{exercise} money.euros\n:label: money.euros\n:nonumber:\n\nHow much, in **euros**?\n```"
    assert cells[1].startswith("```{exercise} money.kinds\n:label: money.kinds\n") and cells[1].endswith("Match them.\n```")
    assert cells[2] == nb.cells[2].source
    assert json.dumps(nb.cells[0].source) == json.dumps("How much, in **euros**?"), "the input was changed"
