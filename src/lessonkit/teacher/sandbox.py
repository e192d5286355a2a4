"""Running a student's notebook where it can harm as little as possible.

Each notebook runs in a fresh kernel process, in a throwaway working folder, with a
per-cell time limit, a limit for the whole notebook and a memory limit (RLIMIT_AS, set in
the kernel process before ipykernel starts). Where Debian's bubblewrap (``bwrap``) works,
the kernel runs in a file system built from an allow-list, not in a copy of the host's::

    bwrap --ro-bind /usr /usr --symlink usr/bin /bin ... --ro-bind /etc/passwd ...
          --ro-bind VENV VENV --ro-bind SITE-PACKAGES ... --tmpfs <the lessons' sources>
          --dev /dev --proc /proc --size N --tmpfs /tmp --size N --tmpfs WORK
          --bind WORK ANSWERS --unshare-pid --unshare-net --cap-drop ALL --die-with-parent ...

It sees the system's programs and libraries, a few files of /etc, Python (the interpreter,
the standard library, site-packages, an editable checkout's src/) and the files lessonkit
reads, all read-only and bound by path, so a venv under the home shows the venv and not the
home. The home, /root, /run, /var, /srv, the host's /tmp and /dev/shm, every socket on disk,
the answer keys (the package's keys/ and LESSONKIT_KEYS), the submissions and the output
folder do not exist inside (:mod:`lessonkit.teacher.kernel_view`). Its environment is an allow-list too. It
can write only to a size-capped private /tmp, a size-capped working folder and the folder
where its answers are saved. It has no network and cannot see or signal other processes.
Where cgroups can be made, all the processes of one run are limited together
(:mod:`lessonkit.teacher.confine`). Without bubblewrap (macOS, Windows, Linux without it)
the kernel runs in the throwaway folder only, and the run notes say so.
``LESSONKIT_SANDBOX=none`` turns bubblewrap off on purpose (used to test the fallback).

The grader talks to the kernel over Unix sockets (``transport="ipc"``) in a folder bound
into the sandbox, so the kernel needs no network, and there is no TCP port race between
kernels starting together. Kernels are started, run and killed by
:mod:`lessonkit.teacher.grading.kernel`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .kernel_view import bound_paths, filesystem_flags, kernel_env, rebinds, sizes_tmpfs, tmpfs
from .kernel_view import hideable as hideable  # re-exported: the grader asks the sandbox what it can hide

SANDBOX_ENV = "LESSONKIT_SANDBOX"
KERNEL_NAME = "lessonkit-grader"
PRELOAD = ("pandas", "lessonkit")  # imported by each kernel before ipykernel starts

# Runs in the kernel process before ipykernel: killed when its parent dies (PR_SET_PDEATHSIG:
# a grader killed outright leaves no kernel, sandboxed or not); limits that the student's code cannot raise
# (bubblewrap drops the capability to raise a hard limit); no debugger (ipykernel then does not
# import debugpy, a tenth of a kernel's start); the preloaded modules. No braces: jupyter_client
# substitutes {names} in kernel commands.
_LAUNCH = """\
try:
    import resource
except ImportError:
    resource = None
def _limit(name, value):
    try:
        resource.setrlimit(getattr(resource, name), (value, value))
    except (AttributeError, ValueError, OSError):
        pass
_limit("RLIMIT_AS", @MEMORY@)
_limit("RLIMIT_CORE", 0)
_limit("RLIMIT_FSIZE", @FSIZE@)
if @NPROC@ > 0:
    _limit("RLIMIT_NPROC", @NPROC@)
del _limit, resource
import sys
if sys.platform.startswith("linux"):
    try:
        import ctypes, signal
        ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)
        del ctypes, signal
    except Exception:
        pass
sys.modules["debugpy"] = None
def _preload():
    for name in @PRELOAD@:
        try:
            __import__(name)
        except BaseException:
            pass
