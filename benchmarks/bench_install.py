"""Install footprint: size and time of fresh virtual environments.

- baseline: only jupyterlab, ipywidgets, pandas and matplotlib (the versions Binder pins);
- student: ``pip install lessonkit`` (what ``make lesson`` and ``lessonkit lesson`` need);
- full: ``pip install 'lessonkit[teacher,nbgrader,site,hub]'`` with the lock (the extras that
  ``make test`` installs; before the student install became light, ``make lesson`` installed this too);
- binder: ``binder/requirements.txt``, then the package itself with ``--no-deps`` (postBuild).

lessonkit is installed from one wheel built at the start. Every environment uses pip's cache
the same way; the order alternates between runs. The student environment must also build
the student edition (``lessonkit build --edition student``) from an empty folder, so the
light install is proven to be enough.

Targets: binder at most 1.1 times the baseline's size; student smaller than full.
    python benchmarks/bench_install.py [--runs 2]
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import HERE, ROOT, machine, save

WORK = HERE / "work" / "install"
SCRIPTS = "Scripts" if os.name == "nt" else "bin"


def size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def pip(venv: Path, *args: str) -> None:
    subprocess.run([str(venv / SCRIPTS / "python"), "-m", "pip", "install", "-q", *args], check=True,
                   cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def make(name: str, steps: list[list[str]]) -> tuple[float, int]:
    """A fresh venv with each step's requirements installed in turn: (seconds, bytes)."""
    venv = WORK / name
    shutil.rmtree(venv, ignore_errors=True)
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    for step in steps:
        pip(venv, *step)
    return time.perf_counter() - t, size(venv)


def student_build_works() -> str:
    """Build the student edition with the student environment, from an empty folder."""
    empty = WORK / "empty"
    shutil.rmtree(empty, ignore_errors=True)
    empty.mkdir(parents=True)
    p = subprocess.run([str(WORK / "student" / SCRIPTS / "lessonkit"), "build", "--edition", "student",
                        "--out", "editions"], cwd=empty, capture_output=True, text=True)
    built = sorted(p.name for p in (empty / "editions" / "student").glob("*.ipynb"))
    if p.returncode or not built:
        return f"**no** (exit {p.returncode}: {p.stderr.strip()[-300:]})"
    return f"yes ({len(built)} lessons)"


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=2)
    runs = p.parse_args().runs
    WORK.mkdir(parents=True, exist_ok=True)
    wheels = WORK / "wheel"
    shutil.rmtree(wheels, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(wheels)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wheel = str(next(wheels.glob("lessonkit-*.whl")))
    pins = {}
    for line in (ROOT / "binder" / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            pins[line.split("==")[0].lower()] = line
    baseline = [pins.get(n, n) for n in ("jupyterlab", "ipywidgets", "pandas", "matplotlib")]
    envs = {
        "baseline": [baseline],
        "student": [[wheel, "-c", "requirements/lock.txt"]],
        "full": [[f"lessonkit[teacher,nbgrader,site,hub] @ {Path(wheel).as_uri()}", "-c", "requirements/lock.txt"]],
        "binder": [["-r", "binder/requirements.txt"], ["--no-deps", wheel]],
    }
    results = {name: ([], []) for name in envs}
    works = ""
    for i in range(runs):
        order = list(envs.items())
        for name, steps in (order if i % 2 == 0 else order[::-1]):
            t, s = make(name, steps)
            results[name][0].append(t)
            results[name][1].append(s)
            if name == "student" and not works:
                works = student_build_works()
    shutil.rmtree(WORK, ignore_errors=True)
    size_of = {n: statistics.median(r[1]) for n, r in results.items()}
    time_of = {n: statistics.median(r[0]) for n, r in results.items()}
    base_s, base_t = size_of["baseline"], time_of["baseline"]

    def row(name: str, label: str) -> str:
        s, t = size_of[name], time_of[name]
        return (f"| {label} | {s / 2**20:.0f} MiB ({s / base_s:.2f} x) | {t:.1f} s ({t / base_t:.2f} x) |")

    text = "\n".join([
        "### Install footprint", "", "Command: `python benchmarks/bench_install.py`  ", f"Machine: {machine()}", "",
        f"| environment | size (x baseline) | install time (median of {runs}, pip cache warm) |",
        "| --- | --- | --- |",
        f"| baseline: {' '.join(baseline)} | {base_s / 2**20:.0f} MiB | {base_t:.1f} s |",
        row("student", "student: `pip install lessonkit` (`make lesson`, `lessonkit lesson`)"),
        row("full", "full: `pip install 'lessonkit[teacher,nbgrader,site,hub]'` with the lock (the extras of `make test`)"),
        row("binder", "Binder: `binder/requirements.txt`, then `pip install --no-deps .`"), "",
        f"The student install builds the student edition from an empty folder: {works}", "",
        f"Targets: Binder at most 1.1 times the baseline's size — "
        f"**{'met' if size_of['binder'] / base_s <= 1.1 else 'not met'}**; the student install smaller "
        f"than the full one ({size_of['student'] / size_of['full']:.2f} x) — "
        f"**{'met' if size_of['student'] < size_of['full'] else 'not met'}**", ""])
    save("install", text)


if __name__ == "__main__":
    main()
