"""Running a notebook in a fresh sandboxed kernel, with the next kernel already started.

Every notebook runs in a kernel of its own, started for it and killed after it, never
reused; :mod:`lessonkit.teacher.sandbox` builds the kernel's command, its view of the file
system and its limits. A :class:`Runner` starts the next kernel while the current notebook
runs, with pandas and lessonkit already imported (the kernel's launch code imports them
before ipykernel starts), so a notebook does not wait for a kernel to start.

The grader keeps nothing a kernel sends but the answers check() records, within caps
(:func:`_make_client_class`). A cell is interrupted at its time limit (the next cells still
run); a cell still running one more time limit later ignored the interrupt and ends the
notebook, as does the limit for the whole notebook. All of it uses nbclient's public hooks.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import sandbox as sb
from .sanitize import EXCEPTION_CHARS, MESSAGE_CHARS, clean

OUTPUT_NOTE_BYTES = 1_000_000  # output above this is mentioned in the gradebook
STARTUP_TIMEOUT = 30.0            # seconds for a kernel to answer once started
# What the worker keeps from one kernel: nothing but the answers, within these caps; all other
# output is counted and dropped (widget state included), so a notebook cannot grow the worker.
MAX_MESSAGES = 10_000             # output messages looked at; later ones are only counted
MAX_ANSWERS = 2_000               # answers kept from one notebook
MAX_ANSWER_BYTES = 1_000_000      # one answer, as JSON
MAX_ANSWERS_BYTES = 20_000_000    # all answers of one notebook, as JSON
MAX_MESSAGE_BYTES = 64 * 1024 * 1024  # one message; a larger one is dropped (ZeroMQ reconnects)
RECEIVE_QUEUE = 8                 # messages queued in the worker: at most 8 x 64 MB, whatever the kernel sends


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
    forged: int = 0                # answers in an exercise cell not sent by the grader's own call of check()
    replaced: tuple[str, ...] = ()  # names of check() the notebook had replaced when an exercise cell ran


def _size(content: dict, msg: dict) -> int:
    """Roughly how many bytes of output one message carries."""
    size = len(str(content.get("text", "")))
    data = content.get("data")
    if isinstance(data, dict):
        size += sum(len(v) for v in data.values() if isinstance(v, (str, bytes)))  # JSON data: not measured
    return size + sum(len(b) for b in msg.get("buffers") or ())


def _make_client_class() -> Any:
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionComplete

    from ..._exercises import ANSWER_MIME

    class Client(NotebookClient):
        """Keeps only the answers check() records, within caps; every other output message is
        counted and dropped (no outputs, no widget state, no display ids, no comm objects)."""

        messages: int
        output_bytes: int
        output_cut: str
        answers: list[dict]
        answers_bytes: int
        nonces: dict[int, str]  # exercise cell -> the nonce its calls of check() were given
        forged: int
        replaced: set[str]

        def process_message(self, msg: dict, cell: Any, cell_index: int) -> None:
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

        def _keep_answer(self, payload: Any, cell_index: int) -> None:
            if not isinstance(payload, dict) or not isinstance(payload.get("exercise"), str):
                return
            nonce = self.nonces.get(cell_index)
            if nonce is not None:  # an exercise cell: only the grader's own call of check() counts
                if payload.get("nonce") != nonce or payload.get("main_thread") is not True:
                    self.forged += 1
                    return
                replaced = payload.get("replaced")
                if isinstance(replaced, list):
                    self.replaced |= {str(r)[:40] for r in replaced[:5]}
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

    return Client


# A call of check() with an exercise id, with whatever names the function is reached by
# (``check(``, ``lessonkit.check(``, ``lk.check(``): the callee is what the grader replaces.
_CALLEE = re.compile(r"""(?<![\w.])(?:[A-Za-z_]\w*\s*\.\s*)*check(?=\(\s*(['"])[a-z][a-z0-9_]*\.[a-z0-9][a-z0-9_-]*\1)""")


def with_nonces(nb: Any) -> tuple[Any, dict[int, str]]:
    """A copy of nb to run, whose exercise cells (those calling check() with an exercise id)
    call the grader's own check() with a nonce made now for each cell, and those nonces.

    A nonce reaches the kernel only in the code of its cell, when that cell runs: no earlier
    cell (nor a thread it started) can know it, and a check() the notebook replaced, under
    whatever name, is not what the exercise cell calls.

    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1\\nlessonkit.check('a.b', x)")])
    >>> run, nonces = with_nonces(nb)
    >>> list(nonces), run.cells[0].source == nb.cells[0].source, nonces[0] in run.cells[0].source
    ([0], False, True)
    """
    import copy
    import secrets

    run = copy.deepcopy(nb)
    nonces: dict[int, str] = {}
    for index, cell in enumerate(run.cells):
        if cell.get("cell_type") != "code" or not _CALLEE.search(cell.source):
            continue
        nonces[index] = nonce = secrets.token_hex(16)
        own = f'__import__("lessonkit._exercises", fromlist=["_"]).grading_check("{nonce}")'
        cell.source = _CALLEE.sub(own, cell.source)  # own holds no backslash: taken as it is
    return run, nonces


def _capped_context() -> Any:
    """A ZeroMQ context whose sockets queue few messages and refuse huge ones, so the
    kernel's output cannot pile up in the worker faster than it is read."""
    import zmq
    import zmq.asyncio

    context = zmq.asyncio.Context()
    context.setsockopt(zmq.RCVHWM, RECEIVE_QUEUE)
    context.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)
    return context


class Kernel:
    """One sandboxed kernel in throwaway folders of its own, for one notebook: start() it,
    then run() a notebook once (which also closes it), or close() it unused."""

    def __init__(self, lesson: str, sandbox: sb.Sandbox, limits: sb.Limits, hide: list[str],
                 parent: Path | None) -> None:
        from jupyter_client.kernelspec import KernelSpecManager
        from jupyter_client.manager import AsyncKernelManager

        self.limits = limits
        self.root = Path(tempfile.mkdtemp(prefix="lkg-", dir=parent))
        self.work, sockets = self.root / "work", self.root / "kernel"
        self.work.mkdir()
        sockets.mkdir()
        # The notebook's working copy: bound read-only into the sandbox when the kernel starts,
        # filled in place (same file) when the notebook is known.
        self.copy = self.work / f"{lesson}.ipynb"
        self.copy.write_bytes(b"")
        # Unix sockets where the path fits (macOS's long temporary paths may not); loopback TCP elsewhere
        ipc = sys.platform.startswith("linux") and len(str(sockets / "k-65535")) < 100
        argv, self.env, self.group = sb.kernel_setup(sandbox, self.work, sockets, limits, hide, network=not ipc)
        sb.write_kernelspec(self.root / "spec", argv)
        self.context = _capped_context()
        self.km = AsyncKernelManager(
            kernel_name=sb.KERNEL_NAME,
            kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(self.root / "spec" / "kernels")]),
            connection_file=str(sockets / "connection.json"), context=self.context,
            **({"transport": "ipc", "ip": str(sockets / "k")} if ipc else {"ip": "127.0.0.1"}))
        self.kc: Any = None
        self.log = open(self.root / "kernel.log", "wb")
        self.ready = False
        self.problem = ""  # why it did not start
        self.closed = False

    async def launch(self) -> Kernel:
        """Start the kernel's process and connect to it, without waiting for it to answer."""
        try:
            await self.km.start_kernel(cwd=str(self.work), env=self.env, stdout=self.log, stderr=self.log)
            self.kc = self.km.client(context=self.context)  # the capped sockets
            self.kc.start_channels()
        except Exception as e:
            self._failed(e)
        return self

    async def start(self) -> Kernel:
        """Start the kernel (if not launched yet) and wait until it answers (never raises: see
        ``ready`` and ``problem``)."""
        if self.kc is None and not self.problem:
            await self.launch()
        if self.problem:
            return self
        try:
            await self.kc.wait_for_ready(timeout=STARTUP_TIMEOUT)
            self.kc.allow_stdin = False
            self.ready = True
        except Exception as e:
            self._failed(e)
        return self

    def _failed(self, e: Exception) -> None:
        self.log.flush()
        tail = (self.root / "kernel.log").read_bytes()[-300:].decode("utf-8", "replace").strip().splitlines()
        text = " ".join(str(e).split())[:160] or (tail[-1] if tail else "")
        self.problem = f"the kernel could not start ({type(e).__name__}: {text})"

    async def run(self, nb: Any) -> RunOutcome:
        """Run every cell of nb (a NotebookNode) in this kernel, then close it."""
        from nbclient.exceptions import DeadKernelError

        limits = self.limits
        out = RunOutcome(started=self.ready)
        if not self.ready:
            out.notes.append(self.problem or "the kernel could not start")
            out.notes += await self.close()
            return out
        self.copy.write_text(json.dumps(nb), encoding="utf-8")  # in place: the kernel sees this file
        run_nb, nonces = with_nonces(nb)  # what runs: exercise cells call the grader's own check()
        client = _make_client_class()(
            run_nb, km=self.km, timeout=None, allow_errors=True, shutdown_kernel="immediate",
            record_timing=False, store_widget_state=False)
        client.kc = self.kc  # already started and ready: nbclient neither starts nor stops this kernel
        client.answers, client.answers_bytes, client.messages, client.output_bytes = [], 0, 0, 0
        client.output_cut, client.nonces, client.forged, client.replaced = "", nonces, 0, set()
        timed_out: set[int] = set()
        state: dict[str, Any] = {"cell": None, "running": 0, "stuck": False, "deadline": False, "task": None}

        async def watch(index: int, token: int) -> None:
            """Interrupt a cell at its time limit; end the notebook if it still runs a limit later."""
            await asyncio.sleep(limits.timeout)
            if state["running"] != token:
                return
            timed_out.add(index)
            await self.km.interrupt_kernel()
            await asyncio.sleep(limits.timeout)
            if state["running"] == token:
                state["stuck"] = True
                state["task"].cancel()

        watchers: list[asyncio.Task] = []

        def on_execute(cell_index: int, **_: Any) -> None:
            state["cell"] = cell_index
            state["running"] += 1
            watchers.append(asyncio.ensure_future(watch(cell_index, state["running"])))

        def on_executed(**_: Any) -> None:
            state["running"] += 1  # the cell's reply came: its watcher stands down
            for w in watchers:
                w.cancel()
            watchers.clear()

        def on_error(cell_index: int, execute_reply: Any, **_: Any) -> None:
            content = (execute_reply or {}).get("content") or {}
            name = clean(content.get("ename", "error"), EXCEPTION_CHARS) or "error"
            value = clean(content.get("evalue", ""), MESSAGE_CHARS)
            if cell_index in timed_out:
                out.notes.append(f"cell {cell_index + 1} was stopped after {limits.timeout:g} s (time limit)")
            elif len(out.notes) < 50:  # a notebook of thousands of failing cells gets a bounded row
                out.notes.append(f"cell {cell_index + 1} raised {name}" + (f": {value}" if value else ""))

        client.on_cell_execute, client.on_cell_executed, client.on_cell_error = on_execute, on_executed, on_error

        def where() -> str:
            return f"cell {state['cell'] + 1}" if state["cell"] is not None else "its start"

        try:
            state["task"] = task = asyncio.ensure_future(client.async_execute())
            done, _ = await asyncio.wait({task}, timeout=limits.notebook_timeout)
            if not done:  # nbclient turns a cancellation into DeadKernelError: remember why
                state["deadline"] = True
                task.cancel()
            await task
            out.finished = True
        except (DeadKernelError, asyncio.CancelledError):
            if state["stuck"]:
                out.notes.append(f"{where()} went on running after its time limit ({limits.timeout:g} s) and an "
                                 "interrupt; the notebook was stopped, later cells did not run")
            elif state["deadline"]:
                out.notes.append(f"the notebook was stopped after {limits.notebook_timeout:g} s in all (time limit) "
                                 f"in {where()}; later cells did not run")
            else:
                out.notes.append(f"the kernel died while running {where()} (exit, crash or the memory limit); "
                                 "later cells did not run")
        except Exception as e:  # any other failure: the notebook did not (fully) run
            text = " ".join(str(e).split())[:160]
            out.notes.append(f"the notebook stopped with {type(e).__name__}: {clean(text, MESSAGE_CHARS)}")
        finally:
            for w in watchers:
                w.cancel()
            out.notes += await self.close()
        out.output_bytes, out.messages, out.output_cut = client.output_bytes, client.messages, client.output_cut
        out.answers, out.forged, out.replaced = client.answers, client.forged, tuple(sorted(client.replaced))
        return out

    async def close(self) -> list[str]:
        """Kill the kernel and everything it started, remove its folders; the limits' notes."""
        if self.closed:
            return []
        self.closed = True
        try:
            if self.kc is not None:
                self.kc.stop_channels()
        except Exception:  # the kernel may be gone already
            pass
        try:
            if self.km.has_kernel:
                await self.km.shutdown_kernel(now=True)
        except Exception:
            pass
        try:
            await self.km.cleanup_resources()
        except Exception:
            pass
        notes = self.group.close()  # stops what is left of the run; says which limit, if any, stopped it
        self.log.close()
        self.context.destroy(linger=0)
        shutil.rmtree(self.root, ignore_errors=True)
        return notes


class Runner:
    """Runs notebooks one after another, each in a fresh kernel; while one runs, the next
    kernel starts. Use from one thread at a time; close() when done (it kills the kernel kept
    ready). Where the calling thread already runs an event loop (a notebook, Playwright), the
    runner's own loop runs in a short-lived thread of its own."""

    def __init__(self, lesson: str, sandbox: sb.Sandbox, limits: sb.Limits, hide: Sequence[str] = (),
                 parent: Path | None = None) -> None:
        self.args = (lesson, sandbox, limits, list(hide), parent)
        self.loop = asyncio.new_event_loop()
        self.spare: asyncio.Task[Kernel] | None = None

    def _complete(self, coro: Any) -> Any:
        """Run coro to its end on the runner's loop."""
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return self.loop.run_until_complete(coro)
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(1) as pool:
            return pool.submit(self.loop.run_until_complete, coro).result()

    def _start(self) -> asyncio.Task[Kernel]:
        return self.loop.create_task(Kernel(*self.args).start())

    def prestart(self) -> None:
        """Launch the first notebook's kernel now (it boots while the grader gets ready)."""
        if self.spare is None:
            kernel = self._complete(Kernel(*self.args).launch())
            self.spare = self.loop.create_task(kernel.start())

    def run(self, nb: dict, next_one: bool = True) -> RunOutcome:
        """Run nb (a dict) in a fresh kernel, retried once if it cannot start; with next_one,
        start the kernel of the next notebook meanwhile."""
        import nbformat

        node = nbformat.from_dict(json.loads(json.dumps(nb)))
        return self._complete(self._run(node, next_one))

    async def _run(self, nb: Any, next_one: bool) -> RunOutcome:
        kernel = await (self.spare or self._start())
        self.spare = self._start() if next_one else None
        if kernel.ready and not await kernel.km.is_alive():  # a kernel kept ready that stopped meanwhile
            kernel.ready, kernel.problem = False, "the kernel stopped before the notebook ran"
        if kernel.ready:
            return await kernel.run(nb)
        await kernel.close()
        outcome = await (await self._start()).run(nb)
        outcome.notes.insert(0, "the first kernel did not start; it was retried once")
        return outcome

    def close(self) -> None:
        """Kill the kernel kept ready, if any, and end the event loop."""
        if self.loop.is_closed():
            return
        if self.spare is not None:
            spare, self.spare = self.spare, None
            self._complete(self._discard(spare))
        self.loop.close()

    @staticmethod
    async def _discard(spare: asyncio.Task[Kernel]) -> None:
        await (await spare).close()


def run_notebook(nb: dict, lesson: str, sandbox: sb.Sandbox, limits: sb.Limits, hide: Sequence[str] = (),
                 parent: Path | None = None) -> RunOutcome:
    """Run one notebook (as a dict) in a fresh, limited kernel; retry once if it cannot start.

    Its folders are made in a new folder under parent (default: the system's temporary
    folder) and removed afterwards; the answers check() recorded are returned with their
    cells. Works also where this thread already runs an event loop (then in a thread of its own).
    """
    def whole() -> RunOutcome:
        runner = Runner(lesson, sandbox, limits, hide, parent)
        try:
            return runner.run(nb, next_one=False)
        finally:
            runner.close()

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return whole()
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(whole).result()