_preload()
del _preload
from ipykernel import kernelapp
kernelapp.launch_new_instance()
"""
FILE_SIZE_LIMIT = 256 * 1024 * 1024


@dataclass(frozen=True)
class Sandbox:
    """How kernels are isolated on this machine: ``kind`` is 'bwrap' or 'none'."""

    kind: str
    bwrap: str | None = None
    reason: str = ""
    limits_note: str = ""  # why processes are not limited as a whole here ('' when they are)

    def describe(self, timeout: float, memory_mb: int, notebook_timeout: float,
                 processes: int | None = None, disk_mb: int | None = None) -> str:
        """One sentence for the gradebook's run notes: what protected the teacher."""
        processes = Limits.processes if processes is None else processes
        disk_mb = Limits.disk_mb if disk_mb is None else disk_mb
        limits = f"each cell was stopped after {timeout:g} s and each notebook after {notebook_timeout:g} s; "
        if not self.limits_note:
            limits += (f"each notebook had {memory_mb} MB of memory and {processes} processes and threads "
                       "for all its processes together")
            if self.kind == "bwrap":
                limits += f", and {disk_mb} MB in each folder it could write to"
        else:
            limits += (f"each kernel process had {memory_mb} MB of address space, but the processes a notebook "
                       f"starts were not limited together ({self.limits_note})")
        if self.kind == "bwrap":
            system, python = bound_paths()
            return ("Notebooks ran in bubblewrap: they saw only the system's programs, Python and lessonkit, "
                    "read-only, and their own throwaway folders (not your home, the submissions, the output "
                    "folder, the answer keys, or any socket); "
                    f"private /tmp, no network, no view of other processes; {limits}. "
                    f"Bound read-only: {len(system)} system folders and files ({', '.join(system)}) and "
                    f"{', '.join(python)}.")
        return (f"Notebooks ran WITHOUT a sandbox ({self.reason}): only a throwaway working copy, so a hostile "
                "notebook could read, change or delete any file this user can; "
                f"{limits}.")


@cache
def _probe(bwrap: str) -> str:
    """'' when bubblewrap works here with the flags used for kernels, else why not."""
    cmd = [bwrap, *_isolation_flags(network=False), *filesystem_flags(sized=sizes_tmpfs(bwrap)), "--",
           sys.executable, "-c", "import lessonkit._paths"]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=30, env=kernel_env(Path("/")))
    except (OSError, subprocess.SubprocessError) as e:
        return f"bubblewrap could not run: {type(e).__name__}: {e}"
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        return f"bubblewrap is installed but failed: {last[:200]}"
    return ""


def _isolation_flags(network: bool) -> list[str]:
    flags = ["--unshare-pid", "--unshare-ipc", "--unshare-uts", "--cap-drop", "ALL", "--die-with-parent",
             "--new-session"]
    return flags if network else [*flags, "--unshare-net"]


def detect() -> Sandbox:
    """The best isolation this machine offers for kernels.

    >>> detect().kind in ("bwrap", "none")
    True
    """
    from . import confine

    limits_note = confine.support()
    if os.environ.get(SANDBOX_ENV, "").strip().lower() in ("none", "off", "0"):
        return Sandbox("none", reason=f"turned off with {SANDBOX_ENV}=none", limits_note=limits_note)
    if not sys.platform.startswith("linux"):
        return Sandbox("none", reason=f"bubblewrap does not exist on {sys.platform}", limits_note=limits_note)
    bwrap = shutil.which("bwrap")
    if not bwrap:
        return Sandbox("none", reason="bubblewrap (bwrap) is not installed; on Debian/Ubuntu: "
                                      "apt-get install bubblewrap", limits_note=limits_note)
    problem = _probe(bwrap)
    if problem:
        return Sandbox("none", reason=problem, limits_note=limits_note)
    return Sandbox("bwrap", bwrap=bwrap, limits_note=limits_note)


@dataclass
class Limits:
    """What one notebook may use, all its processes together where cgroups allow."""

    timeout: float = 30.0
    memory_mb: int = 1024
    notebook_timeout: float = 300.0
    processes: int = 128     # processes and threads at once (pids.max; RLIMIT_NPROC in the sandbox)
    disk_mb: int = 256       # each of: the private /tmp, the working folder, the grader-side folders


