"""Time ``lessonkit grade``: 30 notebooks and 1,000 learning records of the sample lesson.

Usage (from the repository root)::

    .venv/bin/python tests/grading/bench_grading.py [--runs 3] [--notebooks 30] [--records 1000]

Each run grades into a fresh output folder (no cache), as a separate ``lessonkit grade``
process, so the times include start-up. Prints each run and the median, then one run
again on the filled cache (a re-run). Not collected by pytest (no tests here).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]


def make_class(folder: Path, notebooks: int, records: int) -> tuple[Path, Path]:
    """Write notebooks/ and records/ of the sample lesson under folder: mostly right, some wrong."""
    sys.path.insert(0, str(REPO / "tests"))
    import grading_cases as gc
    from lessonkit.teacher.editions import build

    (edition,) = build([REPO / "tests" / "sample" / "sample.md"], folder / "editions", editions=("student",))
    nb = gc.read(edition)
    right = gc.right_answers()
    ids = list(right)
    rng = random.Random(2025)
    nb_dir, rec_dir = folder / "notebooks", folder / "records"
    for i in range(notebooks):
        wrong = set(rng.sample(ids, rng.randint(0, 4)))
        answers = {e: gc.WRONG.get(e, "0") if e in wrong else right[e] for e in ids}
        gc.write(gc.fill(nb, answers), nb_dir / f"student{i:03d}.ipynb")
    values = {e: eval(v) for e, v in right.items()}  # noqa: S307 - our own reprs
    rec_dir.mkdir(parents=True)
    for i in range(records):
        attempts = []
        for e in ids:
            for _ in range(rng.randint(0, 3)):
                ok = rng.random() < 0.7
                attempts.append((e, values[e] if ok else eval(gc.WRONG.get(e, "0")), "correct" if ok else "incorrect"))
        (rec_dir / f"student{i:04d}.json").write_text(gc.record(f"student{i:04d}", attempts), encoding="utf-8")
    return nb_dir, rec_dir


def time_grade(submissions: Path, out: Path) -> float:
    cmd = [sys.executable, "-m", "lessonkit.teacher.cli", "grade", str(submissions), "--out", str(out), "--no-progress"]
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"grading failed ({done.returncode}): {done.stderr[-2000:]}")
    return seconds


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--notebooks", type=int, default=30)
    p.add_argument("--records", type=int, default=1000)
    a = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="lessonkit-bench-") as tmp:
        tmp = Path(tmp)
        nb_dir, rec_dir = make_class(tmp, a.notebooks, a.records)
        summary = {}
        for label, folder in ((f"{a.notebooks} notebooks", nb_dir), (f"{a.records} records", rec_dir)):
            times = [time_grade(folder, tmp / f"out-{label}-{run}") for run in range(a.runs)]
            cached = time_grade(folder, tmp / f"out-{label}-0")
            summary[label] = {"runs_s": [round(t, 2) for t in times], "median_s": round(statistics.median(times), 2),
                              "rerun_from_cache_s": round(cached, 2)}
            print(label, json.dumps(summary[label]), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
