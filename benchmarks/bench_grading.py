"""Grading 30 notebooks: `lessonkit grade` against `nbgrader autograde` and the nbclient floor.

One 5-question assignment (write square, evens, col_mean, top_n, word_count), made twice:
as an nbgrader course (solution cells and hidden-test cells) and as a lessonkit lesson (an
answer key of Value exercises in a folder named by LESSONKIT_KEYS). The same 30 answer sets
fill both: 10 right, 15 with one to three wrong answers, an infinite loop, an exception, a
syntax error, a blank one and a half-done one. Both run with the same per-cell limit. The
floor is the same 30 lessonkit notebooks merely executed with nbclient in a process pool of
as many workers as `lessonkit grade` uses. nbgrader is installed by this script in its own
virtual environment (benchmarks/work/venv-nbgrader), from PyPI.

Targets: lessonkit at most 1/3 of nbgrader's wall time with the same grades; at most 1.0 x
the floor.
    python benchmarks/bench_grading.py [--runs 3] [--timeout 5]
"""
import argparse
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
from assignment import NAMES, QUESTIONS, SETUP, TEST_CALLS, expected_score, submission_answers
from common import HERE, machine, save, settle
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

WORK = HERE / "work" / "grading"
NBGRADER = "nbgrader==0.9.6"
STUDENTS = 30


# --- the lessonkit side -------------------------------------------------------------------

def key_lesson(answers: dict) -> str:
    """The assignment as a lesson source holding only its exercise blocks (answers literal:
    each is a number or a list of numbers), which lessonkit reads as the answer key."""
    import json

    blocks = [f"```{{exercise}}\n---\nlabel: benchq.{q}\nkind: value\nlevel: apply\n"
              f"answer: {json.dumps(a)}\nhints:\n- Read the question again.\n---\nQuestion {q}.\n```\n"
              for q, a in answers.items()]
    return "---\nlessonkit:\n  lesson: benchq\n---\n\n" + "\n".join(blocks)


def expected_values() -> dict:
    """What each question's test calls return with the reference solutions."""
    import numpy as np  # noqa: F401
    import pandas as pd  # noqa: F401 - the solutions use it

    scope: dict = {}
    exec(SETUP, scope)  # noqa: S102 - our own assignment
    values = {}
    for q in NAMES:
        exec(QUESTIONS[q][1], scope)  # noqa: S102
        values[q] = eval(TEST_CALLS[q], scope)  # noqa: S307
    return json.loads(json.dumps(values, default=float))  # numpy scalars as plain floats


def lessonkit_notebook(i: int) -> nbformat.NotebookNode:
    answers = submission_answers(i)
    cells = [new_markdown_cell("# Problem set 1"), new_code_cell(SETUP + "\nfrom lessonkit import check")]
    for q in NAMES:
        cells.append(new_markdown_cell(f"**{q}.** {QUESTIONS[q][0]}"))
        cells.append(new_code_cell(answers[q]))
        cells.append(new_code_cell(f'check("benchq.{q}", {TEST_CALLS[q]})'))
    nb = new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "lessonkit": {"lesson": "benchq", "edition": "student"}})
    return nb


def make_lessonkit(root: Path) -> tuple[Path, Path]:
    keys, subs = root / "keys", root / "submissions"
    keys.mkdir(parents=True)
    (keys / "benchq.md").write_text(key_lesson(expected_values()), encoding="utf-8")
    subs.mkdir()
    for i in range(1, STUDENTS + 1):
        nbformat.write(lessonkit_notebook(i), subs / f"s{i:02d}.ipynb")
    return keys, subs


def lessonkit_grade(keys: Path, subs: Path, out: Path, timeout: int):
    env = dict(os.environ, LESSONKIT_KEYS=str(keys))

    def run() -> None:
        shutil.rmtree(out, ignore_errors=True)
        try:  # the results cached for this output folder (kept in the user's cache folder)
            from lessonkit.teacher.grading.cache import cache_folder

            shutil.rmtree(cache_folder(out) or out, ignore_errors=True)
        except ImportError:  # a lessonkit that kept them in out
            pass
        subprocess.run([sys.executable, "-m", "lessonkit.teacher.cli", "grade", str(subs), "--out", str(out),
                        "--lesson", "benchq", "--timeout", str(timeout), "--no-progress"],
                       env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return run


def lessonkit_scores(out: Path) -> dict[int, float]:
    with (out / "benchq" / "gradebook.csv").open(newline="", encoding="utf-8") as f:
        return {int(row["student"][1:]): float(row["total"] or 0) for row in csv.DictReader(f)}


# --- the floor: execute the same notebooks in a pool --------------------------------------

def _execute(path: str, timeout: int, keys: str) -> None:
    from nbclient import NotebookClient

    os.environ["LESSONKIT_KEYS"] = keys
    with tempfile.TemporaryDirectory() as cwd:
        os.environ["LESSONKIT_RECORD_DIR"] = cwd
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(nb, kernel_name="python3", timeout=timeout, allow_errors=True,
                                interrupt_on_timeout=True, shutdown_kernel="immediate",
                                resources={"metadata": {"path": cwd}})
        try:
            client.execute()
        except Exception:  # noqa: BLE001 - a dead kernel is part of the floor's cost too
            pass


def floor(keys: Path, subs: Path, timeout: int, workers: int):
    paths = sorted(str(p) for p in subs.glob("*.ipynb"))

    def run() -> None:
        with ProcessPoolExecutor(workers) as pool:
            list(pool.map(_execute, paths, [timeout] * len(paths), [str(keys)] * len(paths)))
    return run


# --- the nbgrader side (adapted from a hand-built course: no quickstart) ------------------

def _meta(grade_id, *, solution=False, grade=False, locked=False, points=None):
    m = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
         "solution": solution, "task": False}
    if points is not None:
        m["points"] = points
    return {"nbgrader": m}


