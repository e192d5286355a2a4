"""Install footprint: size and time of a fresh virtual environment made from
binder/requirements.txt, against one with only jupyterlab, ipywidgets, pandas and matplotlib
(the same versions). Both use pip's cache the same way; runs alternate.

Target: at most 1.1 times the size.
    python benchmarks/bench_install.py [--runs 2]
"""
import argparse
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import HERE, ROOT, machine, save

WORK = HERE / "work" / "install"


def size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def make(name: str, requirements: list[str]) -> tuple[float, int]:
    venv = WORK / name
    shutil.rmtree(venv, ignore_errors=True)
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", *requirements], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t, size(venv)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=2)
    runs = p.parse_args().runs
    pinned = [line.strip() for line in (ROOT / "binder" / "requirements.txt").read_text().splitlines()
              if line.strip() and not line.startswith("#")]
    versions = {re.split("==", r)[0]: r for r in pinned if "==" in r}
    baseline = [versions.get(n, n) for n in ("jupyterlab", "ipywidgets", "pandas", "matplotlib")]
    WORK.mkdir(parents=True, exist_ok=True)
    results = {"baseline": ([], []), "binder": ([], [])}
    for i in range(runs):
        order = [("baseline", baseline), ("binder", ["-r", "binder/requirements.txt"])]
        for name, reqs in (order if i % 2 == 0 else order[::-1]):
            t, s = make(name, reqs)
            results[name][0].append(t)
            results[name][1].append(s)
    shutil.rmtree(WORK, ignore_errors=True)
    b_size, m_size = statistics.median(results["baseline"][1]), statistics.median(results["binder"][1])
    b_time, m_time = statistics.median(results["baseline"][0]), statistics.median(results["binder"][0])
    text = "\n".join([
        "### Install footprint", "", "Command: `python benchmarks/bench_install.py`  ", f"Machine: {machine()}", "",
        "| environment | size | install time (median of %d, pip cache warm) |" % runs, "| --- | --- | --- |",
        f"| baseline: {' '.join(baseline)} | {b_size / 2**20:.0f} MiB | {b_time:.1f} s |",
        f"| binder/requirements.txt (lessonkit and its dependencies) | {m_size / 2**20:.0f} MiB "
        f"({m_size / b_size:.2f} x) | {m_time:.1f} s ({m_time / b_time:.2f} x) |", "",
        f"Target: at most 1.1 times the size — **{'met' if m_size / b_size <= 1.1 else 'not met'}**", ""])
    save("install", text)


if __name__ == "__main__":
    main()
