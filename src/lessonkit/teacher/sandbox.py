"""Running a student's notebook where it can harm as little as possible.

Each notebook runs in a fresh kernel process, in a throwaway working folder, with a
per-cell time limit, a limit for the whole notebook and a memory limit (RLIMIT_AS, set in
the kernel process before ipykernel starts). Where Debian's bubblewrap (``bwrap``) works,
the kernel also runs in a read-only view of the file system::

    bwrap --ro-bind / / --dev /dev --proc /proc --tmpfs /tmp --bind WORK WORK
          --unshare-pid --unshare-net --unshare-ipc --cap-drop ALL --die-with-parent ...

so only its working folder can be written, the submissions and the gradebook folder are
hidden (an empty tmpfs over them), it has no network and cannot see or signal other
processes. Without bubblewrap (macOS, Windows, Linux without it) the kernel runs in the
throwaway folder only, and the run notes say so. ``LESSONKIT_SANDBOX=none`` turns
bubblewrap off on purpose (used to test the fallback).

The grader talks to the kernel over Unix sockets (``transport="ipc"``) in a folder bound
into the sandbox, so the kernel needs no network, and there is no TCP port race between
kernels starting together. nbclient does not shut down a kernel it did not start: this
module starts and always kills its kernels itself.
"""

from __future__ import annotations

import asyncio
import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .._exercises import GRADING_ENV
from .sanitize import EXCEPTION_CHARS, MESSAGE_CHARS, clean

SANDBOX_ENV = "LESSONKIT_SANDBOX"
KERNEL_NAME = "lessonkit-grader"
OUTPUT_NOTE_BYTES = 1_000_000  # output above this is mentioned in the gradebook

# Runs in the kernel process before ipykernel: limits that the student's code cannot raise
# (bubblewrap drops the capability to raise a hard limit). No braces: jupyter_client
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
del _limit, resource
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

    def describe(self, timeout: float, memory_mb: int, notebook_timeout: float) -> str:
        """One sentence for the gradebook's run notes: what protected the teacher."""
        limits = (f"each cell was stopped after {timeout:g} s and each notebook after {notebook_timeout:g} s; "
                  f"kernels had {memory_mb} MB of address space")
        if self.kind == "bwrap":
            return ("Notebooks ran in bubblewrap: a read-only file system except their own throwaway folder, "
                    "a private /tmp, the submissions and the output folder hidden, no network, no view of "
                    f"other processes; {limits}.")
        return (f"Notebooks ran WITHOUT a sandbox ({self.reason}): only a throwaway working copy, so a hostile "
                "notebook could read, change or delete any file this user can; "
                f"{limits}.")


@lru_cache(maxsize=None)
def _probe(bwrap: str) -> str:
    """'' when bubblewrap works here with the flags used for kernels, else why not."""
    cmd = [bwrap, *_BASE_FLAGS, *_rebinds([Path("/tmp")]), "--", sys.executable, "-c", "pass"]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as e:
        return f"bubblewrap could not run: {type(e).__name__}: {e}"
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        return f"bubblewrap is installed but failed: {last[:200]}"
    return ""


_BASE_FLAGS = ("--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
               "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
               "--cap-drop", "ALL", "--die-with-parent")


def detect() -> Sandbox:
    """The best isolation this machine offers for kernels.

    >>> detect().kind in ("bwrap", "none")
    True
    """
    if os.environ.get(SANDBOX_ENV, "").strip().lower() in ("none", "off", "0"):
        return Sandbox("none", reason=f"turned off with {SANDBOX_ENV}=none")
    if not sys.platform.startswith("linux"):
        return Sandbox("none", reason=f"bubblewrap does not exist on {sys.platform}")
    bwrap = shutil.which("bwrap")
    if not bwrap:
        return Sandbox("none", reason="bubblewrap (bwrap) is not installed; on Debian/Ubuntu: "
                                      "apt-get install bubblewrap")
    problem = _probe(bwrap)
    return Sandbox("none", reason=problem) if problem else Sandbox("bwrap", bwrap=bwrap)


def _needed() -> list[Path]:
    """Folders the kernel must see: Python, sys.path, lessonkit, the data package and the
    teacher's own answer keys (LESSONKIT_KEYS)."""
    from .._paths import data_dir

    # sys.path[0] is the grader's script folder or working folder, which a kernel does not get
    pythonpath = os.environ.get("PYTHONPATH", "").split(os.pathsep)
    paths = [sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(os.path.realpath(sys.executable)),
             Path(__file__).resolve().parents[2], data_dir(), *(p for p in sys.path[1:] + pythonpath if p),
             *(p for p in os.environ.get("LESSONKIT_KEYS", "").split(os.pathsep) if p)]
    return sorted({Path(p).resolve() for p in paths if os.path.isdir(p)})


