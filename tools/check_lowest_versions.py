"""Run the lessons at the lowest versions pyproject.toml allows, and fail on any warning.

1. ``uv pip compile --resolution lowest-direct``: every direct dependency (runtime and the
   ``teacher`` extra, which executing the teacher edition needs) at its declared lower bound;
   indirect ones at their newest compatible release, as a new install would get them.
2. A fresh venv with exactly those versions, and lessonkit's wheel with ``--no-deps``.
3. ``lessonkit build --edition teacher`` there, from an empty folder: every lesson executed,
   with ``PYTHONWARNINGS=default``, so that even the warnings Python hides from a student
   by default (a DeprecationWarning raised inside a library) are shown.
4. Every executed cell is checked: no error and nothing on stderr. The versions used and
   the result are printed.

Found this way, and fixed by raising the lower bounds: pandas 2.2.0 warns on import that
pyarrow will become required (gone in 2.2.1; 2.2.2 is the first built for numpy 2), and
matplotlib before 3.10.7 uses pyparsing names that pyparsing 3.3 deprecates.

Needs uv (``pip install uv``) and access to the package index; takes a few minutes.
    python tools/check_lowest_versions.py [--keep]
Exit status 0 when every lesson ran without a warning, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = "Scripts" if os.name == "nt" else "bin"


def uv() -> list[str]:
    """The uv command: on PATH, else the module installed with this Python."""
    found = shutil.which("uv")
    if found:
        return [found]
    try:
        import uv as uv_module  # noqa: F401  (the PyPI package ships the binary)
    except ImportError:
        sys.exit("check_lowest_versions: needs uv (pip install uv)")
    return [sys.executable, "-m", "uv"]


def run(cmd: list[str], cwd: Path, env: dict | None = None) -> str:
    """Run a step; stop with its output if it fails."""
    p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if p.returncode:
        sys.exit(f"check_lowest_versions: {' '.join(map(str, cmd))} failed ({p.returncode}):\n"
                 f"{p.stdout[-3000:]}\n{p.stderr[-3000:]}")
    return p.stdout


def problems(notebook: Path) -> list[str]:
    """Each error or stderr output of an executed notebook, with its cell number."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    found = []
    for number, cell in enumerate(nb["cells"], start=1):
        for out in cell.get("outputs", []):
            if out["output_type"] == "error":
                found.append(f"cell {number}: {out['ename']}: {out['evalue']}")
            elif out["output_type"] == "stream" and out["name"] == "stderr":
                text = "".join(out["text"]) if isinstance(out["text"], list) else out["text"]
                found.append(f"cell {number}: stderr: {text.strip()[:400]}")
    return found


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--keep", action="store_true", help="keep the work folder and print where it is")
    args = p.parse_args()
    work = Path(tempfile.mkdtemp(prefix="lessonkit-lowest-"))
    try:
        lowest = work / "lowest.txt"
        version = f"{sys.version_info.major}.{sys.version_info.minor}"
        run(uv() + ["pip", "compile", str(ROOT / "pyproject.toml"), "--extra", "teacher",
                    "--resolution", "lowest-direct", "--python-version", version, "--quiet",
                    "--no-header", "--no-annotate", "-o", str(lowest)], cwd=work)
        venv = work / "venv"
        run(uv() + ["venv", "--quiet", "--python", sys.executable, str(venv)], cwd=work)
        python = venv / SCRIPTS / "python"
        run(uv() + ["pip", "install", "--quiet", "--python", str(python), "-r", str(lowest)], cwd=work)
        run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(work / "wheel")], cwd=work)
        wheel = next((work / "wheel").glob("lessonkit-*.whl"))
        run(uv() + ["pip", "install", "--quiet", "--no-deps", "--python", str(python), str(wheel)], cwd=work)

        print("Direct dependencies at their lowest versions:")
        for line in lowest.read_text().splitlines():
            if line.split("==")[0].strip().lower().replace("-", "_") in _declared():
                print(f"  {line.strip()}")

        empty = work / "empty"
        empty.mkdir()
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "LESSONKIT_DATA")}
        env.update({"PATH": f"{venv / SCRIPTS}{os.pathsep}{env.get('PATH', '')}", "VIRTUAL_ENV": str(venv),
                    "PYTHONNOUSERSITE": "1", "LESSONKIT_RECORD_DIR": str(work / "records"),
                    "PYTHONWARNINGS": "default"})
        (work / "records").mkdir()
        built = subprocess.run([str(venv / SCRIPTS / "lessonkit"), "build", "--edition", "teacher", "--out", "editions"],
                               cwd=empty, env=env, capture_output=True, text=True)
        if built.returncode:
            print(f"lessonkit build failed ({built.returncode}):\n{built.stderr[-4000:]}")
            return 1
        notebooks = sorted((empty / "editions" / "teacher").glob("*.ipynb"))
        failed = {nb.name: problems(nb) for nb in notebooks}
        failed = {name: found for name, found in failed.items() if found}
        for name, found in failed.items():
            print(f"{name}:")
            for line in found:
                print(f"  {line}")
        print(f"{len(notebooks)} teacher editions executed; {len(failed)} with an error or a warning")
        return 1 if failed or not notebooks else 0
    finally:
        if args.keep:
            print(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def _declared() -> set[str]:
    """Names of the direct dependencies (runtime and teacher), normalised with underscores."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = set()
    for req in project["dependencies"] + project["optional-dependencies"]["teacher"]:
        name = req.split(">")[0].split("=")[0].split("<")[0].split("[")[0].strip()
        names.add(name.lower().replace("-", "_"))
    return names


if __name__ == "__main__":
    sys.exit(main())
