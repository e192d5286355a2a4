"""Copies that need no kernel: an HTML export of both editions, and the app view's notebook.

``lessonkit export`` builds both editions of every lesson (the teacher edition executed, so
its figures and tables are there; the student edition as students get it, without outputs)
and writes one HTML page per notebook with nbconvert's HTML exporter::

    out/teacher/03-following-the-money.html
    out/student/03-following-the-money.html

``lessonkit export --printable`` writes a worksheet instead, one page per lesson to print:
the student edition executed (facts, figures and tables shown; no solutions, no instructor
notes), each exercise's cell left as its stub with a box for the answer::

    out/printable/03-following-the-money.html

The pages use lessonkit's own template (``templates/lessonkit_html``, based on nbconvert's
"lab" template): no script is loaded from the network, a widget's output becomes a short
note (the static version follows it in every lesson), and the colours pass WCAG AA
contrast. ``build_app`` turns ``apps/explorers.md`` into the notebook that Voilà serves.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import nbformat

from .._errors import LessonkitError
from .._record import write_atomic

TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE = "lessonkit_html"
CODE_STYLE = "xcode"  # the one Pygments style whose every colour has >= 4.5:1 on #f5f5f5
EDITIONS = ("teacher", "student")
PRINTABLE = "printable"
ANSWER_SPACE = ('<div class="lessonkit-answer-space"><p>Your answer:</p></div>')


def html_exporter():
    """nbconvert's HTMLExporter with lessonkit's template and an accessible code style."""
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    config = Config()
    config.CSSHTMLHeaderPreprocessor.style = CODE_STYLE
    return HTMLExporter(config=config, template_name=TEMPLATE, extra_template_basedirs=[str(TEMPLATES)])


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_NOTE = ('<div class="lessonkit-widget-note"><p><strong>Interactive explorer.</strong> It needs a '
               "running notebook (JupyterLab, or the app view); in this copy its static version "
               "follows.</p></div>")


def _replace_widgets(nb: nbformat.NotebookNode) -> None:
    """A widget cannot run without a kernel, and its text form reads ``VBox(children=...``:
    show a short note instead (every lesson follows an explorer with a static version)."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if WIDGET_VIEW in output.get("data", {}):
                output["data"] = {"text/html": WIDGET_NOTE,
                                  "text/plain": "Interactive explorer (needs a running notebook)."}


def _label_corner_cells(nb: nbformat.NotebookNode) -> None:
    """pandas writes the empty top-left cell of a table as ``<th></th>``: a header that
    names nothing (axe: empty-table-header). It is a data-less corner, so make it a ``<td>``."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            html = output.get("data", {}).get("text/html")
            if isinstance(html, list):
                html = "".join(html)
            if isinstance(html, str) and "<th></th>" in html:
                output["data"]["text/html"] = html.replace("<th></th>", "<td></td>")


def notebook_to_html(nb: nbformat.NotebookNode, title: str) -> str:
    """One notebook as a self-contained HTML page (images inline, no network requests)."""
    import copy

    nb = copy.deepcopy(nb)
    nb.metadata.pop("widgets", None)  # the widget state: only the (removed) widget manager reads it
    nb.metadata["title"] = title
    _replace_widgets(nb)
    _label_corner_cells(nb)
    body, _ = html_exporter().from_notebook_node(nb, resources={"metadata": {"name": title}})
    return body


def _title(nb: nbformat.NotebookNode, path: Path, edition: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return f"{line[2:].strip()} ({edition} edition)"
    return f"{path.stem} ({edition} edition)"


def export_editions(editions: Path, out: Path) -> list[Path]:
    """Write ``out/<edition>/NAME.html`` for every ``editions/<edition>/NAME.ipynb``."""
    written = []
    for edition in EDITIONS:
        for path in sorted((Path(editions) / edition).glob("*.ipynb")):
            nb = nbformat.read(path, as_version=4)
            target = Path(out) / edition / path.with_suffix(".html").name
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(target, notebook_to_html(nb, _title(nb, path, edition)))
            written.append(target)
    return written


def export(sources: list[Path], out: Path, editions: Path | None = None) -> list[Path]:
    """Build both editions of the lessons (teacher executed) and export them as HTML.

    With ``editions`` (a folder that ``lessonkit build`` wrote), those notebooks are
    exported instead of building new ones. Raises what :func:`editions.build` raises.
    """
    if editions is not None:
        return export_editions(Path(editions), out)
    from .editions import build

    with tempfile.TemporaryDirectory(prefix="lessonkit-export-") as tmp:
        build(sources, Path(tmp))
        return export_editions(Path(tmp), out)


def printable_notebook(source: Path) -> nbformat.NotebookNode:
    """A lesson's student edition, executed: every fact, figure and table shown, every exercise
    blank (its stub, with an empty box where the check's "not attempted" message would be).

    Raises MarkupError for malformed markup, nbclient's CellExecutionError if a cell fails.
    """
    from .._exercise_format import parse_lesson
    from . import exercise_blocks
    from .editions import STUDENT_STEPS, clear_outputs, execute, lesson_id, make_edition, read_lesson

    source = Path(source)
    nb = read_lesson(source)
    lesson = lesson_id(nb, source)
    printable = make_edition(nb, lesson, [step for step in STUDENT_STEPS if step is not clear_outputs])
    exercise_blocks.render(printable, parse_lesson(source), teacher=False)
    execute(printable, cwd=source.parent)
    for cell in printable.cells:
        if cell.cell_type == "code" and "solution" in cell.get("metadata", {}).get("tags", []):
            cell.outputs = [nbformat.v4.new_output("display_data", data={
                "text/html": ANSWER_SPACE, "text/plain": "Your answer:"})]
    printable.metadata.setdefault("lessonkit", {})["edition"] = PRINTABLE
    return printable


def export_printable(sources: list[Path], out: Path) -> list[Path]:
    """Write ``out/printable/NAME.html``, a worksheet to print, for every lesson source.

    Every lesson is executed before anything is written, so a failing lesson leaves no
    partial set of pages behind. Raises LessonkitError naming the lesson if a cell fails, and
    MarkupError for malformed markup.
    """
    from nbclient.exceptions import CellExecutionError

    pages = []
    for source in sources:
        try:
            nb = printable_notebook(Path(source))
        except CellExecutionError as e:
            last = re.sub(r"\x1b\[[0-9;]*m", "", str(e)).strip().splitlines()[-1:] or [""]
            raise LessonkitError(f"{Path(source).name}: a cell failed when the printable copy was run "
                                 f"({last[0][:300]}); nothing was written") from None
        title = _title(nb, Path(source), "printable")
        pages.append((Path(out) / PRINTABLE / Path(source).with_suffix(".html").name, notebook_to_html(nb, title)))
    for target, text in pages:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, text)
    return [target for target, _ in pages]


def page_title(nb) -> str:
    """The text of a notebook's first level-one heading, or a LessonkitError if it has none."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    raise LessonkitError("the app's notebook has no '# ' heading to use as its page title")


def build_app(source: Path | str = "apps/explorers.md", target: Path | str | None = None) -> Path:
    """Write the app view's notebook (``apps/explorers.ipynb``) from its MyST source, unexecuted
    (Voilà runs it)."""
    import jupytext

    source = Path(source)
    target = Path(target) if target is not None else source.with_suffix(".ipynb")
    nb = jupytext.read(str(source))
    nb.metadata.pop("jupytext", None)
    nb.metadata["title"] = page_title(nb)  # the browser tab's title (else Voilà shows the file name)
    for index, cell in enumerate(nb.cells, start=1):  # stable ids: the build is reproducible
        cell["id"] = f"explorers-{index:03d}"
    nb.nbformat, nb.nbformat_minor = 4, 5
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, nbformat.writes(nb) + "\n")
    return target
