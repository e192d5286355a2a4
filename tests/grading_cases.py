"""Builders of submissions for tests/test_grading.py: right, wrong, broken and hostile.

Notebooks are made from the student edition of tests/sample/sample.md by filling its stubs
(``year = ...`` becomes ``year = 2025``); right answers come from the teacher's key, so the
builders follow the data package as it changes.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import nbformat

LESSON = "sample"
_CHECK = re.compile(r"""check\(\s*["'](sample\.[\w-]+)["']\s*,\s*(\w+)\s*\)""")


def right_answers() -> dict[str, str]:
    """Python source of a right answer to each exercise of the sample lesson."""
    from lessonkit._exercises import exercises

    ex = exercises(LESSON)
    return {
        "sample.year": repr(int(ex["sample.year"].expected())),
        "sample.missiles": repr(ex["sample.missiles"].expected()),
        "sample.venue": repr("Lancaster House"),
        "sample.kind": repr("b"),
        "sample.attended": repr(["a", "c"]),
        "sample.order": repr(ex["sample.order"].expected()),
        "sample.roles": repr(ex["sample.roles"].expected()),
        "sample.states": repr(ex["sample.states"].expected()),
    }


WRONG = {"sample.year": "2024", "sample.venue": repr("Buckingham Palace"), "sample.kind": repr("a"),
         "sample.states": "1"}


def read(edition: Path) -> nbformat.NotebookNode:
    """The student edition as a notebook."""
    return nbformat.read(str(edition), as_version=4)


def exercise_cell(nb, exercise_id: str) -> int:
    """Index of the cell that checks exercise_id."""
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and any(m.group(1) == exercise_id for m in _CHECK.finditer(cell.source)):
            return i
    raise KeyError(exercise_id)


def fill(nb, answers: dict[str, str]):
    """A copy of nb with each answered exercise's stub ``var = ...`` replaced by ``var = answer``."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for m in _CHECK.finditer(cell.source):
            eid, var = m.group(1), m.group(2)
            if eid in answers:
                cell.source = re.sub(rf"(?m)^{var} = \.\.\.$", f"{var} = {answers[eid]}", cell.source)
    return nb


def insert_before(nb, exercise_id: str, code: str):
    """A copy of nb with a code cell inserted just before the cell checking exercise_id."""
    nb = copy.deepcopy(nb)
    nb.cells.insert(exercise_cell(nb, exercise_id), nbformat.v4.new_code_cell(code))
    return nb


def write(nb, path: Path) -> Path:
    """Write a notebook (cell ids made fresh and unique, as JupyterLab does)."""
    nb = copy.deepcopy(nb)
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i}"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(nbformat.writes(nb), encoding="utf-8")
    return path


def record(student: str, attempts: list[tuple[str, object, str]], lesson: str = LESSON) -> str:
    """A learning record's text with (exercise, answer, claimed status) attempts."""
    from lessonkit._answers import to_json

    return json.dumps({"format": "lessonkit-record/1", "lesson": lesson, "student": student,
                       "attempts": [{"time": "2025-03-02T12:00:00+00:00", "exercise": e, "answer": to_json(a),
                                     "status": s} for e, a, s in attempts]}, indent=1)


# Hostile cells. Each is inserted before the cell of sample.venue, after year and missiles
# were answered, so a row can show that what ran before counted and what came after did not
# (or did, when the kernel survived).
INFINITE_LOOP = "while True:\n    pass"
SIGINT_PROOF_LOOP = "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass"
SYS_EXIT = "import sys\nsys.exit(3)"
OS_EXIT = "import os\nos._exit(0)"
KILL_SELF = "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"
HUGE_OUTPUT = "for _ in range(40):\n    print('x' * 1_000_000)"
MEMORY_HOG = "hog = bytearray(8 * 1024 ** 3)"
REDEFINE_CHECK = '''\
from lessonkit import _record
from lessonkit._answers import to_json

def check(exercise_id, answer):
    """Claims every answer is correct and saves it as such."""
    _record.append(exercise_id.split(".")[0], {"exercise": exercise_id, "answer": to_json(answer),
                                               "status": "correct"})
    print("Correct!")
'''


def destroyer(targets: list[Path], folders: list[Path]) -> str:
    """A cell that tries to overwrite files and delete folders by absolute path."""
    return f'''\
import os, shutil
report = []
for target in {[str(t) for t in targets]!r}:
    try:
        with open(target, "w") as f:
            f.write("destroyed by a student")
        report.append("wrote " + target)
    except OSError as e:
        report.append(f"{{target}}: {{e}}")
    try:
        os.remove(target)
    except OSError as e:
        report.append(f"{{target}}: {{e}}")
for folder in {[str(f) for f in folders]!r}:
    shutil.rmtree(folder, ignore_errors=True)
print(report)
raise PermissionError("; ".join(report)[:300])
'''


# Hostile cells against the verdict: none may gain a mark the student did not earn in the
# exercise's own cell.
USER_NS_CHECK = '''\
_real = check
get_ipython().user_ns["check"] = lambda e, a: _real(e, ANSWERS.get(e, a))
ANSWERS = @ANSWERS@
'''
# Right-hand sides for the stub of sample.venue (``venue = ...``)
VERDICT_ORACLE = ('next((c for c in ["Buckingham Palace", "Lancaster House", "Downing Street"] '
                  'if check("sample.venue", c).status == "correct"), "none")')
KEY_ORACLE = ('next(c for c in ["Buckingham Palace", "Lancaster House"] if '
              '__import__("lessonkit._keys", fromlist=["key_for"]).key_for("sample")["sample.venue"]'
              '.evaluate(c).status == "correct")')
FORGED_ANSWER = '''\
from IPython.display import display
display({"application/vnd.lessonkit.answer+json": {"exercise": "sample.venue", "answer": "Lancaster House"}},
        raw=True)
'''


def user_ns_check(answers: dict[str, str]) -> str:
    """A cell that replaces check() through the kernel's namespace with one that swaps in answers."""
    return USER_NS_CHECK.replace("@ANSWERS@", "{" + ", ".join(f"{k!r}: {v}" for k, v in answers.items()) + "}")


def hostile_exception(name: str, message: str) -> str:
    """A cell raising an exception whose class name and message are the given strings."""
    return f"raise type({name!r}, (Exception,), {{}})({message!r})"


WIDGET_FLOOD = '''\
from comm import create_comm
flood = create_comm(target_name="flood")
for i in range(100_000):
    flood.send({"state": {f"k{i}": "x" * 2000}})
'''


def touched(nb, line: str = "pass  # done, honestly"):
    """A copy of nb with a line added at the top of every exercise cell (the stubs stay)."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "code" and _CHECK.search(cell.source):
            cell.source = f"{line}\n{cell.source}"
    return nb