def _rebinds(covered: list[Path]) -> list[str]:
    """bwrap flags binding back, read-only, what the kernel needs but a covered folder hides
    (Python itself lives under /tmp when the project was cloned there)."""
    flags = []
    for n in _needed():
        if any(c == n or c in n.parents for c in covered):
            flags += ["--ro-bind", str(n), str(n)]
    return flags


def hideable(paths: list[Path]) -> list[str]:
    """The folders among paths that can be hidden from kernels without hiding Python itself.

    A folder that holds the interpreter, an entry of sys.path, lessonkit or the data package
    is kept visible (read-only), since the kernel needs it.
    """
    needed = _needed()
    out = []
    for p in paths:
        p = Path(p).resolve()
        if not p.is_dir() or p == Path(p.anchor):
            continue
        if any(n == p or p in n.parents for n in needed):
            continue
        out.append(str(p))
    return sorted(set(out))


@dataclass
class Limits:
    """Time and memory allowed to one notebook."""

    timeout: float = 30.0
    memory_mb: int = 1024
    notebook_timeout: float = 300.0


@dataclass
class RunOutcome:
    """What happened when a notebook ran."""

    started: bool = False          # the kernel started and answered
    finished: bool = False         # every cell was run
    answers: list[dict] = field(default_factory=list)  # {"cell", "exercise", "answer"} in the order recorded
    notes: list[str] = field(default_factory=list)
    output_bytes: int = 0
    messages: int = 0              # output messages the kernel sent (widget messages included)
    output_cut: str = ""           # why output beyond the caps was not looked at, if it was not


def _kernel_env(work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("JPY_", "JUPYTERHUB_", "JUPYTER_", "LESSONKIT_RECORD", "LESSONKIT_STUDENT"))}
    env.update({
        "LESSONKIT_RECORD_DIR": str(work), "LESSONKIT_STUDENT": "",
        "HOME": str(work), "IPYTHONDIR": str(work / ".ipython"), "MPLCONFIGDIR": str(work / ".matplotlib"),
        "MPLBACKEND": "Agg", "PYTHONDONTWRITEBYTECODE": "1", "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
    })
    if os.environ.get("LESSONKIT_DATA"):
        env["LESSONKIT_DATA"] = os.environ["LESSONKIT_DATA"]
    return env


def kernel_argv(sandbox: Sandbox, work: Path, sockets: Path, memory_mb: int, hide: list[str],
                network: bool = False) -> list[str]:
    """The kernel command: bubblewrap (if any) around Python setting limits, then ipykernel.

    network=True keeps the host's network (needed when the grader reaches the kernel by TCP).
    """
    code = (_LAUNCH.replace("@MEMORY@", str(int(memory_mb) * 1024 * 1024))
            .replace("@FSIZE@", str(FILE_SIZE_LIMIT)))
    python = [sys.executable, "-c", code, "-f", "{connection_file}", "--HistoryManager.enabled=False",
              "--IPKernelApp.quiet=True"]
    if sandbox.kind != "bwrap":
        return python
    # Inside its own PID namespace the kernel's parent is bubblewrap's init (PID 1), which
    # ipykernel takes for "parent gone"; --die-with-parent does that job instead.
    python.append("--IPKernelApp.parent_handle=0")
    argv = [sandbox.bwrap or "bwrap", *(f for f in _BASE_FLAGS if not (network and f == "--unshare-net"))]
    for h in hide:
        argv += ["--tmpfs", h]
    argv += _rebinds([Path("/tmp"), *map(Path, hide)])
    for d in (work, sockets):
        argv += ["--bind", str(d), str(d)]
    argv += ["--chdir", str(work), "--"]
    return argv + python


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


class CellStuck(Exception):
    """A cell ran past its time limit and did not stop when interrupted."""


# What the worker keeps from one kernel: nothing but the answers, within these caps; all other
# output is counted and dropped (widget state included), so a notebook cannot grow the worker.
MAX_MESSAGES = 10_000             # output messages looked at; later ones are only counted
MAX_ANSWERS = 2_000               # answers kept from one notebook
MAX_ANSWER_BYTES = 1_000_000      # one answer, as JSON
MAX_ANSWERS_BYTES = 20_000_000    # all answers of one notebook, as JSON
MAX_MESSAGE_BYTES = 64 * 1024 * 1024  # one message; a larger one is dropped (ZeroMQ reconnects)
RECEIVE_QUEUE = 8                 # messages queued in the worker: at most 8 x 64 MB, whatever the kernel sends


