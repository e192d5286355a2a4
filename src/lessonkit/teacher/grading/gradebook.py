"""The gradebook of a run: one row per submission, named, with the run's notes, written out.

Rows are made here from the results (the student's name is decided seeing every file, see
:mod:`lessonkit.teacher.grading.identity`); :mod:`lessonkit.teacher.grading.report` writes
them as ``gradebook.csv``, ``feedback/<student>.md``, ``report.html`` and ``run-notes.txt``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import report
from .identity import Namer
from .result import Result
from .submissions import Loaded

if TYPE_CHECKING:
    from .run import Settings


def rows_of(loaded: list[Loaded], results: list[Result], digests: list[str], namer: Namer,
            lesson: str) -> list[report.Row]:
    """One row per submission, sorted and named (see report.unique_students)."""
    rows = []
    for item, result, digest in zip(loaded, results, digests):
        sub = item.sub
        student, naming = namer.name(sub, result.student if sub.kind == "record" else None, lesson)
        rows.append(report.Row(student=student, file=sub.label, kind=sub.kind, graded=result.graded,
                               scores=result.scores, verdicts=result.verdicts,  # shared, never changed
                               problems=[*naming, *result.problems], digest=digest, answers=result.answers,
                               written=result.written))
    return report.unique_students(rows)


def run_notes(settings: Settings, lesson_note: str, rows: list[report.Row]) -> list[str]:
    """What the run notes say: what was graded, how, and what protected the teacher."""
    notes = [f"Graded {lesson_note}; answer key version {settings.version}.",
             f"{len(rows)} submissions: {sum(r.kind == 'notebook' for r in rows)} notebooks, "
             f"{sum(r.kind == 'record' for r in rows)} learning records, "
             f"{sum(r.kind == 'other' for r in rows)} other files.",
             "Every answer was re-checked with the answer key; the status a submission claims was ignored."]
    if settings.has_notebooks:
        notes.append("Notebooks checked nothing themselves: each answer was recorded by its cell and checked "
                     "here with the key; only answers from an exercise's own, changed cell counted.")
        if not settings.source_found:
            notes.append(f"The source of lesson {settings.key.lesson} was not found: an exercise cell counted as its "
                         "stub only where its check() directly follows 'name = ...'.")
        limits = settings.limits
        notes.append(settings.sandbox.describe(limits.timeout, limits.memory_mb, limits.notebook_timeout))
    return notes


def write(out: Path, settings: Settings, lesson_note: str, loaded: list[Loaded], results: list[Result],
          digests: list[str], namer: Namer, more_notes: Sequence[str] = ()) -> list[report.Row]:
    """Write every output file of the run into out (the gradebook last); return the rows.
    more_notes are added to the run notes (archives found, say)."""
    rows = rows_of(loaded, results, digests, namer, settings.key.lesson)
    report.write_all(out, settings.key.lesson, settings.key.exercises, rows,
                     [*run_notes(settings, lesson_note, rows), *more_notes])
    return rows
