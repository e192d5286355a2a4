"""Which answers a notebook's run may count: only those its exercises' own cells recorded.

Reading the notebook's code also shows what a teacher should know: a deleted or duplicated
exercise cell, or a check() redefined (see :mod:`lessonkit.teacher.grading.cells`).
"""

from __future__ import annotations

import json
import re

from .cells import CHECK_CALL, cell_source, checked_ids, normalize, passes_stub

_REDEFINES = re.compile(r"^\s*(def\s+check\s*\(|check\s*=[^=]|import\s+.*\bas\s+check\b|"
                        r"from\s+(?!lessonkit\s).*\bimport\b.*\bcheck\b)|lessonkit\._|\b_record\b|\bget_exercise\b|"
                        r"\buser_ns\b|vnd\.lessonkit",
                        re.MULTILINE)


def static_notes(nb: dict, exercise_ids: list[str]) -> list[str]:
    """What reading the notebook's code shows: deleted, duplicated or redefined checks."""
    notes = []
    calls: dict[str, int] = {}
    redefined = False
    for cell in nb.get("cells", []):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell_source(cell)
        for eid in checked_ids(source):
            calls[eid] = calls.get(eid, 0) + 1
        redefined = redefined or bool(_REDEFINES.search(source))
    missing = [e for e in exercise_ids if e not in calls]
    if missing:
        notes.append(f"no cell checks {', '.join(missing)} (exercise cell deleted?)")
    doubled = [f"{e} ({calls[e]} cells)" for e in exercise_ids if calls.get(e, 0) > 1]
    if doubled:
        notes.append(f"exercise checked in more than one cell: {', '.join(doubled)}; the last answered attempt counts")
    if redefined:
        notes.append("the notebook redefines check() or reaches into lessonkit's internals; "
                     "only answers recorded by the exercises' own cells were checked, with the key")
    return notes


def notebook_attempts(nb: dict, answers: list[dict], exercise_ids: list[str],
                      stubs: dict[str, str] | None) -> tuple[list[dict], list[str]]:
    """The attempts that count among the answers a kernel recorded, and notes on the others.

    An answer counts only if the cell that produced it calls check() with that exercise's id
    in its source (the exercise's own cell), that cell is neither the student edition's stub
    (layout and comments aside) nor a cell whose check() can only have been given the stub's
    ``...``, and it recorded no more answers for the exercise than it has check() calls for it.
    Each answer is {"cell": index, "exercise": id, "answer": JSON text}.
    """
    cells = nb.get("cells", []) if isinstance(nb, dict) else []
    own: dict[int, set[str]] = {}
    stub_cells: set[tuple[int, str]] = set()  # (cell, exercise): the cell can only have checked ...
    for index, cell in enumerate(cells):
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            source = cell_source(cell)
            own[index] = checked_ids(source)
            code = normalize(source) if stubs else ""
            stub_cells |= {(index, e) for e in own[index]
                           if (stubs and stubs.get(e) == code) or passes_stub(source, e)}
    answers = [a for a in answers if isinstance(a, dict) and a.get("exercise") in exercise_ids
               and isinstance(a.get("cell"), int)]
    recorded: dict[tuple[int, str], int] = {}
    for answer in answers:
        where = (answer["cell"], answer["exercise"])
        recorded[where] = recorded.get(where, 0) + 1
    attempts: list[dict] = []
    elsewhere: set[str] = set()
    from_stub: set[str] = set()
    surplus: set[str] = set()
    for answer in answers:
        eid, index = answer["exercise"], answer["cell"]
        if eid not in own.get(index, set()):
            elsewhere.add(eid)
            continue
        if recorded[(index, eid)] > _calls(cells[index], eid):  # a loop, a thread or a replaced check()
            surplus.add(eid)
            continue
        try:
            value = json.loads(answer.get("answer", "null"))
        except (ValueError, RecursionError):
            continue
        if (index, eid) in stub_cells:
            if value != {"$type": "ellipsis"}:
                from_stub.add(eid)
            continue
        attempts.append({"exercise": eid, "answer": value})
    notes = []
    if elsewhere:
        notes.append(f"answers to {', '.join(sorted(elsewhere))} came from other cells than the exercise's own "
                     "and were not counted")
    if from_stub:
        notes.append(f"the unchanged exercise cell of {', '.join(sorted(from_stub))} recorded an answer "
                     "(check() replaced?); scored 0")
    if surplus:
        notes.append(f"the cell of {', '.join(sorted(surplus))} recorded more answers than it has check() calls "
                     "(a loop, a thread or a replaced check()?); none of them counted")
    return attempts, notes


def _calls(cell: dict, exercise_id: str) -> int:
    """How many times a cell's source calls check() with exercise_id."""
    return sum(m.group(2) == exercise_id for m in CHECK_CALL.finditer(cell_source(cell)))