def _size(content: dict, msg: dict) -> int:
    """Roughly how many bytes of output one message carries."""
    size = len(str(content.get("text", "")))
    data = content.get("data")
    if isinstance(data, dict):
        size += sum(len(v) for v in data.values() if isinstance(v, (str, bytes)))  # JSON data: not measured
    return size + sum(len(b) for b in msg.get("buffers") or ())


def _make_client_class():
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionComplete

    from .._exercises import ANSWER_MIME

    class Client(NotebookClient):
        """Keeps only the answers check() records, within caps; every other output message is
        counted and dropped (no outputs, no widget state, no display ids, no comm objects).

        At a cell's time limit the kernel is interrupted (the next cells still run); a cell
        still running one more time limit later ignored the interrupt and ends the notebook.
        """

        output_bytes = 0
        messages = 0
        output_cut = ""
        answers_bytes = 0
        answers: list = []
        timed_out: set = set()
        current = None

        def process_message(self, msg, cell, cell_index):
            msg_type = msg.get("msg_type", "")
            content = msg.get("content") or {}
            if msg_type == "status":
                if content.get("execution_state") == "idle":
                    raise CellExecutionComplete()
                return None
            if msg_type in ("execute_input", "clear_output"):
                return None
            self.messages += 1
            if self.messages > MAX_MESSAGES:
                if not self.output_cut:
                    self.output_cut = (f"the notebook sent more than {MAX_MESSAGES} output messages (widget "
                                       "updates included); later output was cut (not looked at)")
                if msg_type != "display_data":
                    return None
            self.output_bytes += _size(content, msg)
            if msg_type in ("display_data", "execute_result"):
                data = content.get("data")
                if isinstance(data, dict) and ANSWER_MIME in data:
                    self._keep_answer(data[ANSWER_MIME], cell_index)
            return None

        def _keep_answer(self, payload, cell_index) -> None:
            if not isinstance(payload, dict) or not isinstance(payload.get("exercise"), str):
                return
            try:
                text = json.dumps(payload.get("answer"))
            except (TypeError, ValueError, RecursionError):
                return
            if (len(self.answers) >= MAX_ANSWERS or len(text) > MAX_ANSWER_BYTES
                    or self.answers_bytes + len(text) > MAX_ANSWERS_BYTES):
                self.output_cut = (self.output_cut
                                   or "the notebook recorded more answers than are kept; later ones were cut")
                return
            self.answers_bytes += len(text)
            self.answers.append({"cell": cell_index, "exercise": payload["exercise"][:200], "answer": text})

        async def _async_handle_timeout(self, timeout, cell=None):
            if self.current in self.timed_out:
                raise CellStuck(self.current)
            self.timed_out = self.timed_out | {self.current}
            await self.km.interrupt_kernel()
            return None

    return Client


def _capped_context():
    """A ZeroMQ context whose sockets queue few messages and refuse huge ones, so the
    kernel's output cannot pile up in the worker faster than it is read."""
    import zmq
    import zmq.asyncio

    context = zmq.asyncio.Context()
    context.setsockopt(zmq.RCVHWM, RECEIVE_QUEUE)
    context.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)
    return context


async def _shutdown(km, kc) -> None:
    try:
        if kc is not None:
            kc.stop_channels()
    except Exception:  # the kernel may be gone already
        pass
    try:
        if km.has_kernel:
            await km.shutdown_kernel(now=True)
    except Exception:
        pass
    try:
        await km.cleanup_resources()
    except Exception:
        pass


