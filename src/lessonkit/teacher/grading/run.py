"""``lessonkit grade``: the run, from the command's arguments to the gradebook.

Find and read the submissions (learning records of one lesson are graded as they are read,
so a large class's files are never all in memory), choose the lesson, take what the cache
holds, grade the rest (records here, notebooks in the pool), then write the
gradebook (:mod:`lessonkit.teacher.grading.gradebook`). Ctrl-C stops the run and keeps what
is cached, writing no gradebook; a second run goes on from there.
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
from .runfolder import RunFolder
from .submissions import Loaded, Submission, discover, load, load_all


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


def _choose_lesson(args: Any, loaded: list[Loaded], namer: Namer) -> tuple[str, str]:
    """The lesson to grade: --lesson, else the lesson the most STUDENTS handed in (not files:
    one student's many files of another lesson must not decide), and a note saying why."""
    from .identity import comparable

    if args.lesson:  # checked by _validate
        return args.lesson, f"lesson {args.lesson} (given with --lesson)"
    known = set(lessons())
    students: dict[str, set[str]] = {}
    files: dict[str, int] = {}
    for item in loaded:
        lesson = item.lesson
        if lesson is not None and lesson in known:
            students.setdefault(lesson, set()).add(comparable(namer.name(item.sub, item.student, lesson)[0]))
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


@dataclass(frozen=True)
class Settings:
    """What one run grades with: the lesson's key and how notebooks are run."""

    key: Key
    version: str
    sandbox: sb.Sandbox
    limits: sb.Limits
    hide: tuple[str, ...]
    source_found: bool  # the lesson's source, for the student edition's stubs
    has_notebooks: bool

    def notebook_settings(self) -> str:
        """What a notebook's verdicts depend on besides the key: limits, sandbox, how stubs are made."""
        from importlib import metadata

        return f"{self.limits}|{self.sandbox.kind}|stubs {self.source_found} jupytext {metadata.version('jupytext')}"


def _settings(args: Any, key: Key, version: str, subs: list[Submission], out: Path, run_parent: Path) -> Settings:
    from .cells import find_source

    has_notebooks = any(sub.kind == "notebook" for sub in subs)
    sandbox = sb.detect() if has_notebooks else sb.Sandbox("none", reason="no notebooks")
    limits = sb.Limits(timeout=float(args.timeout), memory_mb=int(args.memory),
                       notebook_timeout=float(args.timeout) * (len(key.exercises) + 2))
    hide: list[str] = []
    if has_notebooks:  # the folders kernels must not see
        home = Path.home() if "HOME" in os.environ or os.name != "posix" else None
        roots = [Path(p).resolve() if Path(p).is_dir() else Path(p).resolve().parent for p in args.submissions]
        hide = sb.hideable([*roots, out.resolve(), run_parent, *([home] if home else [])])
    return Settings(key, version, sandbox, limits, tuple(hide),
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


def _grading(args: Any, lesson: str, subs: list[Submission], out: Path, run_parent: Path) -> _Grading:
    version = key_version(lesson)
    key = Key(lesson, version)  # its answers computed from the data come from the user's cache after a first run
    settings = _settings(args, key, version, subs, out, run_parent)
    return _Grading(settings, Cache(cache_folder(out), lesson, version, settings.notebook_settings()))


def _read_all(args: Any, subs: list[Submission], out: Path, run_parent: Path,
              bar: Any) -> tuple[list[Loaded], _Grading | None]:
    """Every submission read once. Learning records of one lesson (--lesson, else the first a
    record names) are graded as they are read, and their bytes let go: a large class is never
    all in memory. Also that lesson's grading, if one was begun."""
    known = set(lessons())
    loaded: list[Loaded] = []
    early: _Grading | None = None
    for i, (item, parsed) in enumerate(load_all(subs)):
        sub = item.sub
        if sub.kind == "record" and item.lesson is not None:
            if early is None and (args.lesson or item.lesson in known):
                early = _grading(args, args.lesson or item.lesson, subs, out, run_parent)
            if early is not None and item.lesson == early.settings.key.lesson:
                early.record(i, item, parsed)
                item = replace(item, data=None)
                bar.update()
        loaded.append(item)
    return loaded, early


def _main(args: Any) -> int:
    from tqdm import tqdm

    from . import gradebook

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
    bar = tqdm(total=len(subs), disable=args.no_progress, file=sys.stderr, unit="file", desc="grading",
               dynamic_ncols=True)
    grading: _Grading | None = None
    try:
        try:
            loaded, grading = _read_all(args, subs, out, run_parent, bar)
            lesson, lesson_note = _choose_lesson(args, loaded, namer)
            if not args.lesson:
                bar.write(f"lessonkit grade: grading {lesson_note}", file=sys.stderr)
            if grading is None or grading.settings.key.lesson != lesson:  # a record of another lesson came first
                for i in grading.results if grading else ():
                    loaded[i] = load(loaded[i].sub)[0]  # read again, to grade with this lesson's key
                grading = _grading(args, lesson, subs, out, run_parent)
                bar.reset()
            bar.set_description(f"grading {lesson}")
            try:
                out.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise UsageError(f"cannot write to --out {args.out} ({e.strerror or e})") from None
            _grade_all(args, grading, loaded, run_parent, bar)
        finally:
            run.close()
            bar.close()
    except KeyboardInterrupt:
        kept = 0
        if grading is not None:
            grading.cache.flush()
            kept = len(grading.results) if grading.cache.folder is not None else 0
        print(f"lessonkit grade: interrupted; {kept} of {len(subs)} results are cached; "
              "run the same command again to go on. No gradebook was written.", file=sys.stderr)
        return 130
    settings = grading.settings
    results = [grading.results[i] for i in range(len(loaded))]
    grading.results.clear()
    prints = ["" if item.blank else item.digest for item in loaded]
    archives = archives_note(find_archives(list(args.submissions), out))
    rows = gradebook.write(out, settings, lesson_note, loaded, results, prints, namer, archives)
    print(f"lessonkit grade: {len(rows)} submissions ({sum(r.graded for r in rows)} graded, "
          f"{sum(bool(r.problems) for r in rows)} with problems, "
          f"{grading.from_cache} from the cache) in {time.monotonic() - started:.1f} s -> {out / 'gradebook.csv'}",
          file=sys.stderr)
    for note in archives:
        print(f"lessonkit grade: {note}", file=sys.stderr)
    if settings.has_notebooks and settings.sandbox.kind != "bwrap":
        limits = settings.limits
        print(f"lessonkit grade: warning: {settings.sandbox.describe(limits.timeout, limits.memory_mb, limits.notebook_timeout)}",
              file=sys.stderr)
    return 0


def _grade_all(args: Any, grading: _Grading, loaded: list[Loaded], run_parent: Path, bar: Any) -> None:
    """Grade every file grading has no result for yet (records here, notebooks in the pool);
    a Ctrl-C stops the pool and is raised again."""
    from .pool import Pool, workers

    settings, results, cache = grading.settings, grading.results, grading.cache
    for i, item in enumerate(loaded):
        if i not in results and item.sub.kind == "notebook":
            cached = cache.get(item.digest, "notebook")
            if cached is not None:
                results[i] = cached
                grading.from_cache += 1
    bar.n = len(results)
    bar.refresh()
    todo = [i for i in range(len(loaded)) if i not in results]
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
