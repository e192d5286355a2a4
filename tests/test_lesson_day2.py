"""``lessonkit lesson`` (what ``make lesson`` runs) on day two: quiet when nothing changed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from lessonkit.teacher.lesson import FIRST_LESSON


def _lesson(cwd: Path) -> subprocess.CompletedProcess:
    """Build the lessons and start JupyterLab with --version, which prints its version and stops."""
    return subprocess.run([sys.executable, "-m", "lessonkit", "lesson", "--out", "ed", "--", "--version"], cwd=cwd,
                          capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_day_two_with_the_same_lessons_writes_nothing_and_says_nothing(tmp_path):
    first = _lesson(tmp_path)
    assert first.returncode == 0, first.stderr
    student = tmp_path / "ed" / "student"
    mine = student / FIRST_LESSON
    nb = json.loads(mine.read_text(encoding="utf-8"))
    nb["cells"][0]["source"] = "my own notes"
    mine.write_text(json.dumps(nb), encoding="utf-8")
    before = sorted(p.name for p in student.iterdir())
    again = _lesson(tmp_path)
    assert again.returncode == 0, again.stderr
    assert mine.read_text(encoding="utf-8") == json.dumps(nb)
    assert sorted(p.name for p in student.iterdir()) == before
    said = [line for line in again.stdout.splitlines() if "jupyterlab" not in line and line.strip()]
    assert all(line[:1].isdigit() for line in said), said  # only JupyterLab's version number
    assert not again.stderr.strip() or "new version" not in again.stderr
