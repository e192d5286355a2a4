"""Wall time of the README's test command (`make test`) from a fresh clone of HEAD, against a
baseline measured in the same run: the same clone's environment set-up alone (`make venv`).

    python benchmarks/bench_test_suite.py [--runs 1]
"""
import argparse
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from common import ROOT, machine, save


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=1)
    runs = p.parse_args().runs
    setup, full = [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="lessonkit-clone-") as tmp:
            clone = Path(tmp) / "repo"
            subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
            t = time.perf_counter()
            subprocess.run(["make", "venv"], cwd=clone, check=True, stdout=subprocess.DEVNULL)
            setup.append(time.perf_counter() - t)
            t = time.perf_counter()
            result = subprocess.run(["make", "test"], cwd=clone, capture_output=True, text=True)
            full.append(setup[-1] + time.perf_counter() - t)
            tail = result.stdout.strip().splitlines()[-1:] if result.stdout else []
            shutil.rmtree(clone, ignore_errors=True)
    text = "\n".join([
        "### The test suite", "", "Command: `python benchmarks/bench_test_suite.py` (a fresh `git clone` of HEAD, "
        "then `make test`, which also sets up `.venv`)  ", f"Machine: {machine()}", "",
        "| what | wall time |", "| --- | --- |",
        f"| baseline: `make venv` alone in the fresh clone | {min(setup):.0f} s |",
        f"| `make test` from the fresh clone, set-up included | {min(full):.0f} s "
        f"({min(full) / min(setup):.1f} x the set-up) |", "",
        f"Last line of the test run: `{tail[0] if tail else 'no output'}`  ",
        f"Target: well under CI's 90 minutes — **{'met' if max(full) < 45 * 60 else 'not met'}**", ""])
    save("test_suite", text)


if __name__ == "__main__":
    main()
