"""A scaling curve of `lessonkit grade`: time per submission and the grader's peak memory as
the class grows, for notebooks (30, 100, 300) and learning records (1,000, 10,000, 100,000).

Notebooks are the student edition of the sample lesson (tests/sample/sample.md, eight
exercises, loading the data package), filled with right and wrong answers
(tests/grading_cases.py) and each made unique; records are made as in bench_records.py.
Each size is graded once, as a new process (start-up included), into a fresh output folder
(no cache of results), with the same worker count; an untimed run first fills the user's cache
with the answers the key computes from the data (see lessonkit.teacher.grading.key), as for
any grading after the first on a machine. Peak memory is the maximum resident set of the
grading process itself (its VmHWM) and of its largest worker or fork server (sampled every 0.2 s), not of the kernels,
which run the students' code. The records floor is a process that only reads and parses the
same JSON files, measured in the same run.

Targets: time per submission within 1.2 x of the smallest run of its kind; memory that does
not grow with the class; at least 2,000 records per second, start-up included.

    python benchmarks/bench_scaling.py                                  # 30 100 300 / 1,000 10,000 100,000
    python benchmarks/bench_scaling.py --sizes 30 --records 1000        # a quick version
"""
import argparse
import copy
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, machine, save, settle

sys.path.insert(0, str(ROOT))
from bench_records import FLOOR, make_records  # noqa: E402

from tests import grading_cases as gc  # noqa: E402

SAMPLE = ROOT / "tests" / "sample" / "sample.md"
# The grader's peak memory: VmHWM, the high-water mark of this process's own memory. Not
# getrusage's ru_maxrss, which on Linux keeps what the process had before exec: the size of
# the benchmark process that started it.
DRIVER = ("import sys\nfrom lessonkit.teacher.cli import main\ncode = main(sys.argv[1:])\n"
          "status = open('/proc/self/status').read().split('VmHWM:')[1].split()[0]\n"
          "print('PEAK_KB', status, file=sys.stderr)\nsys.exit(code)")


# One more run of each records class, instrumented: the seconds spent in each step of the
# grader (see lessonkit.teacher.grading.run), from the process's start. Records are graded as
# they are read, so reading, parsing and grading are timed inside one pass; "waiting for the
# files" is what that pass spends besides them (the reader thread, one file ahead or more).
PHASES = """import json, os, sys, time
started = float(os.environ["BENCH_STARTED"])
from lessonkit.teacher.grading import gradebook, run, submissions
spent = {"start-up and imports": 0.0}
def timed(module, name, label):
    f = getattr(module, name)
    def wrapper(*args, **kwargs):
        t = time.perf_counter()
        try:
            return f(*args, **kwargs)
        finally:
            spent[label] = spent.get(label, 0.0) + time.perf_counter() - t
    setattr(module, name, wrapper)
for module, name, label in ((run, "discover", "finding files"), (run, "_read_all", "one pass"),
                            (run, "key_version", "the key"), (run, "Key", "the key"),
                            (submissions, "_loaded", "parsing"), (run, "grade_record_safely", "grading"),
                            (run, "_grade_all", "caching and the rest"), (gradebook, "write", "writing gradebook and feedback")):
    timed(module, name, label)
from lessonkit.teacher.cli import main
spent["start-up and imports"] = time.time() - started
code = main(sys.argv[1:])
total = time.time() - started
one_pass = spent.pop("one pass", 0.0)
spent["waiting for the files"] = one_pass - sum(spent.get(k, 0.0) for k in ("the key", "parsing", "grading"))
spent["other"] = total - sum(spent.values())
print("PHASES", json.dumps(spent), file=sys.stderr)
sys.exit(code)"""


def phases(folder: Path, out: Path) -> dict[str, float]:
    """Seconds per step of one instrumented run (PHASES)."""
    env = dict(os.environ, LESSONKIT_LESSON_SOURCES=str(SAMPLE), BENCH_STARTED=repr(time.time()))
    proc = subprocess.run([sys.executable, "-c", PHASES, "grade", str(folder), "--out", str(out), "--lesson", "sample",
                           "--no-progress"], env=env, capture_output=True, text=True, check=True)
    return json.loads(next(line for line in proc.stderr.splitlines() if line.startswith("PHASES"))[7:])


def make_notebooks(folder: Path, n: int) -> None:
    """n notebooks of the sample lesson: right answers with a few wrong ones, each file unique."""
    from lessonkit.teacher.editions import build

    with tempfile.TemporaryDirectory() as tmp:
        (edition,) = build([SAMPLE], Path(tmp), editions=("student",))
        nb = gc.read(edition)
    right = gc.right_answers()
    rng = random.Random(2025)
    folder.mkdir(parents=True)
    for i in range(n):
        answers = {e: (gc.WRONG[e] if e in gc.WRONG and rng.random() < 0.3 else v) for e, v in right.items()}
        filled = gc.fill(nb, answers)
        filled = copy.deepcopy(filled)
        filled.cells.insert(0, __import__("nbformat").v4.new_markdown_cell(f"Student {i:04d}"))
        gc.write(filled, folder / f"student{i:04d}.ipynb")


