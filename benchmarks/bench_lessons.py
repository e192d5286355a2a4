"""Lesson execution against its floor: the teacher edition of every lesson executed in a fresh
kernel (as nbval and the build do), against a notebook that only imports what that lesson
imports, the two alternated lesson by lesson.

What a lesson imports: its own import lines, and the libraries lessonkit loads on first use
in it (pandas for any data, matplotlib for a figure, ipywidgets for an explorer). The data
package's cache is warm (the warm-up run fills it), as it is for a student after the first
lesson.

Target: each lesson at most 1.25 times its floor.
    python benchmarks/bench_lessons.py [--runs 3]
"""
import argparse
import os
import re
import resource
import statistics
import tempfile
import time
import tomllib
from pathlib import Path

import nbformat
from common import ROOT, alternate, machine, per_lesson_target, save, summary
from nbclient import NotebookClient

from lessonkit._cache import cache_dir
from lessonkit.teacher.editions import TEACHER_STEPS, lesson_id, make_edition, read_lesson

TARGET = 1.25
IMPORT = re.compile(r"^(from \S+ import .+|import .+)$", re.M)

# What lessonkit imports on first use: any use of lessonkit reads the data (pandas); figures
# draw with matplotlib and explorers are ipywidgets.
# lessonkit imports these on first use, so a lesson that loads data, draws a figure (from plots,
# or from its own module: lesson.x_chart) or shows a widget imports them too.
LAZY = {"lessonkit": "import pandas", "plots.": "import matplotlib.pyplot", "_chart(": "import matplotlib.pyplot",
        "widgets.": "import ipywidgets"}


def lessons() -> list[Path]:
    order = tomllib.loads((ROOT / "notebooks" / "lessons.toml").read_text(encoding="utf-8"))["lesson"]
    return [ROOT / "notebooks" / e["file"] for e in order]


def floor_of(nb) -> nbformat.NotebookNode:
    """A notebook with one cell: every import line of the lesson, and the modules lessonkit
    imports when the lesson first uses its data, figures and widgets."""
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    lines = IMPORT.findall(code) + [line for use, line in LAZY.items() if use in code]
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("\n".join(dict.fromkeys(lines)))],
                                    metadata=nb.metadata)


def runner(nb, cwd: str, cpu: list[float]):
    """A callable executing ``nb`` in a fresh kernel; it appends the kernel's CPU seconds
    (user and system, counted once the kernel has exited) to ``cpu``."""
    def run() -> None:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        NotebookClient(nbformat.from_dict(nb), timeout=120, kernel_name="python3",
                       shutdown_kernel="immediate", resources={"metadata": {"path": cwd}}).execute()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return run


# Run first in the diagnostic copy of a lesson: time spent drawing figures (every figure of
# lessonkit ends in plots._finish: layout, drawing and the PNG).
PROBE = """import time as _lk_time
import lessonkit.plots as _lk_plots
_lk_drawing = [0.0]
def _lk_timed(finish):
    def timed(*args, **kwargs):
        start = _lk_time.perf_counter()
        try:
            return finish(*args, **kwargs)
        finally:
            _lk_drawing[0] += _lk_time.perf_counter() - start
    return timed
_lk_plots._finish = _lk_timed(_lk_plots._finish)"""


