"""Run every benchmark and write benchmarks/RESULTS.md, as a whole, from their sections.

    make bench        (or: .venv/bin/python benchmarks/run_all.py [--quick] [--only NAME ...] [--report-only])

--quick runs fewer repetitions (for a smoke test; RESULTS.md says so). Each script writes its
section to results/<name>.md; RESULTS.md names the machine and the date, then joins the
sections. A section this run did not measure (with --only) comes from results/, or else from
the RESULTS.md being replaced, and says so.
To add a benchmark, add one line to SCRIPTS.
"""
import argparse
import datetime
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from common import machine_details

HERE = Path(__file__).resolve().parent
SCRIPTS = [  # (script, normal arguments, quick arguments), in the order of RESULTS.md
    ("bench_import.py", ["--runs", "20"], ["--runs", "5"]),
    ("bench_widgets.py", ["--changes", "60"], ["--changes", "20"]),
    ("bench_browser.py", ["--runs", "3"], ["--runs", "1"]),
    ("bench_records.py", ["--runs", "5"], ["--runs", "2"]),
    ("bench_lessons.py", ["--runs", "3"], ["--runs", "1"]),
    ("bench_grading.py", ["--runs", "3"], ["--runs", "1"]),
    ("bench_scaling.py", [], ["--sizes", "30", "--records", "1000"]),
    ("bench_install.py", ["--runs", "1"], ["--runs", "1"]),
    ("bench_test_suite.py", ["--runs", "1"], ["--runs", "1"]),
]


def section(script: str) -> Path:
    return HERE / "results" / f"{script[:-3].removeprefix('bench_')}.md"


KEPT = re.compile(r"\n\n\*Not measured in this run[^\n]*\*\n")


def previous_sections() -> dict[str, str]:
    """The sections of the current RESULTS.md, by script (read from each one's Command line)."""
    path = HERE / "RESULTS.md"
    if not path.exists():
        return {}
    found = {}
    for part in re.split(r"(?m)^(?=### )", path.read_text(encoding="utf-8"))[1:]:
        m = re.search(r"Command: `python (?:benchmarks/)?(bench_\w+\.py)", part)
        if m:
            found.setdefault(m.group(1), part.rstrip("\n") + "\n")
    return found


def kept(text: str, note: str) -> str:
    heading, _, rest = KEPT.sub("\n", text, count=1).partition("\n")
    return f"{heading}\n\n*Not measured in this run: {note}.*\n{rest}"


def results(started: float, quick: bool, failed: list[str]) -> str:
    """RESULTS.md: the machine and the date, then every section there is."""
    now = datetime.datetime.now(datetime.UTC)
    lines = ["# Benchmark results", "",
             f"Produced by `make bench` (`benchmarks/run_all.py{' --quick' if quick else ''}`) on "
             f"{now:%Y-%m-%d %H:%M} UTC. Every figure is measured against a baseline measured in the same "
             "run; medians with ranges." + (" A quick run: fewer repetitions, so the figures are noisy."
                                            if quick else ""), "", "| machine | |", "| --- | --- |"]
    lines += [f"| {name} | {value} |" for name, value in machine_details()]
    if failed:
        lines += ["", f"These scripts failed in this run (their sections, if any, are older): {', '.join(failed)}."]
    lines.append("")
    previous = previous_sections()
    for script, _, _ in SCRIPTS:
        path = section(script)
        if path.exists():
            text = path.read_text(encoding="utf-8")
            if path.stat().st_mtime < started:
                when = datetime.datetime.fromtimestamp(path.stat().st_mtime, datetime.UTC)
                text = kept(text, f"kept from the run of {when:%Y-%m-%d %H:%M} UTC")
        elif script in previous:
            text = kept(previous[script], "kept from the previous RESULTS.md")
        else:
            continue
        lines.append(text)
    return "\n".join(lines).rstrip("\n") + "\n"


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--quick", action="store_true")
    p.add_argument("--only", nargs="+", help="run only these scripts (names without .py)")
    p.add_argument("--report-only", action="store_true",
                   help="run nothing: rewrite RESULTS.md from the sections already in results/")
    args = p.parse_args()
    known = [s[:-3] for s, _, _ in SCRIPTS]
    unknown = sorted(set(args.only or []) - set(known))
    if unknown:
        p.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(known)}")
    started = time.time()
    failed = []
    for script, normal, quick in SCRIPTS:
        if args.report_only or (args.only and script[:-3] not in args.only):
            continue
        t = time.perf_counter()
        print(f"== {script}", flush=True)
        if subprocess.run([sys.executable, str(HERE / script), *(quick if args.quick else normal)]).returncode:
            failed.append(script)
        print(f"   ({time.perf_counter() - t:.0f} s)", flush=True)
    text = results(started, args.quick, failed)
    tmp = HERE / ".RESULTS.md.tmp"
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, HERE / "RESULTS.md")
    if failed:
        print("failed:", ", ".join(failed), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