def make_nbgrader(root: Path, timeout: int) -> tuple[Path, Path]:
    venv = WORK / "venv-nbgrader"
    if not (venv / "bin" / "nbgrader").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", NBGRADER, "pandas",
                        "-c", str(Path(__file__).resolve().parents[1] / "requirements" / "lock.txt")], check=True)
    course = root / "course"
    (course / "source" / "ps1").mkdir(parents=True)
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\nc.CourseDirectory.course_id = 'lessonkit-bench'\n"
        f"c.CourseDirectory.root = {str(course)!r}\nc.Execute.timeout = {timeout}\n")
    cells = [new_markdown_cell("# Problem set 1"), new_code_cell(SETUP, metadata=_meta("setup", locked=True))]
    for q in NAMES:
        prompt, solution, tests = QUESTIONS[q]
        cells.append(new_markdown_cell(f"**{q}.** {prompt}"))
        cells.append(new_code_cell(f"# ANSWER {q}\n### BEGIN SOLUTION\n{solution}\n### END SOLUTION",
                                   metadata=_meta(f"{q}_answer", solution=True)))
        cells.append(new_code_cell("\n".join(tests), metadata=_meta(f"{q}_tests", grade=True, locked=True, points=1)))
    nb = new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                            "language": "python"}})
    nbformat.write(nb, course / "source" / "ps1" / "ps1.ipynb")
    env = dict(os.environ, PATH=f"{venv / 'bin'}:{os.environ['PATH']}")
    subprocess.run(["nbgrader", "generate_assignment", "ps1"], cwd=course, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    shutil.copy(course / "gradebook.db", course / "gradebook.pristine.db")
    release = nbformat.read(course / "release" / "ps1" / "ps1.ipynb", as_version=4)
    for i in range(1, STUDENTS + 1):
        answers, sub = submission_answers(i), nbformat.from_dict(json.loads(json.dumps(release)))
        for cell in sub.cells:
            for q in NAMES:
                if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade_id") == f"{q}_answer":
                    cell.source = answers[q]
        d = course / "submitted" / f"s{i:02d}" / "ps1"
        d.mkdir(parents=True)
        nbformat.write(sub, d / "ps1.ipynb")
        (d / "timestamp.txt").write_text("2026-11-27 12:00:00.000000 UTC\n")
    return venv, course


def nbgrader_grade(venv: Path, course: Path):
    env = dict(os.environ, PATH=f"{venv / 'bin'}:{os.environ['PATH']}")

    def run() -> None:
        shutil.copy(course / "gradebook.pristine.db", course / "gradebook.db")
        shutil.rmtree(course / "autograded", ignore_errors=True)
        subprocess.run(["nbgrader", "autograde", "ps1"], cwd=course, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return run


def nbgrader_scores(venv: Path, course: Path) -> dict[int, float]:
    env = dict(os.environ, PATH=f"{venv / 'bin'}:{os.environ['PATH']}")
    subprocess.run(["nbgrader", "export", "--to", str(course / "grades.csv")], cwd=course, env=env,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with (course / "grades.csv").open(newline="") as f:
        return {int(r["student_id"][1:]): float(r["raw_score"] or 0) for r in csv.DictReader(f)}


def busy_cpu_seconds() -> float:
    """CPU seconds the whole machine has spent busy since boot (user, system, interrupts; not
    idle or waiting), from /proc/stat: a run's own processes, its kernels and sandboxes included."""
    with open("/proc/stat", encoding="ascii") as f:
        fields = [int(x) for x in f.readline().split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def why_slower(med: dict[str, float], runs: dict[str, list[float]], cpu: dict[str, float]) -> str:
    """Why lessonkit is above the floor in this run, from its figures."""
    over = med["lessonkit"] - med["floor"]
    overlap = min(runs["lessonkit"]) <= max(runs["floor"])
    return (f"lessonkit took {over:.1f} s ({100 * over / med['floor']:.0f} %) longer than the floor in this run, "
            f"using {cpu['lessonkit']:.1f} CPU seconds against the floor's {cpu['floor']:.1f} (medians, whole "
            "machine). " + ("Their runs overlap (lessonkit "
                            f"{min(runs['lessonkit']):.1f}–{max(runs['lessonkit']):.1f} s, floor "
                            f"{min(runs['floor']):.1f}–{max(runs['floor']):.1f} s): the difference is within the "
                            "variation between runs on this machine. " if overlap else "")
            + "Both are bound by the machine's two cores and end about one time limit after the endless loop "
            "starts; what lessonkit pays per kernel on top is bubblewrap and a control group.")


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--timeout", type=int, default=5)
    a = p.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    from lessonkit.teacher.grading.pool import workers as pool_workers

    workers = pool_workers(0)
    with tempfile.TemporaryDirectory(prefix="lessonkit-bench-grading-") as tmp:
        root = Path(tmp)
        keys, subs = make_lessonkit(root / "lk")
        venv, course = make_nbgrader(root / "nbg", a.timeout)
        out = root / "lk" / "out"
        runs: dict[str, list[float]] = {"nbgrader": [], "lessonkit": [], "floor": []}
        cpu_runs: dict[str, list[float]] = {"nbgrader": [], "lessonkit": [], "floor": []}
        jobs = {"nbgrader": nbgrader_grade(venv, course), "lessonkit": lessonkit_grade(keys, subs, out, a.timeout),
                "floor": floor(keys, subs, a.timeout, workers)}
        for i in range(a.runs):  # alternate, rotating which goes first
            order = list(jobs)[i % 3:] + list(jobs)[:i % 3]
            for name in order:
                settle()  # nbgrader's writes and exiting kernels must not count against the next job
                t, busy = time.perf_counter(), busy_cpu_seconds()
                jobs[name]()
                runs[name].append(time.perf_counter() - t)
                cpu_runs[name].append(busy_cpu_seconds() - busy)
        lk, nbg = lessonkit_scores(out), nbgrader_scores(venv, course)
    expected = {i: expected_score(i) for i in range(1, STUDENTS + 1)}
    same = {i for i in expected if lk.get(i) == nbg.get(i)}
    med = {k: statistics.median(v) for k, v in runs.items()}
    cpu = {k: statistics.median(v) for k, v in cpu_runs.items()}
    lines = ["### Grading 30 notebooks: lessonkit against nbgrader and the nbclient floor", "",
             f"Command: `python benchmarks/bench_grading.py --runs {a.runs} --timeout {a.timeout}` "
             f"(per-cell limit {a.timeout} s for all three; {NBGRADER}; lessonkit with {workers} workers, "
             f"the floor with the same)  ", f"Machine: {machine()}", "",
             "| what | median (range), s | ratio | machine CPU, s (median) |", "| --- | --- | --- | --- |"]
    for name, label, base in (("nbgrader", "nbgrader autograde (baseline)", "nbgrader"),
                              ("floor", "floor: the 30 notebooks executed in an nbclient pool", "nbgrader"),
                              ("lessonkit", "lessonkit grade", "nbgrader")):
        v = runs[name]
        lines.append(f"| {label} | {med[name]:.1f} ({min(v):.1f}–{max(v):.1f}, n={len(v)}) | "
                     f"{med[name] / med[base]:.2f} of nbgrader | {cpu[name]:.1f} |")
    lines += ["", f"lessonkit / floor: {med['lessonkit'] / med['floor']:.2f}", "",
              "The three alternate, each run starting first in turn, after the machine has settled (the "
              "previous job's files synced to disk, then 2 s). "
              "Both start a fresh kernel for every notebook; the run ends about one time limit after the notebook "
              "with the endless loop starts. What lessonkit saves against the floor: its workers are forked from "
              "one server that imports nbclient, nbformat, pandas and the checkers once (each of the floor's workers "
              "imports them, jsonschema's IRI checker included: rfc3987-syntax builds its grammar on import), that "
              "server starts while the submissions are read, each worker starts its next notebook's kernel "
              "(sandboxed, with pandas and lessonkit imported, without a debugger) while the current one runs. "
              "What it pays on top: bubblewrap and a control group per "
              "kernel, and the checks. Machine CPU is the busy time of both cores during the run (from "
              "/proc/stat), every process of the run included.", "",
              f"Same total for {len(same)} of {STUDENTS} students; class total lessonkit {sum(lk.values()):g}, "
              f"nbgrader {sum(nbg.values()):g}, expected {sum(v for v in expected.values() if v is not None):g}.",
              "Differences: " + (", ".join(f"s{i:02d} lessonkit {lk.get(i)} nbgrader {nbg.get(i)} expected "
                                          f"{expected[i]}" for i in sorted(set(expected) - same)) or "none") + ".", "",
              f"Target: at most 1/3 of nbgrader's time with the same grades — "
              f"**{'met' if med['lessonkit'] <= med['nbgrader'] / 3 and len(same) == STUDENTS else 'not met'}**; "
              f"at most 1.0 x the floor — **{'met' if med['lessonkit'] <= med['floor'] else 'not met'}**", ""]
    if med["lessonkit"] > med["floor"]:
        lines += [why_slower(med, runs, cpu), ""]
    save("grading", "\n".join(lines))


if __name__ == "__main__":
    main()
