"""A student-facing figure: from opening a lesson in JupyterLab (Chromium, driven by
Playwright) to its first explorer answering a click, against a floor measured in the same run.

Each measurement opens the notebook in a new page, waits for its kernel, runs every cell
down to the first explorer (Run All Above, then that cell), and changes the explorer's first
control (the next option of a list, a number typed into a box, or a click on a button); it
ends when the explorer's output changes.

The floor is the same notebook (the same cells, so the page has as much to lay out) with
only imports run: its first code cell holds every import of the cells down to the explorer,
with the libraries lessonkit loads on first use there (pandas, matplotlib, ipywidgets); the
other code cells above the explorer are empty; and the explorer is replaced by the least
widget that answers a click (a drop-down list writing its value into an HTML widget). Lesson
and floor alternate.

The JupyterLab server is the browser tests' (tests/browser/conftest.py): 127.0.0.1, a free
port, a random token, its own settings folders. Chromium is Debian's /usr/bin/chromium.

Target: at most 1.5 times the floor.
    python benchmarks/bench_browser.py [--runs 3] [--lessons 00 03]
"""
import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from bench_lessons import IMPORT, LAZY, lessons
from common import ROOT, alternate, machine, per_lesson_target, save, summary

sys.path.insert(0, str(ROOT))
from lessonkit.widgets import EXPLORERS  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, Lab, _start_server, _stop  # noqa: E402

TARGET = 1.5
EXPLORER_CALL = re.compile(r"widgets\.(" + "|".join(EXPLORERS) + r")\(")
FLOOR_WIDGET = """import ipywidgets as w
_out = w.HTML("<p>a</p>")
_out.add_class("lessonkit-output")
_list = w.Dropdown(options=["a", "b", "c"], description="Floor")
_list.observe(lambda change: setattr(_out, "value", f"<p>{change['new']}</p>"), names="value")
_box = w.VBox([w.HTML("<strong>Floor</strong>"), _list, _out])
_box.add_class("lessonkit-explorer")
_box"""


def first_explorer(nb) -> int | None:
    """The index of the first code cell that shows an explorer."""
    return next((i for i, c in enumerate(nb.cells) if c.cell_type == "code" and EXPLORER_CALL.search(c.source)), None)


def floor_of(nb, explorer: int) -> nbformat.NotebookNode:
    """The same cells, with only the lesson's imports run and a minimal widget as explorer."""
    floor = nbformat.from_dict(nb)
    code = "\n".join(c.source for c in nb.cells[:explorer + 1] if c.cell_type == "code")
    imports = "\n".join(dict.fromkeys(IMPORT.findall(code) + [line for use, line in LAZY.items() if use in code]))
    first = True
    for cell in floor.cells[:explorer]:
        if cell.cell_type == "code":
            cell.source, first = (imports if first else ""), False
    floor.cells[explorer].source = FLOOR_WIDGET
    return floor


RUN_TO = """async (index) => {
  const app = window.jupyterapp;
  const panel = app.shell.currentWidget;
  panel.content.activeCellIndex = index;
  await app.commands.execute('notebook:run-all-above');
  await app.commands.execute('notebook:run-cell');
}"""

CHANGE = """(box) => {
  const out = box.querySelector('.lessonkit-output');
  window.__lkBefore = out ? out.innerHTML : '';
  return window.__lkBefore;
}"""


def use_explorer(page, cell, timeout_ms: int) -> None:
    """Change the explorer's first control as a student would, and wait for its new output."""
    box = cell.locator(".lessonkit-explorer").first
    box.wait_for(state="visible", timeout=timeout_ms)
    box.scroll_into_view_if_needed()
    box.evaluate(CHANGE)
    control = box.locator("select, input, button").first
    kind = control.evaluate("e => e.tagName.toLowerCase() + ':' + (e.type || '')")
    if kind.startswith("select"):
        options = control.locator("option").all_inner_texts()
        current = control.evaluate("e => e.selectedIndex")
        control.select_option(index=(current + 1) % len(options))
    elif kind.startswith("input"):
        control.fill("6")
        control.press("Enter")
    else:
        control.click()
    page.wait_for_function("(box) => { const o = box.querySelector('.lessonkit-output');"
                           " return o && o.innerHTML !== window.__lkBefore; }",
                           arg=box.element_handle(), timeout=timeout_ms, polling="raf")


def measure(context, server, name: str, explorer: int, timeout_ms: int = 120_000):
    """A callable: open ``name`` in a new page, run it down to its explorer, use it."""
    def run() -> None:
        page = context.new_page()
        try:
            lab = Lab(page, server)
            lab.open(name, timeout_ms)
            page.evaluate(RUN_TO, explorer)
            use_explorer(page, lab.cell(explorer), timeout_ms)
        finally:
            page.close()
            server.shutdown_sessions()
    return run


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--lessons", nargs="*", help="lesson numbers, e.g. 00 03 (default: every lesson with an explorer)")
    args = p.parse_args()
    if not CHROMIUM.exists():
        sys.exit(f"{CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    chosen = [s for s in lessons() if not args.lessons or s.name[:2] in args.lessons]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "student"
        subprocess.run([sys.executable, "-m", "lessonkit", "build", "--out", tmp, "--edition", "student",
                        *map(str, chosen)], check=True, stdout=subprocess.DEVNULL)
        pairs = []
        for src in chosen:
            nb = nbformat.read(root / f"{src.stem}.ipynb", as_version=4)
            explorer = first_explorer(nb)
            if explorer is None:
                continue
            nbformat.write(floor_of(nb, explorer), root / f"{src.stem}.floor.ipynb")
            pairs.append((src.stem, explorer))
        server = _start_server(root, Path(tmp) / "state")
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                try:
                    for stem, explorer in pairs:
                        t = time.perf_counter()
                        base, subj = alternate(measure(context, server, f"{stem}.floor.ipynb", explorer),
                                               measure(context, server, f"{stem}.ipynb", explorer), args.runs)
                        rows.append((stem, base, subj))
                        print(f"{stem}: {statistics.median(subj) / statistics.median(base):.2f} x "
                              f"({time.perf_counter() - t:.0f} s)", flush=True)
                finally:
                    context.close()
                    browser.close()
        finally:
            _stop(server.process)
    ratios = [statistics.median(s) / statistics.median(b) for _, b, s in rows]
    lines = ["### A student opens a lesson: to the first explorer answering a click, in JupyterLab", "",
             f"Command: `python benchmarks/bench_browser.py --runs {args.runs}"
             + (f" --lessons {' '.join(args.lessons)}" if args.lessons else "") + "`  ",
             f"Machine: {machine()}; Chromium {CHROMIUM} (headless, Playwright)", "",
             "| lesson | floor: the same cells, imports only, a minimal widget | the lesson | ratio |",
             "| --- | --- | --- | --- |"]
    for (name, base, subj), ratio in zip(rows, ratios):
        lines.append(f"| {name} | {summary(base)} | {summary(subj)} | {ratio:.2f} |")
    lines += ["", per_lesson_target(ratios, [n for n, _, _ in rows], TARGET), "",
              "From `page.goto` of the notebook to the explorer's output changing: JupyterLab loads "
              "(its JavaScript from the browser's cache after the warm-up), the kernel starts, the "
              "cells down to the explorer run, the explorer renders, and a change of its first "
              "control comes back from the kernel."]
    save("browser", "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
