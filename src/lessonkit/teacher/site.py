"""A static website of the student edition, built with Jupyter Book 1 (Sphinx), fully offline.

``lessonkit site`` builds the student edition of the lessons (or takes a folder of student
notebooks with ``--notebooks``), refuses any notebook that still holds a solution or an
instructor note, runs the notebooks so that tables and figures are shown, and writes the
pages into ``--out``::

    lessonkit site --out build/site          # then publish build/site (index.html is the start)

On the site each exercise prompt is an exercise block (the ``{exercise}`` directive of
sphinx-exercise, labelled with the exercise's id), and each explorer's widget is replaced by a
short note: its static version (a table or a figure) follows it in every lesson. Nothing is
fetched from the network, neither while building nor by the pages (no MathJax, no launch
buttons, no widget scripts). Needs the extra ``site`` (``pip install "lessonkit[site]"``).
"""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Set
from pathlib import Path

import nbformat

from .._errors import LessonkitError
from . import markup
from .export import _label_corner_cells, _replace_widgets

MARK = ".lessonkit-site"  # written into a finished site; only such a folder is ever replaced
# An exercise prompt: a paragraph opening "**Exercise money.euros.** ..." (the full stop is optional).
PROMPT = re.compile(r"(?m)(?:\A|(?<=\n\n))[ \t]*\*\*Exercise\s+([a-z][a-z0-9_]*\.[a-z0-9][a-z0-9_-]*)\.?\*\*\s*")
NEW_VERSION = re.compile(r"\.new(-\d+)?$")  # NAME.new.ipynb: a build's new version beside a changed lesson
GLOSSARY_LINK = re.compile(r"\]\((glossary\.md)#([^)\s]+)\)")


class SiteError(LessonkitError):
    """The site cannot be built: a notebook still holds solutions, or a tool is missing."""


def _meta(nb: nbformat.NotebookNode) -> dict:
    """The notebook's ``lessonkit`` metadata ({} when missing or not a mapping)."""
    meta = nb.metadata.get("lessonkit")
    return meta if isinstance(meta, dict) else {}


# --------------------------------------------------------------------------- what may be published


def solution_leaks(nb: nbformat.NotebookNode, name: str, source_lines: Set[str] = frozenset()) -> list[str]:
    """Why this notebook must not be published, one line per cell ([] when it is safe).

    A notebook is refused when it is a teacher edition, when a cell is an instructor note,
    when a code cell still holds a ``# BEGIN SOLUTION`` marker (a raw lesson source), or
    when a code line is one of ``source_lines`` (the lines of the lesson's solution regions).

    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1\\ncheck('a.b', x)")])
    >>> solution_leaks(nb, "demo.ipynb", {"x = 1"})
    ['demo.ipynb, cell 1: line 1 is solution code: x = 1']
    >>> solution_leaks(nb, "demo.ipynb", {"x = 2"})
    []
    """
    problems = []
    if _meta(nb).get("edition") == "teacher":
        problems.append(f"{name}: this is the teacher edition (metadata lessonkit.edition), with solutions "
                        "and instructor notes")
    for index, cell in enumerate(nb.cells, start=1):
        if markup.INSTRUCTOR_TAG in markup.tags(cell):
            problems.append(f"{name}, cell {index}: an instructor note (tagged {markup.INSTRUCTOR_TAG!r})")
        if cell.cell_type != "code":
            continue
        for n, line in enumerate(cell.source.splitlines(), start=1):
            if markup.MARKER.search(line):
                problems.append(f"{name}, cell {index}: line {n} marks a solution region ({line.strip()})")
                break
            if line.strip() and line.strip() in source_lines:
                problems.append(f"{name}, cell {index}: line {n} is solution code: {line.strip()[:80]}")
                break
    return problems


def _source_solution_lines(nb: nbformat.NotebookNode, sources: dict[str, Path]) -> set[str]:
    """The solution lines of the lesson this notebook was built from, if its source is known.

    Lines that the student edition also shows (the stubs and the code around the regions) are
    left out, so that only the answers themselves count."""
    from .editions import STUDENT_STEPS, make_edition, read_lesson

    lesson = _meta(nb).get("lesson")
    source = sources.get(str(lesson))
    if source is None:
        from .grading.cells import find_source

        source = find_source(str(lesson)) if lesson else None
    if source is None:
        return set()
    raw = read_lesson(source)
    answers = set(markup.solution_lines(raw, str(lesson)))
    student = make_edition(raw, str(lesson), STUDENT_STEPS)
    shown = {line.strip() for cell in student.cells if cell.cell_type == "code" for line in cell.source.splitlines()}
    return answers - shown


