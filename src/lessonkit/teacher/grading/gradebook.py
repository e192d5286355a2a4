"""The gradebooks of a run: one row per student per lesson, named once, with the run's notes.

Rows are made here from the results. A student is a folder: every file in one student's
folder (see :mod:`lessonkit.teacher.grading.identity`) is that student's work, named once
for all lessons, and a lesson's files there become one row (:func:`report.merge`). Loose
files (in no student's folder) are named one by one and grouped by name
(:func:`report.unique_students`). :mod:`lessonkit.teacher.grading.report` writes each lesson's
``<lesson>/gradebook.csv``, ``feedback/<student>.md``, ``report.html`` and ``run-notes.txt``,
and the overview ``gradebook.csv`` with one row per student and one column per lesson.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from . import report
from .identity import FolderName, Namer, Owner, comparable, folder_names
from .result import Result
from .run_settings import Settings
from .submissions import Loaded


class Students:
    """Who each file of a run belongs to: a student's folder (named once) or a loose file."""

    def __init__(self, namer: Namer, loaded: list[Loaded], lessons: list[str | None]) -> None:
        self.namer = namer
        self.owners: dict[int, Owner] = {}
        folders: dict[tuple[str, ...], Owner] = {}
        declared: dict[tuple[str, ...], list[tuple[str, str]]] = {}
        for i, (item, lesson) in enumerate(zip(loaded, lessons)):
            owner = namer.owner(item.sub, lesson)
            if owner is None:
                continue
            self.owners[i] = owner
            folders.setdefault(owner.folder, owner)
            if item.sub.kind in ("record", "profile") and isinstance(item.student, str):
                declared.setdefault(owner.folder, []).append((item.student[:1000], item.sub.kind))
        self.names: dict[tuple[str, ...], FolderName] = folder_names(declared, folders)

    def in_folder(self, i: int) -> bool:
        """Whether file i lies in a student's folder."""
        return i in self.owners


def lesson_rows(students: Students, indices: list[int], loaded: list[Loaded], results: dict[int, Result],
                lesson: str) -> list[report.Row]:
    """One row per student for one lesson's files (indices into loaded), sorted by name."""
    by_folder: dict[tuple[str, ...], list[report.Row]] = {}
    loose: list[report.Row] = []
    for i in indices:
        item, result = loaded[i], results[i]
        sub = item.sub
        digest = "" if item.blank else item.digest
        row = report.Row(student="", file=sub.label, kind=sub.kind, graded=result.graded, scores=result.scores,
                         verdicts=result.verdicts, problems=list(result.problems), digest=digest,
                         answers=result.answers, written=result.written, digests=(digest,) if digest else ())
        owner = students.owners.get(i)
        if owner is None:
            name, naming = students.namer.name(sub, result.student if sub.kind == "record" else None, lesson)
            loose.append(replace(row, student=name, problems=[*naming, *row.problems]))
        else:
            by_folder.setdefault(owner.folder, []).append(row)
    rows = report.unique_students(loose)
    for folder, files in by_folder.items():
        decided = students.names[folder]
        row = report.merge(files)
        rows.append(replace(row, student=decided.name, folder=decided.folder, who=("folder", folder),
                            problems=[*decided.problems, *row.problems]))
    return sorted(rows, key=lambda r: (comparable(r.student), r.student, r.folder, r.file))


def lesson_notes(settings: Settings, lesson_note: str, rows: list[report.Row]) -> list[str]:
    """What a lesson's run notes say: what was graded, how, and what protected the teacher."""
    files = [kind for r in rows for kind in ([r.kind] if r.files == 1 else r.file.split(" + "))]
    notebooks = sum(f == "notebook" or f.endswith(".ipynb") for f in files)
    notes = [f"Graded {lesson_note}; answer key version {settings.version}.",
             f"{report.counts(rows)}: {notebooks} notebooks, {len(files) - notebooks} learning records or other files.",
             "Every answer was re-checked with the answer key; the status a submission claims was ignored.",
             "A student who handed in several files of this lesson (a notebook and a record) has one row: "
             "each exercise counts the best of them, and the credit column says which file gave it."]
    if settings.has_notebooks:
        notes.append("Notebooks checked nothing themselves: each answer was recorded by its cell and checked "
                     "here with the key; only answers from an exercise's own, changed cell counted.")
        if not settings.source_found:
            notes.append(f"The source of lesson {settings.key.lesson} was not found: an exercise cell counted as its "
                         "stub only where its check() directly follows 'name = ...'.")
        limits = settings.limits
        notes.append(settings.sandbox.describe(limits.timeout, limits.memory_mb, limits.notebook_timeout))
    return notes


def write_lesson(out: Path, settings: Settings, lesson_note: str, rows: list[report.Row]) -> None:
    """Write one lesson's files into out/<lesson>/ (its gradebook last)."""
    lesson = settings.key.lesson
    report.write_all(out, lesson, settings.key.exercises, rows, lesson_notes(settings, lesson_note, rows))


def write_overview(out: Path, graded: list[tuple[Settings, list[report.Row]]], notes: list[str]) -> None:
    """Write the run's notes and the overview gradebook (last) into out."""
    from ..written import is_recorded
    from . import outdir
    from .sanitize import clean

    lessons = [(s.key.lesson, sum(not is_recorded(x) for x in s.key.exercises.values())) for s, _ in graded]
    by_lesson = {s.key.lesson: {r.who: r for r in rows} for s, rows in graded}
    seen: dict[object, tuple[object, str, str]] = {}
    for _, rows in graded:
        for r in rows:
            seen.setdefault(r.who, (r.who, r.student, r.folder))
    students = sorted(seen.values(), key=lambda s: (comparable(s[1]), s[1], s[2]))
    with outdir.OutFolder.open(out) as root:  # nothing in out is followed
        root.write("run-notes.txt", "\n".join(clean(n, 4000) for n in notes) + "\n", sync=True)
        root.write("gradebook.csv", report.overview_csv(lessons, students, by_lesson), sync=True)  # last
