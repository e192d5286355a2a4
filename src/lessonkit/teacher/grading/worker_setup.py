"""Imported first by the fork server that the grading workers are forked from.

Two things happen here, once, in the fork server:

- It dies with the grader. The grader names itself in ``LESSONKIT_GRADER_PID`` before the
  fork server starts; the fork server asks the kernel to kill it the moment its parent dies
  (``PR_SET_PDEATHSIG``), and each worker does the same with the fork server
  (:func:`die_with_parent`, called by the pool), whose kernels in turn die with their worker
  (bubblewrap's ``--die-with-parent``). So a grader killed by the OOM killer or a closed SSH
  session leaves no process behind.
- nbclient imports nbformat, which imports jsonschema, which loads rfc3987-syntax (when it is
  installed, as JupyterLab's dependencies install it) for its ``iri`` format checker.
  rfc3987-syntax 1.1.0 builds its grammar when imported: about 0.6 s of CPU (jsonschema
  issue #1392), before any worker could start. Notebook validation never checks that format,
  so the fork server goes without it; nothing else in the grader's process changes.
"""

import os
import signal
import sys

GRADER_PID_ENV = "LESSONKIT_GRADER_PID"
_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> bool:
    """Have this process killed when its parent (whose process id is parent) dies; exit now
    if it is already gone. False where the system cannot do this (not Linux)."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            return False
    except (OSError, AttributeError):
        return False
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(1)
    return True


if os.environ.get(GRADER_PID_ENV) == str(os.getppid()):  # this is the grader's fork server
    die_with_parent(os.getppid())

if "jsonschema" not in sys.modules:
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]  # None: its import fails; jsonschema skips it
