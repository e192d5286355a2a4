"""Grading one file: a learning record (read and re-checked) or a notebook (run, then checked).

Every answer is checked with the teacher's key; the status a submission claims is never
trusted. A notebook runs in a kernel where check() only records answers and no key is
importable; an answer counts only if the exercise's own cell produced it and that cell is not
the student edition's stub (:mod:`lessonkit.teacher.grading.attribution`). Nothing a
submission holds can raise past its own result.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import sandbox as sb
from .key import Key
from .reading import parse_json, read_notebook
from .result import Result
from .scoring import score_attempts
from .submissions import lesson_of


@dataclass(frozen=True)
class NotebookTask:
    """What a worker needs to grade one notebook (everything but the bytes is the run's)."""

    lesson: str
    data: bytes | None
    why: str
    sandbox: sb.Sandbox
    limits: sb.Limits
    hide: tuple[str, ...] = ()
    parent: Path | None = None
    stubs: dict[str, str] | None = None  # the student edition's exercise cells (see cells.student_stubs)


def grade_record(key: Key, data: bytes | None, why: str, record: dict | None = None) -> Result:
    """The result of one learning record (content only; the student id is decided later).

    record is the record's parsed JSON, when the caller has it (it is then not parsed again)."""
    from ..._record import FORMAT

    if record is None:
        if data is None:
            return Result.ungraded(why)
        record, why = parse_json(data, "learning record")
        if why:
            return Result.ungraded(why)
    if not isinstance(record, dict) or record.get("format") != FORMAT or not isinstance(record.get("attempts"), list):
        return Result.ungraded(f"not a lessonkit learning record (no \"format\": \"{FORMAT}\" with a list of attempts)")
    student = record.get("student")
    student = student[:1000] if isinstance(student, str) and student.strip() else None
    lesson = lesson_of("record", record)
    if lesson != key.lesson:
        return Result(graded=False, problems=(f"a record of lesson {lesson!r}, not {key.lesson!r}",), student=student)
    with key.budget() as limits:  # checking is the grader's own work: bounded per record
        scored = score_attempts(key, record["attempts"])
    return Result(graded=True, scores=scored.scores, verdicts=scored.verdicts, answers=scored.answers,
                  problems=(*scored.problems, *limits.notes), student=student, written=scored.written,
                  cacheable=not limits.timed_out)


def grade_record_safely(key: Key, data: bytes | None, why: str, record: dict | None = None) -> Result:
    """grade_record, with anything it raises turned into this record's result."""
    try:
        return grade_record(key, data, why, record)
    except RecursionError:
        return Result.ungraded("not graded: the record is nested too deeply")
    except Exception as e:  # a grader bug must cost one row, not the class
        return Result.ungraded(f"not graded: the grader failed on this record ({type(e).__name__})", cacheable=False)


def grade_notebook(task: NotebookTask, runner: object | None = None, next_one: bool = False,
                   key: Key | None = None) -> Result:
    """The result of one notebook: run it in a sandboxed kernel, check the answers it recorded.

    runner is a :class:`lessonkit.teacher.grading.kernel.Runner` (a worker keeps one, so the
    next kernel starts while this notebook runs; next_one says whether there may be a next
    notebook); without one, a kernel is started for this notebook alone. key is the lesson's
    key, if already loaded. The kernel checks
    nothing (no key is importable there): it records each answer as an output of the cell
    that produced it, and the verdicts are decided here, with the key.
    """
    from . import kernel
    from .attribution import notebook_attempts, static_notes

    try:
        key = key or Key(task.lesson)
        nb, why = read_notebook(task.data, task.why)
        if nb is None:
            return Result.ungraded(why)
        lesson = lesson_of("notebook", nb)
        notes = []
        if lesson is None:
            notes.append(f"the notebook has no lessonkit metadata (not a student edition?); run as lesson {key.lesson}")
        elif lesson != key.lesson:
            return Result.ungraded(f"a notebook of lesson {lesson!r}, not {key.lesson!r}; not run")
        edition = nb.metadata.get("lessonkit", {}).get("edition") if isinstance(
            nb.metadata.get("lessonkit"), dict) else None
        if edition not in (None, "student", "nbgrader"):  # nbgrader releases its edition to students
            notes.append(f"this is the {edition!r} edition, not the student edition")
        notes += static_notes(nb, list(key.exercises))
        if isinstance(runner, kernel.Runner):
            outcome = runner.run(nb, next_one=next_one)
        else:
            outcome = kernel.run_notebook(nb, key.lesson, task.sandbox, task.limits, list(task.hide), task.parent)
        if not outcome.started:
            return Result.ungraded("not graded: the notebook did not run: " + "; ".join(outcome.notes),
                                   cacheable=False)
        notes += outcome.notes
        if outcome.output_bytes > kernel.OUTPUT_NOTE_BYTES:
            notes.append(f"the notebook printed {outcome.output_bytes / 1e6:.0f} MB of output (discarded)")
        if outcome.output_cut:
            notes.append(outcome.output_cut)
        if outcome.forged:
            notes.append(f"{outcome.forged} answer(s) shown in exercise cells did not come from the cell's own call "
                         "of check() (sent by other code, a thread or a replaced check()); none of them counted")
        if outcome.replaced:
            notes.append(f"the notebook replaced {', '.join(outcome.replaced)} (seen as its exercise cells ran); "
                         "the exercise cells' own answers were recorded by the grader's check()")
        if not outcome.answers:
            notes.append("the notebook recorded no answers (no check() ran)")
        attempts, attribution = notebook_attempts(nb, outcome.answers, list(key.exercises), task.stubs)
        with key.budget() as limits:
            scored = score_attempts(key, attempts)
        return Result(graded=True, scores=scored.scores, verdicts=scored.verdicts, answers=scored.answers,
                      problems=(*notes, *attribution, *scored.problems, *limits.notes), written=scored.written,
                      cacheable=not limits.timed_out)
    except Exception as e:  # a grader bug must cost one row, not the class
        return Result.ungraded(f"not graded: the grader failed ({type(e).__name__}: {str(e)[:160]})",
                               cacheable=False)
