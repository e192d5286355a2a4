"""Shared by the benchmark scripts: alternate baseline and subject, report median and range,
their ratio, and the machine, as Markdown that RESULTS.md collects."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# The sample lesson (tests/sample/sample.md), whose exercise blocks are the key several
# benchmarks grade with: lessonkit finds it, and so do the processes the benchmarks start.
SAMPLE_KEYS = ROOT / "tests" / "sample"
os.environ["LESSONKIT_KEYS"] = os.pathsep.join(p for p in (os.environ.get("LESSONKIT_KEYS", ""), str(SAMPLE_KEYS)) if p)
PACKAGES = ("lessonkit", "pandas", "numpy", "matplotlib", "ipywidgets", "jupyterlab", "nbclient", "ipykernel")


def machine() -> str:
    """One line on the machine and the versions measured."""
    mem = ""
    try:
        kb = int(next(line.split()[1] for line in open("/proc/meminfo") if line.startswith("MemTotal")))
        mem = f", {kb / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    versions = []
    for name in PACKAGES:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            pass
    return (f"{os.cpu_count()} cores{mem}, {platform.system()} {platform.machine()}, "
            f"Python {platform.python_version()}; " + ", ".join(versions))


def _first(path: str, prefix: str) -> str:
    """The value of the first line of a text file starting with ``prefix`` ("" if none)."""
    try:
        with open(path, encoding="utf-8") as f:
            line = next((line for line in f if line.startswith(prefix)), "")
    except OSError:
        return ""
    return line.split("=", 1)[-1].split(":", 1)[-1].strip().strip('"')


def machine_details() -> list[tuple[str, str]]:
    """The machine that ran the benchmarks, named: CPU model, cores, memory, OS, Python."""
    kb = _first("/proc/meminfo", "MemTotal").split()
    memory = f"{int(kb[0]) / 1024 / 1024:.1f} GiB" if kb and kb[0].isdigit() else "unknown"
    system = _first("/etc/os-release", "PRETTY_NAME") or platform.system()
    return [("CPU", _first("/proc/cpuinfo", "model name") or platform.processor() or platform.machine()),
            ("Cores", str(os.cpu_count())), ("Memory", memory),
            ("OS", f"{system} (kernel {platform.release()}, {platform.machine()})"),
            ("Python", f"{platform.python_implementation()} {platform.python_version()}")]


def timed(fn: Callable[[], object]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def settle(seconds: float = 2.0) -> None:
    """Let the machine settle before a timed run: what the previous run wrote reaches the
    disk, and what it started has time to exit, so neither is counted against the next."""
    os.sync()
    time.sleep(seconds)


def alternate(baseline: Callable[[], object], subject: Callable[[], object], runs: int,
              warmup: int = 1, between: Callable[[], None] | None = None) -> tuple[list[float], list[float]]:
    """Run baseline and subject alternately (warm-up runs discarded), calling between (if
    given) before each timed run; return both timings."""
    for _ in range(warmup):
        baseline(), subject()
    base, subj = [], []
    for i in range(runs):
        pair = [(base, baseline), (subj, subject)]
        for times, fn in (pair if i % 2 == 0 else pair[::-1]):
            if between is not None:
                between()
            times.append(timed(fn))
    return base, subj


def command(args: list[str], env: dict | None = None, cwd: Path | None = None) -> Callable[[], None]:
    """A callable running a command to completion (its output discarded); fails loudly."""
    def run() -> None:
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       env=env, cwd=cwd)
    return run


def per_lesson_target(ratios: list[float], names: list[str], target: float) -> str:
    """The target line of a benchmark with one ratio per lesson: met, or how many are above and the worst."""
    if ratios and all(r <= target for r in ratios):
        return f"Target: each lesson at most {target} x its floor — **met**"
    worst = max(zip(ratios, names), default=(0.0, "none"))
    return (f"Target: each lesson at most {target} x its floor — **not met** ({sum(r > target for r in ratios)} "
            f"of {len(ratios)} above; the worst, {worst[1]}, at {worst[0]:.2f} x)")


def summary(times: list[float], unit: str = "s") -> str:
    scale = 1000 if unit == "ms" else 1
    med = statistics.median(times) * scale
    return f"{med:.3g} {unit} (range {min(times) * scale:.3g}–{max(times) * scale:.3g}, n={len(times)})"


def report(title: str, rows: list[tuple[str, list[float]]], target: str, met: bool | None,
           unit: str = "s", notes: str = "") -> str:
    """A Markdown section: each row's median and range, ratios to the first row, the target."""
    base = statistics.median(rows[0][1])
    lines = [f"### {title}", "", f"Command: `python {' '.join([Path(sys.argv[0]).name] + sys.argv[1:])}`  ",
             f"Machine: {machine()}", "", "| what | median (range) | ratio to baseline |", "| --- | --- | --- |"]
    for name, times in rows:
        lines.append(f"| {name} | {summary(times, unit)} | {statistics.median(times) / base:.2f} |")
    verdict = "" if met is None else (" — **met**" if met else " — **not met**")
    lines += ["", f"Target: {target}{verdict}"]
    if notes:
        lines += ["", notes]
    return "\n".join(lines) + "\n"


def save(name: str, text: str) -> None:
    """Print a section and keep it in benchmarks/results/NAME.md for RESULTS.md."""
    print(text)
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / f"{name}.md").write_text(text, encoding="utf-8")
