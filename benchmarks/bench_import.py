"""Import time: `python -c "import lessonkit"` against `python -c "import pandas"`.

Target: at most 1.15 times; importing lessonkit loads neither matplotlib nor ipywidgets.
    python benchmarks/bench_import.py [--runs 20]
"""
import argparse
import statistics
import subprocess
import sys

from common import alternate, command, report, save


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=20)
    runs = p.parse_args().runs
    py = sys.executable
    base, subj = alternate(command([py, "-c", "import pandas"]), command([py, "-c", "import lessonkit"]), runs)
    loaded = subprocess.run([py, "-c", "import sys, lessonkit; print(sorted(m for m in ('matplotlib', "
                             "'ipywidgets', 'pandas') if m in sys.modules))"],
                            capture_output=True, text=True, check=True).stdout.strip()
    ratio = statistics.median(subj) / statistics.median(base)
    save("import", report("Import", [("import pandas (baseline)", base), ("import lessonkit", subj)],
                          "import lessonkit at most 1.15 x import pandas; loads neither matplotlib nor ipywidgets",
                          ratio <= 1.15 and loaded == "[]",
                          notes=f"Heavy modules loaded by `import lessonkit`: {loaded}"))


if __name__ == "__main__":
    main()
