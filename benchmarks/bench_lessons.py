"""Lesson execution against its floor: the teacher edition of every lesson executed one after
another (fresh kernel each, as nbval and the build do), against the same number of notebooks
that only import what each lesson imports.

Target: at most 1.5 times the floor.
    python benchmarks/bench_lessons.py [--runs 3]
"""
import argparse
import re
import statistics
import tempfile
import tomllib
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from common import ROOT, alternate, report, save

from lessonkit.teacher.editions import TEACHER_STEPS, lesson_id, make_edition, read_lesson

IMPORT = re.compile(r"^(from \S+ import .+|import .+)$", re.M)


def lessons() -> list[Path]:
    order = tomllib.loads((ROOT / "notebooks" / "lessons.toml").read_text(encoding="utf-8"))["lesson"]
    return [ROOT / "notebooks" / e["file"] for e in order]


# lessonkit.plots and lessonkit.widgets import these on first use, so a lesson that draws a
# figure (from plots, or from its own module: lesson.x_chart) or shows a widget imports them too.
LAZY = {"plots.": "import matplotlib.pyplot", "_chart(": "import matplotlib.pyplot", "widgets.": "import ipywidgets"}


def floor_of(nb) -> nbformat.NotebookNode:
    """A notebook with one cell: every import line of the lesson, and the modules its figures
    and widgets import when first used."""
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    lines = IMPORT.findall(code) + [line for use, line in LAZY.items() if use in code]
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("\n".join(dict.fromkeys(lines)))],
                                    metadata=nb.metadata)


def run_all(notebooks, cwd: str):
    def run() -> None:
        for nb in notebooks:
            NotebookClient(nbformat.from_dict(nb), timeout=120, kernel_name="python3",
                           shutdown_kernel="immediate", resources={"metadata": {"path": cwd}}).execute()
    return run


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=3)
    runs = p.parse_args().runs
    teacher, floor = [], []
    for path in lessons():
        nb = read_lesson(path)
        edition = make_edition(nb, lesson_id(nb, path), TEACHER_STEPS)
        teacher.append(edition)
        floor.append(floor_of(edition))
    with tempfile.TemporaryDirectory() as cwd:
        import os

        os.environ["LESSONKIT_RECORD_DIR"] = cwd
        base, subj = alternate(run_all(floor, cwd), run_all(teacher, cwd), runs)
    ratio = statistics.median(subj) / statistics.median(base)
    save("lessons", report(f"Lesson execution ({len(teacher)} teacher editions, one after another)",
                           [("floor: notebooks that only import what the lessons import (matplotlib and ipywidgets included)", base),
                            ("teacher editions of all lessons", subj)],
                           "at most 1.5 x the floor", ratio <= 1.5))


if __name__ == "__main__":
    main()
