"""``lessonkit grade``: grade learning records and notebooks into a gradebook.

Every answer is checked with the teacher's answer key; the ``status`` a submission claims is
never trusted. A notebook is run first (see :mod:`lessonkit.teacher.sandbox`) in a kernel
where check() only records answers and no key is importable; an answer counts only if the
exercise's own cell produced it and that cell is not the student edition's stub (see
:func:`notebook_attempts`). One exercise scores 1 when the last answered attempt at it is
correct, else 0: a later "not attempted" placeholder never erases an answer
(:mod:`lessonkit.teacher.attempts`). Nothing a submission holds can raise past its own row.

Outputs, each written atomically (a temporary file, then one rename): ``gradebook.csv``,
``feedback/<student>.md``, ``report.html`` and ``run-notes.txt``. Each graded submission
is cached in ``.cache/`` under the hash of its bytes, the key's version and the limits, so
a second run is quick and gives the same files, and an interrupted run resumes.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._errors import LessonkitError, UsageError
from .identity import Namer

MAX_FILE_BYTES = 20_000_000
CACHE_FORMAT = "lessonkit-grade-cache/1"
_CHECK_CALL = re.compile(r"""\bcheck\(\s*(['"])([a-z][a-z0-9_]*\.[a-z0-9][a-z0-9_-]*)\1""")
_REDEFINES = re.compile(r"^\s*(def\s+check\s*\(|check\s*=[^=]|import\s+.*\bas\s+check\b|"
                        r"from\s+(?!lessonkit\s).*\bimport\b.*\bcheck\b)|lessonkit\._|\b_record\b|\bget_exercise\b|"
                        r"\buser_ns\b|vnd\.lessonkit",
                        re.MULTILINE)
CLAIMS_PASSED = {"correct", "passed", "pass", "ok", "right", "true", "1", "yes"}


@dataclass(frozen=True)
class Submission:
    """One file to grade."""

    path: Path
    label: str  # the path shown in the gradebook: relative to the folder it was found in
    kind: str   # 'notebook', 'record' or 'other'
    folders: tuple[str, ...] = ()  # the folders of the absolute path (they may name the student)
    own: int = 0  # how many of the last folders lie inside the folder searched (or were typed)


# ----------------------------------------------------------------------------- finding files

def discover(paths: list[str], out: Path) -> list[Submission]:
    """The submissions named by paths: files as given, folders searched for .ipynb and .json.

    Hidden folders, ``.ipynb_checkpoints`` and the output folder are skipped. Raises
    UsageError for a path that does not exist or when nothing is found.
    """
    out = out.resolve()
    found: dict[Path, Submission] = {}
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise UsageError(f"no such file or folder: {raw}")
        if path.is_file():
            kind = {".ipynb": "notebook", ".json": "record"}.get(path.suffix.lower(), "other")
            typed = [p for p in path.parent.parts if p not in (".", "..", path.anchor)]
            folders = path.resolve().parent.parts[1:]
            found.setdefault(path.resolve(), Submission(path, path.name, kind, folders, min(len(typed), len(folders))))
            continue
        base = path.resolve()
        for dirpath, dirnames, filenames in os.walk(base):
            here = Path(dirpath)
            dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and (here / d).resolve() != out)
            for name in sorted(filenames):
                suffix = Path(name).suffix.lower()
                if name.startswith(".") or suffix not in (".ipynb", ".json"):
                    continue
                file = here / name
                inside = file.relative_to(base).parent.parts
                label = (Path(base.name) / file.relative_to(base)).as_posix()
                found.setdefault(file.resolve(), Submission(file, label, "notebook" if suffix == ".ipynb" else "record",
                                                            (*base.parts[1:], *inside), len(inside)))
    if not found:
        raise UsageError(f"no .ipynb notebooks or .json learning records found in {', '.join(paths)}")
    return sorted(found.values(), key=lambda s: (s.label, str(s.path)))


def read_bytes(path: Path) -> tuple[bytes | None, str]:
    """The bytes of a submission, or None and why it cannot be read (regular files only,
    with a size and a time limit; see :mod:`lessonkit.teacher.submission_io`)."""
    from .submission_io import read_submission

    return read_submission(path, MAX_FILE_BYTES)


def parse_json(data: bytes, what: str) -> tuple[Any, str]:
    """Parsed JSON, or None and a sentence saying why it is not valid."""
    if not data.strip():
        return None, "the file is empty"
    try:
        return json.loads(data.decode("utf-8")), ""
    except UnicodeDecodeError:
        return None, f"not a {what}: the file is not UTF-8 text"
    except json.JSONDecodeError as e:
        return None, f"not a {what}: invalid JSON at line {e.lineno}, column {e.colno} ({e.msg})"
    except RecursionError:
        return None, f"not a {what}: the JSON is nested too deeply"
    except ValueError as e:  # e.g. a number of more digits than Python converts
        return None, f"not a {what}: the JSON cannot be read ({' '.join(str(e).split())[:80]})"
    except MemoryError:
        return None, f"not a {what}: the JSON is too large to read"


def lesson_of(kind: str, data: Any) -> str | None:
    """The lesson a parsed record or notebook says it belongs to."""
    if not isinstance(data, dict):
        return None
    if kind == "record":
        value = data.get("lesson")
    else:
        meta = data.get("metadata", {})
        value = meta.get("lessonkit", {}).get("lesson") if isinstance(meta, dict) and isinstance(
            meta.get("lessonkit"), dict) else None
    return value if isinstance(value, str) and value else None


# ----------------------------------------------------------------------------- the key

def key_version(lesson: str) -> str:
    """A hash of everything a verdict depends on (see :mod:`lessonkit.teacher.key_version`)."""
    from .key_version import key_version as version

    return version(lesson)


class Key:
    """The teacher's answer key of one lesson, with verdicts remembered per answer."""

    def __init__(self, lesson: str) -> None:
        from .._exercises import exercises

        self.lesson = lesson
        try:
            self.exercises = exercises(lesson)
        except LessonkitError:
            raise
        except Exception as e:  # the key module itself is broken
            raise UsageError(f"the answer key of lesson {lesson} cannot be loaded "
                             f"({type(e).__name__}: {e})") from None
        self._memo: dict[tuple[str, str], tuple[str, str]] = {}
        for exercise in self.exercises.values():  # a broken data package must stop the run, not fail everyone
            try:
                exercise.expected()
            except Exception as e:
                raise UsageError(f"the answer key of {exercise.id} cannot be computed "
                                 f"({type(e).__name__}: {e}); is the data package complete?") from None

    def verdict(self, exercise_id: str, answer_json: Any) -> tuple[str, str]:
        """(status, message) of the teacher's checker for an answer in its record form."""
        from .._answers import from_json
        from .._feedback import INVALID

        try:
            memo = (exercise_id, json.dumps(answer_json, sort_keys=True, default=repr))
        except (TypeError, ValueError, RecursionError):
            memo = None
        if memo in self._memo:
            return self._memo[memo]
        try:
            answer = from_json(answer_json)
        except Exception:  # the record holds something no check() wrote
            result = (INVALID, "the saved answer could not be read back.")
        else:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    v = self.exercises[exercise_id].evaluate(answer)
                result = (v.status, v.message)
            except Exception:  # an answer of a shape no checker expects
                result = (INVALID, "the saved answer could not be checked (not in a form this exercise takes).")
        if memo is not None:
            self._memo[memo] = result
        return result


def score_attempts(key: Key, attempts: Any) -> dict:
    """Scores, verdicts and problems for a list of attempts, re-checked with the key.

    The last answered attempt at each exercise counts (see :mod:`lessonkit.teacher.attempts`).
    ``answers`` holds a fingerprint of each counted answer, to spot identical submissions.
    Attempts not in lessonkit's form (an id that is not a known exercise's string, no answer)
    are counted as ignored, never raised on; a claimed status is read only if it is text, a boolean, 0 or 1.
    """
    from .._feedback import CORRECT, NOT_ATTEMPTED
    from .attempts import answer_digest, counted_attempt

    problems: list[str] = []
    tries: dict[str, list[dict]] = {}
    ignored = 0
    for attempt in attempts if isinstance(attempts, list) else []:
        if isinstance(attempt, dict) and isinstance(attempt.get("exercise"), str) \
                and attempt["exercise"] in key.exercises and "answer" in attempt:
            tries.setdefault(attempt["exercise"], []).append(attempt)
        else:
            ignored += 1
    scores, verdicts, answers, overclaimed = {}, {}, {}, []
    for eid in key.exercises:
        counted = counted_attempt(tries.get(eid, []),
                                  lambda a, eid=eid: key.verdict(eid, a["answer"])[0] != NOT_ATTEMPTED)
        if counted is None:
            verdicts[eid] = [NOT_ATTEMPTED, "no answer was checked."]
            scores[eid] = 0
            continue
        status, message = key.verdict(eid, counted["answer"])
        verdicts[eid] = [status, message]
        scores[eid] = int(status == CORRECT)
        if status != NOT_ATTEMPTED:
            answers[eid] = answer_digest(counted["answer"])
        claimed = counted.get("status")
        claimed = (claimed.strip().lower()[:20] if isinstance(claimed, str)
                   else str(claimed).lower() if isinstance(claimed, bool) or claimed in (0, 1) else "")
        if claimed in CLAIMS_PASSED and status != CORRECT:
            overclaimed.append(eid)
    if overclaimed:
        problems.append(f"the record claims {len(overclaimed)} answer(s) correct that the key rejects "
                        f"({', '.join(overclaimed)}): edited? Scored by the key")
    if ignored:
        problems.append(f"{ignored} attempt(s) for other lessons or not in lessonkit's form were ignored")
    return {"scores": scores, "verdicts": verdicts, "answers": answers, "problems": problems}


# ----------------------------------------------------------------------------- grading one file

def _ungraded(problem: str, cacheable: bool = True) -> dict:
    return {"graded": False, "scores": {}, "verdicts": {}, "problems": [problem], "cacheable": cacheable}


def grade_record(key: Key, data: bytes | None, why: str) -> dict:
    """The result of one learning record (content only; the student id is added later)."""
    from .._record import FORMAT

    if data is None:
        return _ungraded(why)
    record, why = parse_json(data, "learning record")
    if why:
        return _ungraded(why)
    if not isinstance(record, dict) or record.get("format") != FORMAT or not isinstance(record.get("attempts"), list):
        return _ungraded(f"not a lessonkit learning record (no \"format\": \"{FORMAT}\" with a list of attempts)")
    lesson = lesson_of("record", record)
    if lesson != key.lesson:
        result = _ungraded(f"a record of lesson {lesson!r}, not {key.lesson!r}")
    else:
        result = {"graded": True, **score_attempts(key, record["attempts"]), "cacheable": True}
    student = record.get("student")
    if isinstance(student, str) and student.strip():
        result["student"] = student[:1000]
    return result


def grade_record_safely(key: Key, data: bytes | None, why: str) -> dict:
    """grade_record, with anything it raises turned into this record's row."""
    try:
        return grade_record(key, data, why)
    except RecursionError:
        return _ungraded("not graded: the record is nested too deeply")
    except Exception as e:  # a grader bug must cost one row, not the class
        return _ungraded(f"not graded: the grader failed on this record ({type(e).__name__})", cacheable=False)


def static_notes(nb: dict, lesson: str, exercise_ids: list[str]) -> list[str]:
    """What reading the notebook's code shows: deleted, duplicated or redefined checks."""
    notes = []
    calls: dict[str, int] = {}
    redefined = False
    for cell in nb.get("cells", []):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        for eid in {m.group(2) for m in _CHECK_CALL.finditer(source)}:
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


def _read_notebook(data: bytes | None, why: str) -> tuple[dict | None, str]:
    import nbformat

    if data is None:
        return None, why
    raw, why = parse_json(data, "notebook")
    if why:
        return None, why
    if not isinstance(raw, dict) or "cells" not in raw or "nbformat" not in raw:
        return None, "not a notebook (no cells or nbformat version in the JSON)"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nb = nbformat.reads(json.dumps(raw), as_version=4)
            nbformat.validator.normalize(nb)
            nbformat.validate(nb)
    except Exception as e:
        text = " ".join(str(e).split())[:160]
        return None, f"not a valid notebook ({type(e).__name__}: {text})"
    return nb, ""


def notebook_attempts(nb: dict, answers: list[dict], exercise_ids: list[str],
                      stubs: dict[str, str] | None) -> tuple[list[dict], list[str]]:
    """The attempts that count among the answers a kernel recorded, and notes on the others.

    An answer counts only if the cell that produced it calls check() with that exercise's id
    in its source (the exercise's own cell), that cell is neither the student edition's stub
    (layout and comments aside) nor a cell whose check() can only have been given the stub's
    ``...``, and it recorded no more answers for the exercise than it has check() calls for it.
    Each answer is {"cell": index, "exercise": id, "answer": JSON text}.
    """
    from .exercise_cells import cell_source, checked_ids, normalize, passes_stub

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
    from .exercise_cells import CHECK_CALL, cell_source

    return sum(m.group(2) == exercise_id for m in CHECK_CALL.finditer(cell_source(cell)))


def grade_notebook(task: dict) -> dict:
    """The result of one notebook: run it in a sandboxed kernel, check the answers it recorded.

    Runs in a worker process; task holds the bytes, lesson, sandbox, limits and folders. The
    kernel checks nothing (no key is importable there): it records each answer as an output
    of the cell that produced it, and the verdicts are decided here, with the key.
    """
    from . import sandbox as sb
    from .exercise_cells import student_stubs

    try:
        key = Key(task["lesson"])
        nb, why = _read_notebook(task["data"], task["why"])
        if nb is None:
            return _ungraded(why)
        lesson = lesson_of("notebook", nb)
        notes = []
        if lesson is None:
            notes.append(f"the notebook has no lessonkit metadata (not a student edition?); run as lesson {key.lesson}")
        elif lesson != key.lesson:
            return _ungraded(f"a notebook of lesson {lesson!r}, not {key.lesson!r}; not run")
        edition = nb.metadata.get("lessonkit", {}).get("edition") if isinstance(
            nb.metadata.get("lessonkit"), dict) else None
        if edition not in (None, "student"):
            notes.append(f"this is the {edition!r} edition, not the student edition")
        notes += static_notes(nb, key.lesson, list(key.exercises))
        outcome = sb.run_notebook(nb, key.lesson, task["sandbox"], task["limits"], task["hide"], task["parent"])
        if not outcome.started:
            return _ungraded("not graded: the notebook did not run: " + "; ".join(outcome.notes), cacheable=False)
        notes += outcome.notes
        if outcome.output_bytes > sb.OUTPUT_NOTE_BYTES:
            notes.append(f"the notebook printed {outcome.output_bytes / 1e6:.0f} MB of output (discarded)")
        if outcome.output_cut:
            notes.append(outcome.output_cut)
        if not outcome.answers:
            notes.append("the notebook recorded no answers (no check() ran)")
        stubs = task["stubs"] if "stubs" in task else student_stubs(key.lesson)
        attempts, attribution = notebook_attempts(nb, outcome.answers, list(key.exercises), stubs)
        scored = score_attempts(key, attempts)
        return {"graded": True, "scores": scored["scores"], "verdicts": scored["verdicts"],
                "answers": scored["answers"], "problems": notes + attribution + scored["problems"],
                "cacheable": True}
    except Exception as e:  # a grader bug must cost one row, not the class
        return _ungraded(f"not graded: the grader failed ({type(e).__name__}: {str(e)[:160]})", cacheable=False)


# ----------------------------------------------------------------------------- the run

def _student_id(namer, sub: Submission, result: dict, lesson: str) -> tuple[str, list[str]]:
    """The student's name for a graded submission and any problem with it (see
    :mod:`lessonkit.teacher.identity`)."""
    return namer.name(sub, result.get("student") if sub.kind == "record" else None, lesson)


def _workers(requested: int) -> int:
    if requested:
        return requested
    return min(4, max(2, 2 * (os.cpu_count() or 1)))


def _worker_init() -> None:
    """Workers leave the terminal's process group: Ctrl-C reaches the main process only, which
    then stops them, so no worker can report a kernel it lost to Ctrl-C as a student's crash."""
    if hasattr(os, "setsid"):
        try:
            os.setsid()
        except OSError:
            pass


def _cache_name(digest: str, kind: str, settings: str) -> str:
    return f"{digest[:32]}-{kind}-{settings}.json"


def _validate(args) -> None:
    if not args.timeout or args.timeout <= 0:
        raise UsageError(f"--timeout must be a positive number of seconds, not {args.timeout}")
    if args.memory < 128:
        raise UsageError(f"--memory must be at least 128 (MB); got {args.memory}")
    if args.workers < 0:
        raise UsageError(f"--workers must be 0 (automatic) or more; got {args.workers}")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {args.out} is a file; give a folder")


def _choose_lesson(args, loaded: list[tuple[Submission, bytes | None, str, Any]], namer) -> tuple[str, str]:
    """The lesson to grade: --lesson, else the lesson the most STUDENTS handed in (not files:
    one student's many files of another lesson must not decide), and a note saying why."""
    from .._exercises import lesson_keys
    from .identity import comparable

    if args.lesson:
        if args.lesson not in lesson_keys():
            raise UsageError(f"no lesson {args.lesson!r}; lessons with exercises: {', '.join(lesson_keys())}")
        return args.lesson, f"lesson {args.lesson} (given with --lesson)"
    known = set(lesson_keys())
    students: dict[str, set[str]] = {}
    files: dict[str, int] = {}
    for sub, _, _, parsed in loaded:
        lesson = lesson_of(sub.kind, parsed)
        if lesson in known:
            claimed = parsed.get("student") if sub.kind == "record" else None
            students.setdefault(lesson, set()).add(comparable(namer.name(sub, claimed, lesson)[0]))
            files[lesson] = files.get(lesson, 0) + 1
    if not students:
        raise UsageError("cannot tell which lesson these submissions are for; give --lesson")
    ranked = sorted(students, key=lambda name: (-len(students[name]), name))
    if len(ranked) > 1 and len(students[ranked[0]]) == len(students[ranked[1]]):
        raise UsageError(f"as many students handed in lesson {ranked[0]!r} as {ranked[1]!r} "
                         f"({len(students[ranked[0]])} each); give --lesson")

    def handed_in(lesson: str) -> str:
        n = len(students[lesson])
        return f"{lesson} by {n} student{'s' * (n != 1)} in {files[lesson]} file{'s' * (files[lesson] != 1)}"

    others = "; other lessons found: " + ", ".join(handed_in(name) for name in ranked[1:]) if len(ranked) > 1 else ""
    return ranked[0], (f"lesson {ranked[0]} (chosen without --lesson as the lesson most students handed in: "
                       f"{handed_in(ranked[0])}{others})")


def main(args) -> int:
    """Grade the submissions named in args; 0 when grading finished, 2 on unusable arguments."""
    try:
        return _main(args)
    except UsageError as e:
        from .sanitize import clean

        print(f"lessonkit grade: {clean(e, 1000)}", file=sys.stderr)
        return 2


def _main(args) -> int:
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from multiprocessing import get_context

    from tqdm import tqdm

    from . import report
    from . import sandbox as sb
    from .exercise_cells import student_stubs

    started = time.monotonic()
    _validate(args)
    out = Path(args.out)
    subs = discover(list(args.submissions), out)
    namer = Namer(subs)
    loaded = []
    for sub in subs:
        data, why = read_bytes(sub.path)
        parsed = parse_json(data, sub.kind)[0] if data is not None and sub.kind != "other" else None
        loaded.append((sub, data, why, parsed))
    lesson, lesson_note = _choose_lesson(args, loaded, namer)
    if not args.lesson:
        print(f"lessonkit grade: grading {lesson_note}", file=sys.stderr)
    key = Key(lesson)
    try:
        (out / ".cache").mkdir(parents=True, exist_ok=True)
        (out / "feedback").mkdir(exist_ok=True)
    except OSError as e:
        raise UsageError(f"cannot write to --out {args.out} ({e.strerror or e})") from None

    version = key_version(lesson)
    has_notebooks = any(sub.kind == "notebook" for sub in subs)
    sandbox = sb.detect() if has_notebooks else sb.Sandbox("none", reason="no notebooks")
    limits = sb.Limits(timeout=float(args.timeout), memory_mb=int(args.memory),
                       notebook_timeout=float(args.timeout) * (len(key.exercises) + 2))
    run_parent = Path(tempfile.mkdtemp(prefix="lessonkit-grade-"))
    home = Path.home() if "HOME" in os.environ or os.name != "posix" else None
    roots = [Path(p).resolve() if Path(p).is_dir() else Path(p).resolve().parent for p in args.submissions]
    hide = sb.hideable([*roots, out.resolve(), run_parent, *([home] if home else [])])
    stubs = student_stubs(lesson) if has_notebooks else {}
    stubs_version = hashlib.sha256(json.dumps(stubs, sort_keys=True).encode()).hexdigest()[:12]
    settings = {"record": hashlib.sha256(f"{CACHE_FORMAT}|{lesson}|{version}".encode()).hexdigest()[:12],
                "notebook": hashlib.sha256(f"{CACHE_FORMAT}|{lesson}|{version}|{limits}|{sandbox.kind}|"
                                           f"{stubs_version}".encode()).hexdigest()[:12]}

    results: dict[int, dict] = {}
    digests: dict[int, str] = {}
    todo: list[int] = []
    from_cache = 0
    for i, (sub, data, why, _) in enumerate(loaded):
        digest = hashlib.sha256(data if data is not None else why.encode()).hexdigest()
        digests[i] = digest if data and data.strip() else ""
        cache_file = out / ".cache" / _cache_name(digest, sub.kind, settings.get(sub.kind, "other"))
        loaded[i] = (sub, data, why, cache_file)
        try:
            cached = json.loads(cache_file.read_text(encoding="utf-8"))
            if cached.get("format") == CACHE_FORMAT:
                results[i] = cached["result"]
                from_cache += 1
                continue
        except (OSError, ValueError, KeyError, AttributeError):
            pass
        todo.append(i)

    def keep(i: int, result: dict) -> None:
        results[i] = result
        if result.get("cacheable"):
            try:
                report.replace_text(loaded[i][3], json.dumps({"format": CACHE_FORMAT, "result": result}) + "\n")
            except (OSError, ValueError, TypeError):  # an uncached result is graded again next time
                pass

    bar = tqdm(total=len(subs), initial=from_cache, disable=args.no_progress, file=sys.stderr,
               unit="file", desc=f"grading {lesson}", dynamic_ncols=True)
    for i in todo:  # a notebook that is not valid needs no worker and no kernel
        sub, data, why, _ = loaded[i]
        if sub.kind == "notebook":
            nb, problem = _read_notebook(data, why)
            if nb is None:
                keep(i, _ungraded(problem))
    todo = [i for i in todo if i not in results]
    bar.update(len(results) - from_cache)
    notebooks = [i for i in todo if loaded[i][0].kind == "notebook"]
    pool = None
    interrupted = False
    try:
        futures = {}
        if notebooks:
            pool = ProcessPoolExecutor(max_workers=min(_workers(args.workers), len(notebooks)),
                                       mp_context=get_context("spawn"), initializer=_worker_init)
            for i in notebooks:
                sub, data, why, _ = loaded[i]
                task = {"lesson": lesson, "data": data, "why": why, "sandbox": sandbox, "limits": limits,
                        "hide": hide, "parent": run_parent, "stubs": stubs}
                futures[pool.submit(grade_notebook, task)] = i
        for i in todo:  # records and other files are quick: grade them while the kernels run
            sub, data, why, _ = loaded[i]
            if sub.kind == "record":
                keep(i, grade_record_safely(key, data, why))
            elif sub.kind == "other":
                keep(i, _ungraded("not a notebook (.ipynb) or a learning record (.json)"))
            else:
                continue
            bar.update()
        for future in as_completed(futures):
            i = futures[future]
            try:
                result = future.result()
            except Exception as e:  # the worker process itself died
                result = _ungraded(f"not graded: the grading worker failed ({type(e).__name__}); run again",
                                   cacheable=False)
            keep(i, result)
            bar.update()
    except KeyboardInterrupt:
        interrupted = True
        bar.close()
        print(f"lessonkit grade: interrupted; {len(results)} of {len(subs)} results are cached in "
              f"{out / '.cache'}; run the same command again to go on. No gradebook was written.",
              file=sys.stderr)
        return 130
    finally:
        if pool and interrupted:  # stop the workers now; bubblewrap's --die-with-parent ends their kernels
            for process in list(getattr(pool, "_processes", {}).values()):
                process.kill()
        if pool:
            pool.shutdown(wait=not interrupted, cancel_futures=True)
        bar.close()
        import shutil

        shutil.rmtree(run_parent, ignore_errors=True)

    rows = []
    for i, (sub, _, _, _) in enumerate(loaded):
        result = results[i]
        student, naming = _student_id(namer, sub, result, lesson)
        rows.append(report.Row(student=student, file=sub.label, kind=sub.kind,
                               graded=result["graded"], scores=result["scores"], verdicts=result["verdicts"],
                               problems=[*naming, *result["problems"]], digest=digests[i],
                               answers=dict(result.get("answers") or {})))
    rows = report.unique_students(rows)
    notes = [f"Graded {lesson_note}; answer key version {version}.",
             f"{len(rows)} submissions: {sum(r.kind == 'notebook' for r in rows)} notebooks, "
             f"{sum(r.kind == 'record' for r in rows)} learning records, "
             f"{sum(r.kind == 'other' for r in rows)} other files.",
             "Every answer was re-checked with the answer key; the status a submission claims was ignored."]
    if has_notebooks:
        notes.append("Notebooks checked nothing themselves: each answer was recorded by its cell and checked "
                     "here with the key; only answers from an exercise's own, changed cell counted.")
        if stubs is None:
            notes.append(f"The source of lesson {lesson} was not found: an exercise cell counted as its stub only "
                         "where its check() directly follows 'name = ...'.")
        notes.append(sandbox.describe(limits.timeout, limits.memory_mb, limits.notebook_timeout))
    report.write_all(out, key.lesson, key.exercises, rows, notes)
    graded = sum(r.graded for r in rows)
    problems = sum(bool(r.problems) for r in rows)
    print(f"lessonkit grade: {len(rows)} submissions ({graded} graded, {problems} with problems, "
          f"{from_cache} from the cache) in {time.monotonic() - started:.1f} s -> {out / 'gradebook.csv'}",
          file=sys.stderr)
    if has_notebooks and sandbox.kind != "bwrap":
        print(f"lessonkit grade: warning: {sandbox.describe(limits.timeout, limits.memory_mb, limits.notebook_timeout)}",
              file=sys.stderr)
    return 0