def grade(folder: Path, out: Path, workers: int) -> tuple[float, int, int]:
    """Seconds, the grader's peak RSS (KB) and its largest worker's, for one fresh run."""
    try:
        import psutil
    except ImportError:  # the worker figure is then left out
        psutil = None
    shutil.rmtree(out, ignore_errors=True)
    env = dict(os.environ, LESSONKIT_LESSON_SOURCES=str(SAMPLE))
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", DRIVER, "grade", str(folder), "--out", str(out), "--lesson",
                             "sample", "--no-progress", "--workers", str(workers)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    worker_kb = 0
    if psutil is not None:
        me = psutil.Process(proc.pid)
        while proc.poll() is None:
            try:
                for child in me.children(recursive=True):
                    if any(w in " ".join(child.cmdline()) for w in ("spawn_main", "multiprocessing.forkserver")):
                        worker_kb = max(worker_kb, child.memory_info().rss // 1024)
            except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                pass
            time.sleep(0.2)
    _, err = proc.communicate()
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"lessonkit grade failed ({proc.returncode}): {err[-2000:]}")
    peak = int(next(line.split()[1] for line in err.splitlines() if line.startswith("PEAK_KB")))
    return seconds, peak, worker_kb


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--sizes", type=int, nargs="*", default=[30, 100, 300], help="notebook classes")
    p.add_argument("--records", type=int, nargs="*", default=[1000, 10_000, 100_000], help="record classes")
    p.add_argument("--workers", type=int, default=0, help="grading workers (0: lessonkit's own choice)")
    a = p.parse_args()
    from lessonkit.teacher.grading.pool import workers

    n_workers = workers(a.workers)
    lines = ["### Scaling: time per submission and peak memory as the class grows", "",
             f"Command: `python benchmarks/bench_scaling.py --sizes {' '.join(map(str, a.sizes))} --records "
             f"{' '.join(map(str, a.records))}` (one run per size, {n_workers} workers, fresh output, no cache)  ",
             f"Machine: {machine()}", "",
             "| submissions | total, s | per submission, ms | ratio to smallest | grader peak, MB | largest worker, MB |"
             " per second |", "| --- | --- | --- | --- | --- | --- | --- |"]
    verdicts, where, record_peaks = [], [], []
    with tempfile.TemporaryDirectory(prefix="lessonkit-bench-scaling-") as tmp:
        root = Path(tmp)
        for kind, sizes, make in (("notebooks", a.sizes, make_notebooks), ("records", a.records, make_records)):
            pers, peaks = [], []
            for n in sizes:
                folder = root / f"{kind}-{n}"
                make(folder, n)
                if kind == "records" and n == sizes[0]:  # untimed: fills the user cache with the key's computed
                    grade(folder, root / "out-warm-up", n_workers)  # answers, as any run after a machine's first has
                settle()  # the new files reach the disk, and the warm-up's processes exit, before the clock starts
                # A fresh output folder each time, and nothing deleted until the end: deleting many
                # files makes the file system busy for a while afterwards, which would count here.
                seconds, peak, worker = grade(folder, root / f"out-{kind}-{n}", n_workers)
                per = seconds / n
                pers.append(per)
                peaks.append(peak)
                lines.append(f"| {n:,} {kind} | {seconds:.1f} | {per * 1000:.1f} | {per / pers[0]:.2f} | "
                             f"{peak / 1024:.0f} | {worker / 1024:.0f} | {n / seconds:,.0f} |")
                if kind == "records" and n == sizes[0]:
                    t = time.perf_counter()
                    subprocess.run([sys.executable, "-c", FLOOR, str(folder)], check=True)
                    floor = time.perf_counter() - t
                    lines.append(f"| floor: read and parse the same {n:,} files | {floor:.2f} | "
                                 f"{floor / n * 1000:.2f} | | | | {n / floor:,.0f} |")
                if kind == "records":
                    record_peaks.append((n, peak))
                    where.append((n, phases(folder, root / f"out-phases-{n}")))
                    verdicts.append((f"{n:,} records at {n / seconds:,.0f}/s", n / seconds >= 2000))
            if len(sizes) > 1:
                worst = max(pers) / pers[0]
                verdicts.append((f"{kind}: time per submission at most {worst:.2f} x the smallest run (target 1.2)",
                                 worst <= 1.2))
                verdicts.append((f"{kind}: grader peak {peaks[0] / 1024:.0f} -> {peaks[-1] / 1024:.0f} MB "
                                 "(target: flat, within 1.2 x)", peaks[-1] <= 1.2 * peaks[0]))
    if where:
        steps = list(where[0][1])
        lines += ["", "Where a records run's time goes (one more run of each size, instrumented), in seconds:", "",
                  "| records | " + " | ".join(steps) + " |", "| --- |" + " --- |" * len(steps)]
        for n, spent in where:
            lines.append(f"| {n:,} | " + " | ".join(f"{spent.get(step, 0.0):.2f}" for step in steps) + " |")
        first = where[0]
        fixed = sum(first[1].get(k, 0.0) for k in ("start-up and imports", "the key"))
        lines += ["", f"At {first[0]:,} records, start-up, imports and the key take {fixed:.2f} s whatever the class, "
                  f"and writing the gradebook and {first[0]:,} feedback files "
                  f"{first[1].get('writing gradebook and feedback', 0.0):.2f} s."]
    if len(record_peaks) > 1 and record_peaks[-1][1] > 1.2 * record_peaks[0][1]:
        (n0, p0), (n1, p1) = record_peaks[0], record_peaks[-1]
        lines += ["", f"Why the records' memory grows, about {(p1 - p0) / (n1 - n0):.1f} KB a record: records are "
                  "graded as they are read and their bytes let go, and results share their equal parts, but the "
                  "grader keeps one small entry per file (its path, name, scores and a fingerprint of each answer) "
                  "until all are graded. It names each student only after seeing every file (two files may give the "
                  "same name), compares students' answers to flag possible copies, and writes the gradebook and "
                  "report once, sorted by student. Flat memory would need all three done on disk (an external sort, "
                  "or a database); that is not done."]
    lines += ["", "Targets: " + "; ".join(f"{text} — **{'met' if ok else 'not met'}**" for text, ok in verdicts), ""]
    save("scaling", "\n".join(lines))


if __name__ == "__main__":
    main()