def _nproc_per_namespace() -> bool:
    """True when RLIMIT_NPROC counts a user's processes per user namespace (Linux 5.14 and
    later), so that inside bubblewrap it caps the kernel's processes, not all the teacher's."""
    try:
        major, minor = (int(x) for x in os.uname().release.split(".")[:2])
    except (AttributeError, ValueError):
        return False
    return (major, minor) >= (5, 14)


def kernel_argv(sandbox: Sandbox, work: Path, sockets: Path, memory_mb: int, hide: list[str],
                network: bool = False, processes: int | None = None, disk_mb: int | None = None,
                record_dir: Path | None = None, preload: tuple[str, ...] = PRELOAD) -> list[str]:
    """The kernel command: bubblewrap (if any) around Python setting limits and importing
    preload (so a kernel started ahead of its notebook has them ready), then ipykernel.

    Inside bubblewrap, work is an empty RAM-backed folder of disk_mb (the notebook's working
    copies of work's files are bound into it read-only) and the host's work folder is bound
    at record_dir, where the learning record is written. network=True keeps the host's
    network (needed when the grader reaches the kernel by TCP).
    """
    processes = Limits.processes if processes is None else processes
    disk = (Limits.disk_mb if disk_mb is None else disk_mb) * 1024 * 1024
    code = (_LAUNCH.replace("@MEMORY@", str(int(memory_mb) * 1024 * 1024))
            .replace("@FSIZE@", str(min(FILE_SIZE_LIMIT, disk)))
            .replace("@PRELOAD@", repr(tuple(preload)))
            .replace("@NPROC@", str(int(processes) if sandbox.kind == "bwrap" and _nproc_per_namespace() else -1)))
    python = [sys.executable, "-c", code, "-f", "{connection_file}", "--HistoryManager.enabled=False",
              "--IPKernelApp.quiet=True"]
    if sandbox.kind != "bwrap":
        return python
    # Inside its own PID namespace the kernel's parent is bubblewrap's init (PID 1), which
    # ipykernel takes for "parent gone"; --die-with-parent does that job instead.
    python.append("--IPKernelApp.parent_handle=0")
    bwrap = sandbox.bwrap or "bwrap"
    sized = sizes_tmpfs(bwrap)
    argv = [bwrap, *_isolation_flags(network), *filesystem_flags(disk, sized),
            *rebinds(list(map(Path, hide)))]
    argv += tmpfs(str(work), disk, sized)
    for f in sorted(Path(work).iterdir()) if Path(work).is_dir() else []:
        if f.is_file():
            argv += ["--ro-bind", str(f), str(f)]
    argv += ["--bind", str(work), str(record_dir or work), "--bind", str(sockets), str(sockets),
             "--remount-ro", "/dev", "--remount-ro", "/", "--chdir", str(work), "--"]
    return argv + python


def kernel_setup(sandbox: Sandbox, work: Path, sockets: Path, limits: Limits, hide: list[str],
                 network: bool = False):
    """The kernel's command, environment and limits group for one run: (argv, env, group).

    The group (see :mod:`lessonkit.teacher.confine`) counts every process of the run together;
    call its close() after the kernel is gone, and add what it returns to the run's notes.
    """
    from . import confine

    record_dir = work.parent / "answers" if sandbox.kind == "bwrap" else work
    argv = kernel_argv(sandbox, work, sockets, limits.memory_mb, hide, network=network,
                       processes=limits.processes, disk_mb=limits.disk_mb, record_dir=record_dir)
    group = confine.open_group(limits.memory_mb, limits.processes, [work, sockets], limits.disk_mb,
                               pid_file=work.parent / "kernel.pid")
    return group.wrap(argv), kernel_env(work, record_dir), group


def write_kernelspec(root: Path, argv: list[str]) -> Path:
    """Write a kernelspec folder for argv under root; return the folder holding kernels/."""
    spec = root / "kernels" / KERNEL_NAME
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": argv, "display_name": "lessonkit grader", "language": "python",
        # an interrupt by message reaches the kernel inside the sandbox; a signal might not
        "interrupt_mode": "message",
    }), encoding="utf-8")
    return root
