"""``lessonkit lesson``: what ``make lesson`` does, on any system.

Builds the student edition of every lesson into ``OUT/student``, then opens lesson 0 in
JupyterLab there (the module's JupyterLab settings came with the install: nothing is written).
The teacher's tools may share the environment: the student's JupyterLab is started with
``student_lab/`` first on ``JUPYTER_CONFIG_PATH``, which turns nbgrader's extensions off there
(no Nbgrader menu, no Create Assignment panel, no formgrader), and only there.

Day two is quiet: a lesson the student has changed is left alone when it was built from the
same version, and nothing is said. Only when a lesson really changed does a new copy arrive
beside the student's (``(new version) NAME.ipynb``), with a message saying that the answers
are safe in the learning record and that replacing the copy backs it up first.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from .._paths import default_lessons

FIRST_LESSON = "00-start-here.ipynb"
STUDENT_LAB_CONFIG = Path(__file__).resolve().parent / "student_lab"


def student_lab_environment(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """environ (default: this process's) with the student's JupyterLab configuration first.

    ``JUPYTER_CONFIG_PATH`` comes before every other configuration folder, so the settings in
    ``student_lab/`` win; any path the user already set stays behind them.
    """
    env = dict(os.environ if environ is None else environ)
    before = env.get("JUPYTER_CONFIG_PATH")
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(filter(None, [str(STUDENT_LAB_CONFIG), before]))
    return env


def running_as_root() -> bool:
    """True on Unix when the effective user is root (Windows has no such user)."""
    geteuid = getattr(os, "geteuid", None)
    return geteuid is not None and geteuid() == 0


def jupyter_command(folder: Path, extra: list[str] | None = None) -> list[str]:
    """The command that opens the first lesson of folder in JupyterLab, with this Python.

    JupyterLab refuses to run as root unless told; a school laptop never needs that flag.
    """
    extra = [a for a in (extra or []) if a != "--"]
    command = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={folder}"]
    if running_as_root() and "--allow-root" not in extra:
        command.append("--allow-root")
    first = folder / FIRST_LESSON
    return command + extra + ([str(first)] if first.exists() else [])


def open_lesson(out: Path, replace: bool = False, jupyter_args: list[str] | None = None) -> int:
    """Build the student edition into ``out/student`` and run JupyterLab there until it stops.

    On Unix, JupyterLab replaces the running process; elsewhere this returns its exit status.
    Returns 2 if nothing could be built.
    """
    from .editions import build_editions

    sources = default_lessons()
    if not sources:
        print("lessonkit lesson: no lessons found in notebooks/ and none installed", file=sys.stderr)
        return 2
    try:
        placed = build_editions(sources, out, editions=("student",), run_teacher=False, replace=replace)
    except OSError as e:
        print(f"lessonkit lesson: could not write the lessons in {out}: {e}", file=sys.stderr)
        return 2
    for where in placed:  # only what the student needs to know: a new version, or a backup
        if where.news:
            print(where)
    command = jupyter_command(out / "student", jupyter_args)
    env = student_lab_environment()
    print(" ".join(command), flush=True)
    sys.stderr.flush()
    if os.name == "posix":  # JupyterLab takes this process's place: signals (Ctrl+C, kill) reach it
        os.execve(command[0], command, env)
    try:  # elsewhere JupyterLab runs as a child until it stops
        return subprocess.call(command, env=env)
    except KeyboardInterrupt:  # Ctrl+C stops JupyterLab; that is the normal way out
        return 0
