"""The public face of lessonkit is small, pinned, and cheap to import."""

import subprocess
import sys

import lessonkit

EXPECTED = ["load", "cite", "check", "progress", "prediction", "reveal", "say", "set_name", "Feedback", "LessonkitError",
            "DataError", "table_names"]


def test_all_is_pinned():
    assert lessonkit.__all__ == EXPECTED
    for name in EXPECTED:
        assert hasattr(lessonkit, name), name


def test_import_loads_neither_matplotlib_nor_ipywidgets_nor_teacher_tools():
    code = ("import sys, lessonkit; heavy = [m for m in ('matplotlib', 'ipywidgets', 'lessonkit.teacher', "
            "'nbclient', 'pandas') if m in sys.modules]; print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
