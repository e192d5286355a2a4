"""``lessonkit grade``: the run, from the command's arguments to the gradebooks.

Find and read the submissions (learning records are graded as they are read, with their
lesson's key, so a large class's files are never all in memory), then grade every lesson
found (or only --lesson): take what the cache holds, grade the rest (records here, notebooks
in the pool, one lesson after another), then write each lesson's gradebook and the overview
(:mod:`lessonkit.teacher.grading.gradebook`). Ctrl-C stops the run and keeps what is
cached, writing no gradebook; a second run goes on from there.
"""

from __future__ import annotations

import os
import sys
import time
from concurrent.futures import as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..._errors import UsageError
from .. import sandbox as sb
from .archives import archives_note, find_archives
from .cache import Cache, cache_folder
from .grade import NotebookTask, grade_record_safely
from .identity import Namer
from .key import Key, key_version, lessons
from .reading import looks_like_notebook, read_notebook
from .result import Result
from .run_settings import Settings
from .runfolder import RunFolder
from .submissions import Loaded, Submission, discover, lesson_of_name, lesson_stems, load_all


def main(args: Any) -> int:
    """Grade the submissions named in args; 0 when grading finished, 2 on unusable arguments,
    130 when interrupted."""
    try:
        return _main(args)
    except UsageError as e:
        from .sanitize import clean

        print(f"lessonkit grade: {clean(e, 1000)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # before grading began, or while the gradebook was written (it is written last)
        print("lessonkit grade: interrupted; no gradebook was written. What was graded is cached: run the same "
              "command again to go on.", file=sys.stderr)
        return 130


def _validate(args: Any) -> None:
    if not args.timeout or args.timeout <= 0:
        raise UsageError(f"--timeout must be a positive number of seconds, not {args.timeout}")
    if args.memory < 128:
        raise UsageError(f"--memory must be at least 128 (MB); got {args.memory}")
    if args.workers < 0:
        raise UsageError(f"--workers must be 0 (automatic) or more; got {args.workers}")
    if args.lesson and args.lesson not in lessons():
        raise UsageError(f"no lesson {args.lesson!r}; lessons with exercises: {', '.join(lessons())}")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {args.out} is a file; give a folder")
    from .outdir import refuse_inside_submissions

    refuse_inside_submissions(out, list(args.submissions))


@dataclass(frozen=True)
class Sandboxing:
    """How this run's notebooks are run: the sandbox and the folders kernels must not see."""

    sandbox: sb.Sandbox
    hide: tuple[str, ...]


def _sandboxing(args: Any, subs: list[Submission], out: Path, run_parent: Path) -> Sandboxing:
    if not any(sub.kind == "notebook" for sub in subs):
        return Sandboxing(sb.Sandbox("none", reason="no notebooks"), ())
    home = Path.home() if "HOME" in os.environ or os.name != "posix" else None
    roots = [Path(p).resolve() if Path(p).is_dir() else Path(p).resolve().parent for p in args.submissions]
    hide = sb.hideable([*roots, out.resolve(), run_parent, *([home] if home else [])])
    return Sandboxing(sb.detect(), tuple(hide))


def _settings(args: Any, key: Key, version: str, sandboxing: Sandboxing, has_notebooks: bool) -> Settings:
    from .cells import find_source

    sandbox = sandboxing.sandbox if has_notebooks else sb.Sandbox("none", reason="no notebooks")
    limits = sb.Limits(timeout=float(args.timeout), memory_mb=int(args.memory),
                       notebook_timeout=float(args.timeout) * (len(key.exercises) + 2))
    return Settings(key, version, sandbox, limits, sandboxing.hide if has_notebooks else (),
                    find_source(key.lesson) is not None, has_notebooks)


@dataclass
class _Grading:
    """One lesson's settings and cache, and the results graded with them so far."""

    settings: Settings
    cache: Cache
    results: dict[int, Result] = field(default_factory=dict)
    from_cache: int = 0

    def record(self, i: int, item: Loaded, parsed: dict | None = None) -> None:
        """Grade record i (from its parsed JSON, if given), or take its result from the cache."""
        cached = self.cache.get(item.digest, item.sub.kind)
        if cached is not None:
            self.results[i] = cached
            self.from_cache += 1
            return
        self.keep(i, item, grade_record_safely(self.settings.key, item.data, item.why, parsed))

    def keep(self, i: int, item: Loaded, result: Result) -> None:
        """Keep file i's result (its parts shared with equal ones) and cache it."""
        self.results[i] = result = result.shared(self.cache.shared)
        self.cache.put(item.digest, item.sub.kind, result)


def _grading(args: Any, lesson: str, sandboxing: Sandboxing, has_notebooks: bool, out: Path) -> _Grading:
    version = key_version(lesson)
    key = Key(lesson, version)  # its answers computed from the data come from the user's cache after a first run
    settings = _settings(args, key, version, sandboxing, has_notebooks)
    return _Grading(settings, Cache(cache_folder(out), lesson, version, settings.notebook_settings()))


@dataclass
class _Found:
    """Every file of a run, read once, with the lesson each one is graded as (None: not graded)."""

    loaded: list[Loaded]
    lessons: list[str | None]
    gradings: dict[str, _Grading]


def _lesson_of(args: Any, item: Loaded, known: set[str], namer: Namer) -> str | None:
    """The lesson a file is graded as: its own (from its content, else its name) when it has a
    key and --lesson does not exclude it; a loose file of no lesson is graded as --lesson."""
    if item.sub.kind not in ("notebook", "record", "other"):
        return None
    lesson = item.lesson if item.lesson in known else None
    if args.lesson:
        if lesson is None and item.lesson is None and namer.owner(item.sub, None) is None:
            return args.lesson  # a loose file, as typed: graded as the lesson the teacher named
        return lesson if lesson == args.lesson else None
    return lesson


def _read_all(args: Any, subs: list[Submission], out: Path, sandboxing: Sandboxing, namer: Namer,
              bar: Any) -> _Found:
    """Every submission read once. Learning records are graded as they are read, with their
    lesson's key, and their bytes let go: a large class is never all in memory."""
    known = set(lessons())
    with_notebooks = {lesson_of_name(sub.name) for sub in subs if sub.kind == "notebook"}
    loaded: list[Loaded] = []
    graded_as: list[str | None] = []
    gradings: dict[str, _Grading] = {}
    for i, (item, parsed) in enumerate(load_all(subs)):
        lesson = _lesson_of(args, item, known, namer)
        if lesson is not None and item.sub.kind == "record":
            if lesson not in gradings:
                gradings[lesson] = _grading(args, lesson, sandboxing, lesson in with_notebooks, out)
            gradings[lesson].record(i, item, parsed)
            item = replace(item, data=None)
            bar.update()
        loaded.append(item)
        graded_as.append(lesson)
    return _Found(loaded, graded_as, gradings)


def _in_order(keys: list[str]) -> list[str]:
    """Lessons in the order of lessons.toml, then any others (more keys) by name."""
    listed = [key for key in lesson_stems().values() if key in keys]
    return listed + sorted(set(keys) - set(listed))


def _not_graded(args: Any, found: _Found) -> list[str]:
    """The run notes' one list of files that were not graded, and why."""
    known = set(lessons())
    other, unknown, none = [], [], []
    for item, lesson in zip(found.loaded, found.lessons):
        if lesson is not None or item.sub.kind == "profile":
            continue
        if item.lesson is not None and item.lesson in known:
            other.append(item.sub.label)
        elif item.lesson is not None:
            unknown.append(f"{item.sub.label} (lesson {item.lesson!r})")
        else:
            none.append(item.sub.label)
    notes = []
    if other:
        notes.append(f"Not graded: {len(other)} file(s) of other lessons than {args.lesson} (--lesson): "
                     + ", ".join(other))
    if unknown:
        notes.append(f"Not graded: {len(unknown)} file(s) of lessons without an answer key: " + ", ".join(unknown))
    if none:
        notes.append(f"Not graded: {len(none)} file(s) that belong to no lesson (no lessonkit metadata and no "
                     "lesson's file name): " + ", ".join(none))
    return notes


def _main(args: Any) -> int:
    from tqdm import tqdm


    started = time.monotonic()
    _validate(args)
    out = Path(args.out)
    try:
        subs = discover(list(args.submissions), out)
    except UsageError as e:  # nothing to grade: say so, and name any archive that may hold the work
        raise UsageError(" ".join([str(e), *archives_note(find_archives(list(args.submissions), out))])) from None
    run = RunFolder()  # also removes the temporary folders of runs that were killed
    run_parent = run.path
    if any(sub.kind == "notebook" for sub in subs):
        from .pool import warm_up

        warm_up()  # the workers' fork server imports while the submissions are read
        run.note_pymp()
    namer = Namer(subs)
    bar = tqdm(total=sum(sub.kind != "profile" for sub in subs), disable=args.no_progress, file=sys.stderr,
               unit="file", desc="grading", dynamic_ncols=True)
    found: _Found | None = None
    order: list[str] = []
    try:
        try:
            sandboxing = _sandboxing(args, subs, out, run_parent)
            found = _read_all(args, subs, out, sandboxing, namer, bar)
            order = [lesson for lesson in _in_order(lessons()) if lesson in set(found.lessons)]
            if not order:
                raise UsageError("none of these files is of a lesson with an answer key"
                                 + (f" (--lesson {args.lesson})" if args.lesson else "; give --lesson"))
            try:
                out.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise UsageError(f"cannot write to --out {args.out} ({e.strerror or e})") from None
            for lesson in order:
                indices = [i for i, graded_as in enumerate(found.lessons) if graded_as == lesson]
                has_notebooks = any(found.loaded[i].sub.kind == "notebook" for i in indices)
                grading = found.gradings.get(lesson)
                if grading is None or grading.settings.has_notebooks != has_notebooks:
                    fresh = _grading(args, lesson, sandboxing, has_notebooks, out)
                    if grading is not None:  # its records' results stand: only how notebooks run differs
                        fresh.results, fresh.from_cache = grading.results, grading.from_cache
                        fresh.cache.take_records(grading.cache)
                    grading = found.gradings[lesson] = fresh
                bar.set_description(f"grading {lesson}")
                _grade_all(args, grading, found.loaded, indices, run_parent, bar)
        finally:
            run.close()
            bar.close()
    except KeyboardInterrupt:
        kept = 0
        for grading in (found.gradings.values() if found else ()):
            grading.cache.flush()
            kept += len(grading.results) if grading.cache.folder is not None else 0
        print(f"lessonkit grade: interrupted; {kept} of {len(subs)} results are cached; "
              "run the same command again to go on. No gradebook was written.", file=sys.stderr)
        return 130
    return _write(args, out, namer, found, order, started)


def _write(args: Any, out: Path, namer: Namer, found: _Found, order: list[str], started: float) -> int:
    """Write each lesson's gradebook and the overview; say what was done."""
    from . import gradebook
    from .report import counts

    students = gradebook.Students(namer, found.loaded, found.lessons)
    graded = []
    for lesson in order:
        grading = found.gradings[lesson]
        indices = [i for i, graded_as in enumerate(found.lessons) if graded_as == lesson]
        rows = gradebook.lesson_rows(students, indices, found.loaded, grading.results, lesson)
        grading.results.clear()
        how = "given with --lesson" if args.lesson else "found in the files handed in"
        gradebook.write_lesson(out, grading.settings, f"lesson {lesson} ({how})", rows)
        graded.append((grading.settings, rows))
    everyone = {r.who for _, rows in graded for r in rows}
    files = sum(r.files for _, rows in graded for r in rows)
    summary = (f"{len(everyone)} student{'s' * (len(everyone) != 1)}, {files} file{'s' * (files != 1)} "
               f"graded in {len(order)} lesson{'s' * (len(order) != 1)}: "
               + "; ".join(f"{s.key.lesson} ({counts(rows)})" for s, rows in graded) + ".")
    skipped = _not_graded(args, found)
    archives = archives_note(find_archives(list(args.submissions), out))
    notes = [summary, *skipped, *archives,
             "Each lesson's gradebook, feedback, class report and run notes are in the folder named after it; "
             "gradebook.csv here has one row per student and one column per lesson."]
    gradebook.write_overview(out, graded, notes)
    from_cache = sum(g.from_cache for g in found.gradings.values())
    problems = sum(bool(r.problems) for _, rows in graded for r in rows)
    print(f"lessonkit grade: {summary} {problems} row(s) with problems, {from_cache} file(s) from the cache; "
          f"{time.monotonic() - started:.1f} s -> {out / 'gradebook.csv'}", file=sys.stderr)
    for note in [*skipped, *archives]:
        print(f"lessonkit grade: {note}", file=sys.stderr)
    with_notebooks = [s for s, _ in graded if s.has_notebooks]
    if with_notebooks and with_notebooks[0].sandbox.kind != "bwrap":
        limits = with_notebooks[0].limits
        print(f"lessonkit grade: warning: "
              f"{with_notebooks[0].sandbox.describe(limits.timeout, limits.memory_mb, limits.notebook_timeout)}",
              file=sys.stderr)
    return 0


def _grade_all(args: Any, grading: _Grading, loaded: list[Loaded], indices: list[int], run_parent: Path,
               bar: Any) -> None:
    """Grade every file of indices that grading has no result for yet (records here, notebooks
    in the pool); a Ctrl-C stops the pool and is raised again."""
    from .pool import Pool, workers

    settings, results, cache = grading.settings, grading.results, grading.cache
    for i in indices:
        if i not in results and loaded[i].sub.kind == "notebook":
            cached = cache.get(loaded[i].digest, "notebook")
            if cached is not None:
                results[i] = cached
                grading.from_cache += 1
                bar.update()
    todo = [i for i in indices if i not in results]
    notebooks = [i for i in todo if loaded[i].sub.kind == "notebook"]
    for i in notebooks:  # one that is surely not valid needs no worker (a worker checks the others)
        if not looks_like_notebook(loaded[i].data):
            nb, problem = read_notebook(loaded[i].data, loaded[i].why)
            if nb is None:
                grading.keep(i, loaded[i], Result.ungraded(problem))
                bar.update()
    notebooks = [i for i in notebooks if i not in results]
    pool = None
    try:
        futures = {}
        if notebooks:  # each worker starts its first kernel as it starts
            size = min(workers(args.workers), len(notebooks))
            pool = Pool(size, NotebookTask(settings.key.lesson, None, "", settings.sandbox, settings.limits,
                                           settings.hide, run_parent))
            stubs = pool.stubs(settings.key.lesson)
            for n, i in enumerate(notebooks):  # the last ones start no kernel for a next one
                task = NotebookTask(settings.key.lesson, loaded[i].data, loaded[i].why, settings.sandbox,
                                    settings.limits, settings.hide, run_parent, stubs)
                futures[pool.submit(task, next_one=n + size < len(notebooks))] = i
                loaded[i] = replace(loaded[i], data=None)  # the task holds them until graded
        for i in todo:  # records and other files are quick: grade them while the kernels run
            kind = loaded[i].sub.kind
            if kind == "record":
                grading.record(i, loaded[i])
                loaded[i] = replace(loaded[i], data=None)  # graded: a large class's bytes are not all kept
            elif kind == "other":
                grading.keep(i, loaded[i], Result.ungraded("not a notebook (.ipynb) or a learning record (.json)"))
            else:
                continue
            bar.update()
        cache.flush()
        for future in as_completed(futures):
            try:
                result = future.result()
            except Exception as e:  # the worker process itself died
                result = Result.ungraded(f"not graded: the grading worker failed ({type(e).__name__}); run again",
                                         cacheable=False)
            grading.keep(futures[future], loaded[futures[future]], result)
            bar.update()
    except KeyboardInterrupt:
        if pool:
            pool.kill()
        raise
    finally:
        if pool:
            pool.close()
    cache.flush()
