"""Grading 1,000 learning records of the sample lesson with `lessonkit grade`, against a floor
measured in the same run: a Python process that only reads and parses the same 1,000 JSON
files. Each run grades into a fresh output folder (no cache), as a new process.

Target: at least 2,000 records per second, process start-up included.
    python benchmarks/bench_records.py [--runs 5] [--records 1000]
"""
import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from common import ROOT, alternate, report, save, settle

sys.path.insert(0, str(ROOT))
from tests import grading_cases as gc  # noqa: E402 - the sample lesson's right and wrong answers

FLOOR = "import json, pathlib, sys\nfor p in sorted(pathlib.Path(sys.argv[1]).glob('*.json')):\n    json.loads(p.read_text())"


def make_records(folder: Path, n: int) -> None:
    """n records: each exercise tried 0-3 times, mostly right, claimed statuses as the kernel wrote them."""
    right = {e: eval(v) for e, v in gc.right_answers().items()}  # noqa: S307 - our own reprs
    wrong = {e: eval(v) for e, v in gc.WRONG.items()}  # noqa: S307
    rng = random.Random(2025)
    folder.mkdir(parents=True)
    for i in range(n):
        attempts = []
        for e in right:
            for _ in range(rng.randint(0, 3)):
                ok = rng.random() < 0.7 or e not in wrong
                attempts.append((e, right[e] if ok else wrong[e], "correct" if ok else "incorrect"))
        (folder / f"student{i:04d}.json").write_text(gc.record(f"student{i:04d}", attempts), encoding="utf-8")


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--records", type=int, default=1000)
    a = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="lessonkit-bench-records-") as tmp:
        records, out = Path(tmp) / "records", Path(tmp) / "out"
        make_records(records, a.records)

        def floor() -> None:
            subprocess.run([sys.executable, "-c", FLOOR, str(records)], check=True)

        os.sync()  # the new files reach the disk before the clock starts
        outs = iter(range(1, 1000))

        def grade() -> None:
            # A fresh output folder each run, deleted only at the end: deleting a thousand files
            # leaves the file system busy for a while, which the next run would pay for.
            nonlocal out
            out = Path(tmp) / f"out-{next(outs)}"
            subprocess.run([sys.executable, "-m", "lessonkit.teacher.cli", "grade", str(records), "--out", str(out),
                            "--no-progress"], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        base, subj = alternate(floor, grade, a.runs, between=lambda: settle(1.0))
        rows = sum(1 for _ in (out / "gradebook.csv").open(encoding="utf-8")) - 1  # the overview: one per student
    rate = a.records / statistics.median(subj)
    save("records", report(f"Grading {a.records} learning records",
                           [("floor: read and parse the same JSON files", base), ("lessonkit grade", subj)],
                           "at least 2,000 records per second", rate >= 2000,
                           notes=f"{rate:,.0f} records per second (median run, process start-up included); "
                                 f"the gradebook had {rows} rows."))


if __name__ == "__main__":
    main()
