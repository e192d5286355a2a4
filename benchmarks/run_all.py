"""Run every benchmark and write benchmarks/RESULTS.md from their sections.

    make bench        (or: .venv/bin/python benchmarks/run_all.py [--quick])

--quick runs fewer repetitions (for a smoke test; RESULTS.md says so).
"""
import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = [  # (script, normal arguments, quick arguments)
    ("bench_import.py", ["--runs", "20"], ["--runs", "5"]),
    ("bench_widgets.py", ["--changes", "60"], ["--changes", "20"]),
    ("bench_records.py", ["--runs", "5"], ["--runs", "2"]),
    ("bench_lessons.py", ["--runs", "3"], ["--runs", "1"]),
    ("bench_grading.py", ["--runs", "3"], ["--runs", "1"]),
    ("bench_scaling.py", [], ["--sizes", "30", "--records", "1000"]),
    ("bench_install.py", ["--runs", "1"], ["--runs", "1"]),
    ("bench_test_suite.py", ["--runs", "1"], ["--runs", "1"]),
]


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--quick", action="store_true")
    p.add_argument("--only", nargs="*", help="run only these scripts (names without .py)")
    args = p.parse_args()
    failed = []
    for script, normal, quick in SCRIPTS:
        if args.only and script[:-3] not in args.only:
            continue
        t = time.perf_counter()
        print(f"== {script}", flush=True)
        if subprocess.run([sys.executable, str(HERE / script), *(quick if args.quick else normal)]).returncode:
            failed.append(script)
        print(f"   ({time.perf_counter() - t:.0f} s)", flush=True)
    sections = [(HERE / "results" / f"{s[:-3].removeprefix('bench_')}.md") for s, _, _ in SCRIPTS]
    body = "\n".join(f.read_text(encoding="utf-8") for f in sections if f.exists())
    head = ("# Benchmark results\n\nProduced by `make bench` (`benchmarks/run_all.py`"
            + (" --quick" if args.quick else "") + "). Every figure is measured against a baseline "
            "measured in the same run; medians with ranges. The machine is named in each section.\n\n")
    (HERE / "RESULTS.md").write_text(head + body, encoding="utf-8")
    if failed:
        print("failed:", ", ".join(failed), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