def refuse_solutions(notebooks: list[Path], sources: dict[str, Path] | None = None) -> None:
    """Raise SiteError naming every file and cell that holds a solution or an instructor note."""
    problems = []
    for path in notebooks:
        nb = _read(path)
        problems += solution_leaks(nb, str(path), _source_solution_lines(nb, sources or {}))
    if problems:
        raise SiteError("refusing to publish solutions; publish the student edition "
                        "(lessonkit build --edition student), never the lesson sources or the teacher "
                        "edition:\n  " + "\n  ".join(problems))


def _read(path: Path) -> nbformat.NotebookNode:
    """A notebook (.ipynb) or a lesson source (.md, read with jupytext)."""
    try:
        if path.suffix == ".md":
            import jupytext

            return jupytext.read(str(path))
        return nbformat.read(path, as_version=4)
    except Exception as e:  # a broken file is named, not a traceback
        raise SiteError(f"{path}: not a readable notebook ({type(e).__name__}: {e})") from None


# --------------------------------------------------------------------------- pages


def exercise_label(cell: nbformat.NotebookNode) -> str | None:
    """The exercise id a markdown cell's metadata gives (``metadata.lessonkit.exercise``), else
    None; prompts without it are found by their ``**Exercise <id>.**`` paragraph instead.

    >>> exercise_label(nbformat.v4.new_markdown_cell("Text", metadata={"lessonkit": {"exercise": "a.b"}}))
    'a.b'
    """
    if cell.cell_type != "markdown":
        return None
    meta = cell.get("metadata", {}).get("lessonkit", {})
    if isinstance(meta, dict) and isinstance(meta.get("exercise"), str) and meta["exercise"]:
        return meta["exercise"]
    return None


def _block(label: str, body: str) -> str:
    runs = [len(r) for r in re.findall(r"`{3,}", body)]
    fence = "`" * max([3] + [n + 1 for n in runs])
    return f"{fence}{{exercise}} {label}\n:label: {label}\n:nonumber:\n\n{body.strip()}\n{fence}"


def as_exercise_blocks(source: str, label: str | None = None) -> str:
    """A markdown cell with each exercise prompt inside an ``{exercise}`` directive titled and
    labelled with its id. A prompt is a paragraph opening with ``**Exercise <id>.**``; it runs to
    the next prompt or the end of the cell. With ``label`` (from the cell's metadata) the whole
    cell is the prompt.

    >>> print(as_exercise_blocks("Intro.\\n\\n**Exercise a.b.** Why?"))
    Intro.
    <BLANKLINE>
    ```{exercise} a.b
    :label: a.b
    :nonumber:
    <BLANKLINE>
    Why?
    ```
    """
    if label is not None:
        m = PROMPT.match(source)
        return _block(label, source[m.end():] if m and m.group(1) == label else source)
    starts = list(PROMPT.finditer(source))
    if not starts:
        return source
    parts = [source[:starts[0].start()].rstrip()]
    for m, nxt in zip(starts, starts[1:] + [None]):
        parts.append(_block(m.group(1), source[m.end():nxt.start() if nxt else len(source)]))
    return "\n\n".join(p for p in parts if p)


def _glossary_anchor(match: re.Match) -> str:
    """JupyterLab's heading anchors keep capitals (``#Loan-and-grant``); Sphinx's are lower case."""
    return f"]({match.group(1)}#{match.group(2).lower()})"


CHECK_CALL = re.compile(r"^\s*check\(", re.MULTILINE)  # an exercise's answer cell
TABLE_WRAP = '<div class="lessonkit-table-wrap '