def _seconds(stamp: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def where_time_goes(nb, cwd: str) -> tuple[int, float, float]:
    """One more run of a lesson, instrumented: its number of code cells, the seconds its cells
    took in the kernel (execution request to reply), and the seconds spent drawing figures."""
    probe = nbformat.from_dict(nb)
    probe.cells.insert(0, nbformat.v4.new_code_cell(PROBE))
    probe.cells.append(nbformat.v4.new_code_cell("print(_lk_drawing[0])"))
    NotebookClient(probe, timeout=120, kernel_name="python3", shutdown_kernel="immediate",
                   resources={"metadata": {"path": cwd}}).execute()
    cells = [c for c in probe.cells[1:-1] if c.cell_type == "code"]
    took = sum(_seconds(c.metadata["execution"]["shell.execute_reply"])
               - _seconds(c.metadata["execution"]["iopub.execute_input"]) for c in cells)
    drawing = float(probe.cells[-1].outputs[0]["text"])
    return len(cells), took, drawing


def why_missed(name: str, ratio: float, base: list[float], subj: list[float], part: tuple[int, float, float],
               floor_part: tuple[int, float, float]) -> str:
    """Why a lesson is above the target, from this run's figures: how much of its time over the
    floor its cells' own work explains, and what is left (each cell's round trip, and noise)."""
    over = statistics.median(subj) - statistics.median(base)
    cells, took, drawing = part
    work = took - floor_part[1]
    rest = over - work
    return (f"\n- {name} is {ratio:.2f} x its floor, {over:.2f} s over it "
            f"({statistics.median(subj) - TARGET * statistics.median(base):.2f} s more than the target allows). "
            f"Its {cells} code cells took {work:.2f} s longer in the kernel than the floor's one cell "
            f"({drawing:.2f} s of it drawing figures); the other {rest:.2f} s is the round trip between nbclient "
            f"and the kernel for each of its {cells - 1} further cells, and the variation between runs "
            f"(its runs: {min(subj):.2f}–{max(subj):.2f} s).")


def forget_figures() -> None:
    """Empty the figure cache (lessonkit._figure_cache), keeping the data package's."""
    folder = cache_dir()
    for entry in folder.glob("*.figure") if folder else ():
        entry.unlink()


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=3)
    runs = p.parse_args().runs
    rows, cpu, parts, floor_parts, cold = [], [], [], [], []
    with tempfile.TemporaryDirectory() as cwd:
        os.environ["LESSONKIT_RECORD_DIR"] = cwd
        for path in lessons():
            nb = read_lesson(path)
            edition = make_edition(nb, lesson_id(nb, path), TEACHER_STEPS)
            base_cpu, subj_cpu = [], []
            base, subj = alternate(runner(floor_of(edition), cwd, base_cpu), runner(edition, cwd, subj_cpu), runs)
            rows.append((path.stem, base, subj))
            cpu.append((base_cpu[-runs:], subj_cpu[-runs:]))  # the warm-up run is not counted
            parts.append(where_time_goes(edition, cwd))
            floor_parts.append(where_time_goes(floor_of(edition), cwd))
            forget_figures()  # once more with every figure drawn: a lesson's first run on a machine
            start = time.perf_counter()
            runner(edition, cwd, [])()
            cold.append(time.perf_counter() - start)
            print(f"{path.stem}: {statistics.median(subj) / statistics.median(base):.2f} x", flush=True)
    ratios = [statistics.median(s) / statistics.median(b) for _, b, s in rows]
    total_base = [sum(b[i] for _, b, _ in rows) for i in range(runs)]
    total_subj = [sum(s[i] for _, _, s in rows) for i in range(runs)]
    lines = [f"### Lesson execution ({len(rows)} teacher editions, each in a fresh kernel)", "",
             f"Command: `python benchmarks/bench_lessons.py --runs {runs}`  ", f"Machine: {machine()}", "",
             "| lesson | floor: its imports only | teacher edition | ratio |", "| --- | --- | --- | --- |"]
    for (name, base, subj), ratio in zip(rows, ratios):
        lines.append(f"| {name} | {summary(base)} | {summary(subj)} | {ratio:.2f} |")
    total = statistics.median(total_subj) / statistics.median(total_base)
    lines.append(f"| all lessons | {summary(total_base)} | {summary(total_subj)} | {total:.2f} |")
    lines += ["", "The same runs in CPU seconds of the kernel (user and system), which other work on the "
              "machine disturbs less than wall time:", "",
              "| lesson | floor, kernel CPU | teacher edition, kernel CPU | ratio |", "| --- | --- | --- | --- |"]
    for (name, _, _), (base, subj) in zip(rows, cpu):
        lines.append(f"| {name} | {summary(base)} | {summary(subj)} | "
                     f"{statistics.median(subj) / statistics.median(base):.2f} |")
    cpu_base = [sum(b[i] for b, _ in cpu) for i in range(runs)]
    cpu_subj = [sum(s[i] for _, s in cpu) for i in range(runs)]
    lines.append(f"| all lessons | {summary(cpu_base)} | {summary(cpu_subj)} | "
                 f"{statistics.median(cpu_subj) / statistics.median(cpu_base):.2f} |")
    lines += ["", "Where a lesson's time goes (one more run of each, and of its floor, instrumented): the "
              "time its code cells take in the kernel, their imports included (which the floor's one cell "
              "also pays), and the "
              "part of it spent drawing figures (`lessonkit.plots._finish`: layout, drawing, PNG; with "
              "the figure cache warm, nothing is drawn). The rest of a teacher edition's time is the "
              "kernel's start and each cell's round trip between nbclient and the kernel. The last "
              "column is one more run with the figure cache emptied first (the data's cache kept): a "
              "lesson's first run on a machine, when every figure is drawn and matplotlib imported.", "",
              "| lesson | code cells | floor (median) | teacher edition (median) | the floor's one cell | "
              "its cells' own time | drawing figures | figures drawn afresh: time, ratio |",
              "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for (name, base, subj), (count, took, drawing), floor_part, fresh in zip(rows, parts, floor_parts, cold):
        lines.append(f"| {name} | {count} | {statistics.median(base):.2f} s | {statistics.median(subj):.2f} s | "
                     f"{floor_part[1]:.2f} s | {took:.2f} s | {drawing:.2f} s | "
                     f"{fresh:.2f} s, {fresh / statistics.median(base):.2f} x |")
    lines += ["", per_lesson_target(ratios, [n for n, _, _ in rows], TARGET)]
    lines += [why_missed(name, ratio, base, subj, part, floor_part)
              for (name, base, subj), ratio, part, floor_part in zip(rows, ratios, parts, floor_parts) if ratio > TARGET]
    lines += ["",
              "The floor of a lesson imports what the lesson imports, pandas included (lessonkit loads "
              "it with the data), and matplotlib where the lesson has a figure, in one cell. The data "
              "package's cache and the figure cache (lessonkit._figure_cache) were warm, as for any "
              "run of a lesson after its first on the machine: the warm-up run fills them, so the "
              "teacher edition gets its figures without drawing them or importing matplotlib. The "
              "last column of the table above shows a first run."]
    save("lessons", "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
