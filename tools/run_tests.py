"""The whole test suite with the running Python, on any system (what ``make test`` runs).

Builds both editions of every lesson into ``build/test-editions`` (the teacher edition is
executed), then runs pytest over the unit, data, edition, browser and Binder tests and,
with strict nbval, over the built notebooks. Arguments are passed on to pytest.

    python tools/run_tests.py [pytest arguments]

It needs lessonkit installed with every extra and the dependency group ``dev``
(``pip install -e ".[teacher,nbgrader,site,hub]" --group dev``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EDITIONS = Path("build", "test-editions")


def main(pytest_args: list[str], editions: Path = EDITIONS) -> int:
    """Build the editions (into editions, relative to the repository), then run pytest;
    return the first non-zero exit status, or pytest's."""
    shutil.rmtree(ROOT / editions, ignore_errors=True)
    built = subprocess.run([sys.executable, "-m", "lessonkit", "build", "--out", str(editions)], cwd=ROOT)
    if built.returncode:
        return built.returncode
    env = dict(os.environ, LESSONKIT_EDITIONS=str(editions))
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *pytest_args,
                           "tests", "src", str(editions), "--nbval", "--nbval-current-env",
                           "--nbval-sanitize-with", str(ROOT / "tests" / "nbval-sanitize.cfg"), "--durations=15"],
                          cwd=ROOT, env=env).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
