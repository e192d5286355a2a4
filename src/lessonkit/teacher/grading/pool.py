"""The pool of worker processes that run notebooks, a few at a time.

Each worker keeps the lesson's key and a :class:`~lessonkit.teacher.grading.kernel.Runner`
for the whole run, so while it runs one notebook the kernel of its next one starts. Workers
leave the terminal's process group: Ctrl-C reaches the main process only, which then stops
them (:meth:`Pool.kill`), so no worker can report a kernel it lost to Ctrl-C as a student's crash.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from .grade import NotebookTask, grade_notebook
from .result import Result

_WORKER: dict[str, Any] = {}  # in a worker: its runner and key


def workers(requested: int) -> int:
    """The number of workers: as requested, or (0) twice the cores, at least 2 and at most 4."""
    if requested:
        return requested
    return min(4, max(2, 2 * (os.cpu_count() or 1)))


# What the fork server imports once for every worker: the grader's own modules, nbclient,
# nbformat and ZeroMQ (a second or two, so the grader itself never imports nbformat), and
# pandas with the checkers (which scoring needs; each worker would import them otherwise).
# worker_setup comes first: it spares the fork server a slow import that nbformat brings.
_PRELOAD = ["lessonkit.teacher.grading.worker_setup", __name__, "lessonkit.teacher.grading.kernel",
            "lessonkit.teacher.grading.grade", "lessonkit.teacher.grading.scoring", "lessonkit.teacher.grading.attribution",
            "lessonkit.teacher.editions", "lessonkit._exercises", "nbclient", "nbformat",
            "jupyter_client.manager", "zmq.asyncio", "pandas"]


def _context() -> Any:
    """Workers forked from a server that imported the grader once (see _PRELOAD); started
    fresh ("spawn") where that is not offered."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(_PRELOAD)
        return context
    return multiprocessing.get_context("spawn")


def warm_up() -> None:
    """Start the fork server now, so that it imports while the grader reads the submissions
    and loads the key (the pool made later forks its workers from it). It dies with the
    grader (see :mod:`lessonkit.teacher.grading.worker_setup`)."""
    from .worker_setup import GRADER_PID_ENV

    os.environ[GRADER_PID_ENV] = str(os.getpid())
    if "forkserver" in multiprocessing.get_all_start_methods():
        from multiprocessing import forkserver

        _context()
        forkserver.ensure_running()


def _worker_init(first: NotebookTask, environ: dict[str, str], grader: int) -> None:
    """Start a worker: killed when the process it was forked from dies (the fork server, which
    dies with the grader, whose process id is grader), the grader's environment now (a fork
    server keeps the one it started with), its own session, and the runner and key it keeps for the run."""
    from .kernel import Runner
    from .key import Key
    from .worker_setup import die_with_parent

    die_with_parent(os.getppid())
    try:
        os.kill(grader, 0)
    except ProcessLookupError:  # the grader died before this worker could ask to die with it
        os._exit(1)
    except OSError:
        pass
    os.environ.clear()
    os.environ.update(environ)
    if hasattr(os, "setsid"):
        try:
            os.setsid()
        except OSError:
            pass
    runner = Runner(first.lesson, first.sandbox, first.limits, list(first.hide), first.parent)
    atexit.register(runner.close)  # the kernel kept ready for a next notebook is killed at exit
    runner.prestart()
    _WORKER.update(runner=runner, key=Key(first.lesson))


def _stubs(lesson: str) -> dict[str, str] | None:
    from .cells import student_stubs

    return student_stubs(lesson)


def _grade(task: NotebookTask, next_one: bool) -> Result:
    return grade_notebook(task, _WORKER["runner"], next_one=next_one, key=_WORKER["key"])


class Pool:
    """Grades notebooks in worker processes; close() (or kill()) when done."""

    def __init__(self, size: int, first: NotebookTask) -> None:
        warm_up()  # the fork server, if not started yet: the workers' parent, which dies with this process
        self._before = set(multiprocessing.active_children())
        self._killed = False
        self._executor = ProcessPoolExecutor(max_workers=size, mp_context=_context(), initializer=_worker_init,
                                             initargs=(first, dict(os.environ), os.getpid()))

    def stubs(self, lesson: str) -> dict[str, str] | None:
        """The student edition's exercise cells (see cells.student_stubs), built in a worker,
        where nbformat is already imported; None when they cannot be built."""
        try:
            return self._executor.submit(_stubs, lesson).result()
        except Exception:  # a worker that died: the stub rule then needs no stubs
            return None

    def submit(self, task: NotebookTask, next_one: bool) -> Future[Result]:
        """Grade one notebook; next_one says whether more notebooks follow it."""
        return self._executor.submit(_grade, task, next_one)

    def kill(self) -> None:
        """Stop the workers at once (after Ctrl-C); bubblewrap's --die-with-parent ends their kernels."""
        for process in set(multiprocessing.active_children()) - self._before:
            process.kill()
        self._killed = True
        self._executor.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        """Let the workers finish and exit (each kills the kernel it kept ready)."""
        self._executor.shutdown(wait=not self._killed, cancel_futures=True)