async def _run_once(nb, lesson: str, sandbox: Sandbox, limits: Limits, hide: list[str],
                    root: Path) -> RunOutcome:
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from nbclient.exceptions import DeadKernelError

    work, sockets = root / "work", root / "kernel"
    work.mkdir()
    sockets.mkdir()
    (work / f"{lesson}.ipynb").write_text(json.dumps(nb), encoding="utf-8")  # the working copy
    # Unix sockets where the path fits (macOS's long temporary paths may not); loopback TCP elsewhere
    ipc = sys.platform.startswith("linux") and len(str(sockets / "k-65535")) < 100
    write_kernelspec(root / "spec", kernel_argv(sandbox, work, sockets, limits.memory_mb, hide, network=not ipc))
    context = _capped_context()
    km = AsyncKernelManager(
        kernel_name=KERNEL_NAME, kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(root / "spec" / "kernels")]),
        connection_file=str(sockets / "connection.json"), context=context,
        **({"transport": "ipc", "ip": str(sockets / "k")} if ipc else {"ip": "127.0.0.1"}))
    km.client = lambda **kw: AsyncKernelManager.client(km, context=context, **kw)  # the capped sockets
    out = RunOutcome()
    client = None

    def on_start(**_):
        out.started = True

    def on_execute(cell_index, **_):
        client.current = cell_index

    def on_error(cell_index, execute_reply, **_):
        content = (execute_reply or {}).get("content") or {}
        name = clean(content.get("ename", "error"), EXCEPTION_CHARS) or "error"
        value = clean(content.get("evalue", ""), MESSAGE_CHARS)
        if cell_index in client.timed_out:
            out.notes.append(f"cell {cell_index + 1} was stopped after {limits.timeout:g} s (time limit)")
        elif len(out.notes) < 50:  # a notebook of thousands of failing cells gets a bounded row
            out.notes.append(f"cell {cell_index + 1} raised {name}" + (f": {value}" if value else ""))

    client = _make_client_class()(
        nb, km=km, timeout=limits.timeout, startup_timeout=30, allow_errors=True,
        interrupt_on_timeout=True, shutdown_kernel="immediate", record_timing=False, store_widget_state=False,
        on_notebook_start=on_start, on_cell_execute=on_execute, on_cell_error=on_error)
    client.answers = []
    log = open(root / "kernel.log", "wb")
    deadline_hit = False

    async def execute():
        nonlocal deadline_hit
        task = asyncio.ensure_future(client.async_execute())
        done, _ = await asyncio.wait({task}, timeout=limits.notebook_timeout)
        if not done:  # nbclient turns a cancellation into DeadKernelError: remember why
            deadline_hit = True
            task.cancel()
        return await task

    def where() -> str:
        return f"cell {client.current + 1}" if client.current is not None else "its start"

    try:
        env = _kernel_env(work)
        env[GRADING_ENV] = "1"  # check() only records answers; the verdicts are decided here
        await km.start_kernel(cwd=str(work), env=env, stdout=log, stderr=log)
        await execute()
        out.finished = True
    except CellStuck:
        out.notes.append(f"{where()} went on running after its time limit ({limits.timeout:g} s) and an "
                         "interrupt; the notebook was stopped, later cells did not run")
    except (DeadKernelError, asyncio.CancelledError):
        if deadline_hit:
            out.notes.append(f"the notebook was stopped after {limits.notebook_timeout:g} s in all (time limit) "
                             f"in {where()}; later cells did not run")
        elif out.started:
            out.notes.append(f"the kernel died while running {where()} (exit, crash or the memory limit); "
                             "later cells did not run")
        else:
            out.notes.append("the kernel died as it started")
    except Exception as e:  # any other failure: the notebook did not (fully) run
        text = " ".join(str(e).split())[:160]
        if not out.started:
            log.flush()
            tail = (root / "kernel.log").read_bytes()[-300:].decode("utf-8", "replace").strip().splitlines()
            text = text or (tail[-1] if tail else "")
            out.notes.append(f"the kernel could not start ({type(e).__name__}: {text})")
        else:
            out.notes.append(f"the notebook stopped with {type(e).__name__}: {clean(text, MESSAGE_CHARS)}")
    finally:
        await _shutdown(km, getattr(client, "kc", None))
        atexit.unregister(client._cleanup_kernel)  # nbclient leaves it registered when a start fails
        log.close()
        context.destroy(linger=0)
    out.output_bytes, out.messages, out.output_cut = client.output_bytes, client.messages, client.output_cut
    out.answers = client.answers
    return out


def run_notebook(nb: dict, lesson: str, sandbox: Sandbox, limits: Limits, hide: list[str] = (),
                 parent: Path | None = None) -> RunOutcome:
    """Run a notebook (as a dict) in a fresh, limited kernel; retry once if it cannot start.

    The working copy is made in a new folder under parent (default: the system's temporary
    folder), removed afterwards; the answers check() recorded are returned with their cells.
    """
    import nbformat

    outcome = RunOutcome()
    for attempt in (1, 2):
        root = Path(tempfile.mkdtemp(prefix="lkg-", dir=parent))
        try:
            node = nbformat.from_dict(json.loads(json.dumps(nb)))
            outcome = asyncio.run(_run_once(node, lesson, sandbox, limits, list(hide), root))
        finally:
            shutil.rmtree(root, ignore_errors=True)
        if outcome.started:
            break
    if attempt == 2:
        outcome.notes.insert(0, "the first kernel did not start; it was retried once")
    return outcome
