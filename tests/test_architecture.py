"""The house without circles: lessonkit's import contracts hold (import-linter, configured in
pyproject.toml), every module imports on its own, and no module grows past 450 lines."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "src" / "lessonkit"
MAX_LINES = 450


def modules() -> list[str]:
    """Every module of lessonkit, by its dotted name (packages by their __init__)."""
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def test_the_import_contracts_are_kept():
    """lint-imports checks pyproject.toml's contracts: no cycle between any two modules or
    packages, the layers (teacher tools above lessons above views above data), and the
    independence of the views and of the lessons."""
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint, "lint-imports is missing: install the dev group (make venv)"
    run = subprocess.run([lint, "--no-cache", "--no-logo", "pyproject.toml"], cwd=REPO,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout and "kept" in run.stdout


SCRIPT = """
import importlib, json, sys
failures = {}
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m == "lessonkit" or m.startswith("lessonkit.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except ModuleNotFoundError as e:
        if (e.name or "").split(".")[0] == "lessonkit":
            failures[name] = f"{type(e).__name__}: {e}"
    except ImportError as e:  # a cycle: "cannot import name ... (most likely due to a circular import)"
        failures[name] = f"{type(e).__name__}: {e}"
print(json.dumps(failures))
"""


def test_every_module_imports_on_its_own():
    """Each module is imported first, in a process where no other lessonkit module is loaded,
    so that an import cycle, which only breaks when a cycle's other module is entered first,
    shows here (a missing optional package is not this test's business)."""
    names = [n for n in modules() if n != "lessonkit.__main__"]
    run = subprocess.run([sys.executable, "-c", SCRIPT, *names], cwd=REPO, capture_output=True, text=True,
                         timeout=600)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout.strip().splitlines()[-1]) == {}
    assert len(names) > 80  # every module was tried, not a few


def test_no_module_is_over_450_lines():
    sizes = {str(p.relative_to(PACKAGE)): len(p.read_text(encoding="utf-8").splitlines())
             for p in PACKAGE.rglob("*.py")}
    assert len(sizes) > 80
    assert {name: n for name, n in sizes.items() if n > MAX_LINES} == {}