def _focusable_tables(nb: nbformat.NotebookNode) -> None:
    """A table wider than the page scrolls inside its wrapper; a keyboard user can scroll it
    only if the wrapper takes focus (axe: scrollable-region-focusable)."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            html = output.get("data", {}).get("text/html")
            if isinstance(html, list):
                html = "".join(html)
            if isinstance(html, str) and TABLE_WRAP in html:
                output["data"]["text/html"] = html.replace(TABLE_WRAP, '<div tabindex="0" class="lessonkit-table-wrap ')


def _asks_to_run(cell: nbformat.NotebookNode) -> bool:
    """Whether an output of the cell asks the reader to fill something in and run the cell
    (a stub's "Not saved yet: ... and run the cell again"), which no one can on a static page."""
    for output in cell.get("outputs", []):
        texts = [output.get("text", "")] + list(output.get("data", {}).values())
        if any("run the cell again" in ("".join(t) if isinstance(t, list) else str(t)) for t in texts):
            return True
    return False


def site_page(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A run student notebook made into a page: exercise blocks, widgets as notes, no widget state."""
    nb = copy.deepcopy(nb)
    nb.metadata.pop("widgets", None)
    nb.metadata.pop("jupytext", None)
    _replace_widgets(nb)
    _label_corner_cells(nb)
    _focusable_tables(nb)
    for cell in nb.cells:
        if cell.cell_type == "code" and (CHECK_CALL.search(cell.source) or _asks_to_run(cell)):
            cell.outputs = []  # "Not attempted yet ... run the cell again": nothing runs on a static page
        if cell.cell_type == "markdown":
            cell.source = as_exercise_blocks(cell.source, exercise_label(cell))
            cell.source = GLOSSARY_LINK.sub(_glossary_anchor, cell.source)
    return nb


# --------------------------------------------------------------------------- the book

CONFIG = """\
title: "The London Summit: a teaching module (student edition)"
author: lessonkit contributors
only_build_toc_files: true
execute:
  execute_notebooks: "off"
parse:
  myst_enable_extensions: [colon_fence, deflist]
html:
  use_repository_button: false
  use_issues_button: false
  use_edit_page_button: false
  use_download_button: false
  use_multitoc_numbering: false
launch_buttons:
  notebook_interface: classic
  binderhub_url: ""
  jupyterhub_url: ""
  thebe: false
  colab_url: ""
# MathJax is loaded only by a page with equations; the lessons have none (``$`` is not math
# here), and the tests check that no page asks for this placeholder.
sphinx:
  extra_extensions: [sphinx_exercise]
  config:
    mathjax_path: no-mathjax.js
    html_show_copyright: false
    myst_heading_anchors: 3
    html_css_files: [lessonkit-site.css]
    html_theme_options:
      use_download_button: false
    html_last_updated_fmt: null
    nb_render_markdown_format: myst
"""


# The article column is narrower than JupyterLab's: on the site, table cells break only between
# words (even a long id), and a wide table scrolls sideways in its wrapper (see _focusable_tables).
CSS = """\
.lessonkit-table td, .lessonkit-table th { overflow-wrap: normal !important; word-break: normal !important; }
"""


def _toc(pages: list[str]) -> str:
    """The table of contents: the start page (``index``), then every page as a chapter, so
    each lesson, lesson 0 too, is listed in the sidebar."""
    lines = ["format: jb-book", f"root: {START}", "chapters:"]
    lines += [f"- file: {page}" for page in pages]
    return "\n".join(lines) + "\n"


START = "index"


def _start_page(notebooks: list[nbformat.NotebookNode], names: list[str]) -> str:
    """The site's start page: what it is, and the lessons in order, each by its own title."""
    lines = ["# The London Summit: a teaching module", "",
             "The student edition of the lessons, to read. The exercises and explorers work when a lesson is "
             "opened in JupyterLab; here they are shown as they first appear.", "", "## The lessons", ""]
    for nb, name in zip(notebooks, names):
        title = next((line.lstrip("# ").strip() for c in nb.cells if c.cell_type == "markdown"
                      for line in c.source.splitlines() if line.startswith("# ")), name)
        lines.append(f"1. [{title}]({name}.ipynb)")
    return "\n".join(lines) + "\n"


# sphinx-thebe puts these into every page even with thebe off: a script that names unpkg.com and
# a configuration naming a stranger's Binder repository. Nothing on the site runs code.
THEBE_SCRIPTS = re.compile(
    r'\s*<script[^>]*>\s*const THEBE_JS_URL[^<]*</script>'
    r'|\s*<script[^>]*src="[^"]*sphinx-thebe\.js[^"]*"[^>]*></script>'
    r'|\s*<script type="text/x-thebe-config">.*?</script>'
    r"|\s*<script>kernelName = '[^']*'</script>"
    r'|\s*<link[^>]*href="[^"]*sphinx-thebe\.css[^"]*"[^>]*/?>', re.DOTALL)


def _without_thebe(html_folder: Path) -> None:
    """Remove sphinx-thebe's scripts and style from every page, and its files."""
    for page in html_folder.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        cleaned = THEBE_SCRIPTS.sub("", text)
        if cleaned != text:
            page.write_text(cleaned, encoding="utf-8")
    for leftover in html_folder.glob("_static/sphinx-thebe.*"):
        leftover.unlink()


def _jupyter_book() -> list[str]:
    """The command that runs Jupyter Book with this Python, or a SiteError if it is missing."""
    try:
        import jupyter_book  # noqa: F401
        import sphinx_exercise  # noqa: F401
    except ImportError as e:
        raise SiteError(f"the site needs Jupyter Book and sphinx-exercise ({e.name} is missing): "
                        'pip install "lessonkit[site]"') from None
    return [sys.executable, "-c", "from jupyter_book.cli.main import main; main()"]


def build_book(notebooks: list[Path], extra_pages: list[Path], out: Path) -> Path:
    """Write the site of these student notebooks into out (replacing an earlier site only).

    Raises SiteError if a notebook holds solutions, if the tools are missing, if out is a
    folder that is not an earlier site, or if Jupyter Book fails (with the end of its log).
    """
    out = Path(out)
    if out.exists() and not (out / MARK).is_file() and (not out.is_dir() or any(out.iterdir())):
        raise SiteError(f"{out} exists and is not a site that lessonkit built: choose an empty or new folder")
    command = _jupyter_book()
    from .editions import execute as run_notebook

    with tempfile.TemporaryDirectory(prefix="lessonkit-site-") as tmp:
        book = Path(tmp, "book")
        book.mkdir()
        for page in extra_pages:
            shutil.copy(page, book / page.name)
        names, pages = [], []
        for path in notebooks:
            nb = _read(path)
            try:
                run_notebook(nb, cwd=book)
            except Exception as e:
                raise SiteError(f"{path}: running the student notebook failed: {str(e)[-800:]}") from None
            nbformat.write(site_page(nb), book / path.name)
            names.append(path.stem)
            pages.append(nb)
        (book / f"{START}.md").write_text(_start_page(pages, names), encoding="utf-8")
        names += [p.stem for p in extra_pages]
        (book / "_config.yml").write_text(CONFIG, encoding="utf-8")
        (book / "_static").mkdir()
        (book / "_static" / "lessonkit-site.css").write_text(CSS, encoding="utf-8")
        (book / "_toc.yml").write_text(_toc(names), encoding="utf-8")
        done = subprocess.run([*command, "build", str(book), "--builder", "html", "--quiet"],
                              capture_output=True, text=True, cwd=tmp)
        html = book / "_build" / "html"
        warnings = [line for line in (done.stdout + done.stderr).splitlines() if "WARNING" in line]
        for line in warnings:  # Sphinx's own words, e.g. a link that leads nowhere
            print(re.sub(r"\x1b\[[0-9;]*m", "", line).replace(str(book), "<site>"), file=sys.stderr)
        if done.returncode or not (html / "index.html").is_file():
            raise SiteError("Jupyter Book failed; the end of its log:\n" + (done.stdout + done.stderr)[-3000:])
        _without_thebe(html)
        for leftover in (".buildinfo", "_sources", ".doctrees"):  # the sources would repeat every page
            target = html / leftover
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
        (html / MARK).write_text("A site built by lessonkit site: the student edition, safe to publish.\n",
                                 encoding="utf-8")
        out.parent.mkdir(parents=True, exist_ok=True)
        staged = out.with_name(f".{out.name}.new")
        shutil.rmtree(staged, ignore_errors=True)
        shutil.copytree(html, staged)
    if out.exists():
        shutil.rmtree(out)
    staged.replace(out)
    return out


def build_site(out: Path, lessons: list[Path] | None = None, notebooks: Path | None = None) -> Path:
    """Build the site from lesson sources (their student edition is built first) or from a
    folder of student notebooks; every notebook is checked for solutions before anything runs."""
    from .editions import build

    if notebooks is not None:
        folder = Path(notebooks)
        if not folder.is_dir():
            raise SiteError(f"{folder} is not a folder of student notebooks")
        files = sorted(p for p in folder.iterdir() if p.suffix in (".ipynb", ".md") and p.name != "glossary.md"
                       and not p.name.startswith(".") and not NEW_VERSION.search(p.stem))
        if not files:
            raise SiteError(f"{folder} holds no notebooks")
        refuse_solutions(files)
        if any(p.suffix == ".md" for p in files):
            raise SiteError(f"{folder} holds .md files that are not the student edition: "
                            "build it with lessonkit build --edition student")
        extra = [folder / "glossary.md"] if (folder / "glossary.md").is_file() else []
        return build_book(files, extra, out)
    sources = {}
    for path in lessons or []:
        nb = _read(Path(path))
        sources[str(_meta(nb).get("lesson"))] = Path(path)
    with tempfile.TemporaryDirectory(prefix="lessonkit-site-edition-") as tmp:
        written = build(list(lessons or []), Path(tmp), editions=("student",))
        files = [p for p in written if p.suffix == ".ipynb"]
        refuse_solutions(files, sources)
        extra = [p for p in written if p.name == "glossary.md"]
        return build_book(files, extra, out)
