"""Browser tests: one JupyterLab server and one Debian Chromium per test session.

The server is started here, on 127.0.0.1, on a free port with a random token and with its
own config, runtime, user-settings and workspace folders under a temporary folder, so the
developer's own JupyterLab state never leaks in. It runs from this environment
(``sys.prefix``), so it reads the settings that lessonkit installs as
``share/jupyter/lab/settings/overrides.d/lessonkit.json``. It is always stopped (SIGTERM to its own
PID, then SIGKILL), pass or fail.

Each test gets a fresh page in the session's browser context (whose HTTP cache keeps
JupyterLab's JavaScript between tests). When a test fails, a
screenshot, the page's HTML and the browser console log go to
``test-output/browser/<test-name>/``.

Helpers for tests are methods of :class:`Lab` (fixture ``lab``): open a notebook, run all
cells, wait for the kernel to be idle, find error outputs, find widgets, type into a cell.
Widget interactions live in ``lab_widgets.py``.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "tests" / "sample" / "sample.md"
HERE = Path(__file__).resolve().parent
OUTPUT = REPO / "test-output" / "browser"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--no-default-browser-check",
]
SERVER_START_TIMEOUT = 90  # seconds; a cold start on a busy 2-core machine takes about 5
DEFAULT_TIMEOUT_MS = 30_000


def lessons() -> list[Path]:
    """The lessons in notebooks/ (none yet is fine) followed by the sample lesson."""
    return sorted((REPO / "notebooks").glob("[0-9][0-9]-*.md")) + [SAMPLE]


def pytest_generate_tests(metafunc):
    """A test that asks for ``lesson_notebook`` runs once per lesson's student edition."""
    if "lesson_notebook" in metafunc.fixturenames:
        names = [p.with_suffix(".ipynb").name for p in lessons()]
        metafunc.parametrize("lesson_notebook", names, ids=names)


# --------------------------------------------------------------------------- reporting


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so fixtures can tell whether the test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def _safe_name(nodeid: str) -> str:
    name = nodeid.split("::", 1)[-1]
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_")[:150] or "test"


# --------------------------------------------------------------------------- server


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A running JupyterLab: where it listens, its token, its root folder and its log."""

    url: str
    token: str
    root: Path
    log: Path
    process: subprocess.Popen = field(repr=False)

    def api(self, path: str) -> tuple[int, bytes]:
        """GET path (e.g. ``/api/status``) with the token; return the status and the body."""
        sep = "&" if "?" in path else "?"
        try:
            with urllib.request.urlopen(f"{self.url}{path}{sep}token={self.token}", timeout=5) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            body = e.read()
            e.close()
            return e.code, body

    def shutdown_sessions(self) -> None:
        """Shut down every kernel session, so kernels do not pile up over the session."""
        status, body = self.api("/api/sessions")
        if status != 200:
            return
        for session in json.loads(body):
            req = urllib.request.Request(f"{self.url}/api/sessions/{session['id']}", method="DELETE",
                                         headers={"Authorization": f"token {self.token}"})
            try:
                urllib.request.urlopen(req, timeout=30).close()
            except urllib.error.HTTPError as e:
                e.close()

    def log_tail(self, n: int = 40) -> str:
        """The last n lines of the server's log."""
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return "(no server log)"


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM the server's own PID (it shuts its kernels down), then SIGKILL if it lingers."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _start_server(root: Path, state: Path) -> Server:
    """Start JupyterLab on a free port; retry with another port if one is taken meanwhile.

    It is the student's JupyterLab, as ``lessonkit lesson`` starts it (nbgrader's extensions off)."""
    from lessonkit.teacher.lesson import student_lab_environment

    env = student_lab_environment()
    env.update({
        "JUPYTER_CONFIG_DIR": str(state / "config"),
        "JUPYTER_RUNTIME_DIR": str(state / "runtime"),
        "JUPYTER_DATA_DIR": str(state / "data"),
        "JUPYTERLAB_SETTINGS_DIR": str(state / "user-settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(state / "workspaces"),
        "JUPYTER_PLATFORM_DIRS": "1",
        "LESSONKIT_RECORD_DIR": str(state / "records"),
        "PATH": str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", ""),
        "PYTHONNOUSERSITE": "1",
    })
    for name in ("config", "runtime", "data", "user-settings", "workspaces", "records"):
        (state / name).mkdir(parents=True, exist_ok=True)
    last_error = ""
    for attempt in range(3):
        port, token = _free_port(), secrets.token_hex(24)
        log = state / f"server-{attempt}.log"
        cmd = [
            sys.executable, "-m", "jupyterlab",
            "--ip", "127.0.0.1", f"--port={port}", "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={token}", "--no-browser", "--allow-root",
            f"--ServerApp.root_dir={root}", "--LabApp.expose_app_in_browser=True",
            "--ServerApp.open_browser=False",
        ]
        with open(log, "wb") as out:
            process = subprocess.Popen(cmd, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT,
                                       stdin=subprocess.DEVNULL)
        server = Server(f"http://127.0.0.1:{port}", token, root, log, process)
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        try:
            while time.monotonic() < deadline and process.poll() is None:
                try:
                    status, _ = server.api("/api/status")
                    if status == 200:
                        return server
                except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                    pass
                time.sleep(0.2)
        except BaseException:  # Ctrl+C while waiting: do not leave the server behind
            _stop(process)
            raise
        _stop(process)
        last_error = server.log_tail()
        if "already in use" not in last_error:
            break
    raise RuntimeError(f"JupyterLab did not start; the end of its log:\n{last_error}")


@pytest.fixture(scope="session")
def lab_root(tmp_path_factory) -> Path:
    """The server's root folder: the student editions of all lessons, as the student sees them.

    Holds one ``.ipynb`` per lesson (built with lessonkit.teacher.editions.build), the sample
    lesson's jupytext source ``sample.md``, and the widget test notebook ``widgets_demo.ipynb``.
    """
    import jupytext

    from lessonkit.teacher.editions import build

    editions = tmp_path_factory.mktemp("editions")
    build(lessons(), editions, editions=("student",))
    root = editions / "student"
    shutil.copy(SAMPLE, root / "sample.md")
    jupytext.write(jupytext.read(HERE / "widgets_demo.md"), root / "widgets_demo.ipynb", fmt="ipynb")
    return root


@pytest.fixture(scope="session")
def jupyter_server(lab_root, tmp_path_factory):
    """A JupyterLab server for the whole session, stopped at the end whatever happened."""
    server = _start_server(lab_root, tmp_path_factory.mktemp("jupyter-state"))
    try:
        yield server
    finally:
        _stop(server.process)


# --------------------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """Debian's Chromium; skip without it, but fail in CI (where a skip would hide a gap)."""
    if not CHROMIUM.exists():
        reason = (f"{CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium); "
                  "the browser tests never download a browser")
        if os.environ.get("CI"):
            pytest.fail(reason + " (CI is set, so this is a failure, not a skip)")
        pytest.skip(reason)
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium_path):
    """One headless Chromium for the session, driven by Playwright's sync API."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(chromium_path), headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="session")
def browser_context(browser):
    """One browser context for the session: pages share its HTTP cache, so JupyterLab's
    JavaScript is downloaded once, not once per test (about 2 s saved per test)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def page(browser_context, request):
    """A fresh page; on failure its screenshot, HTML and console log are kept."""
    pg = browser_context.new_page()
    console: list[str] = []
    start = time.monotonic()

    def stamp() -> str:
        return f"{time.monotonic() - start:8.3f}s"

    pg.on("console", lambda m: console.append(f"{stamp()} console.{m.type}: {m.text}"))
    pg.on("pageerror", lambda e: console.append(f"{stamp()} pageerror: {e}"))
    pg.on("requestfailed", lambda r: console.append(f"{stamp()} requestfailed: {r.url} {r.failure}"))
    pg.console_log = console  # type: ignore[attr-defined]
    try:
        yield pg
    finally:
        server = getattr(request.node, "_lab_server", None)
        failed = any(getattr(getattr(request.node, f"rep_{w}", None), "failed", False)
                     for w in ("setup", "call"))
        if failed:
            out = OUTPUT / _safe_name(request.node.nodeid)
            shutil.rmtree(out, ignore_errors=True)
            out.mkdir(parents=True, exist_ok=True)
            try:
                pg.screenshot(path=str(out / "screenshot.png"), full_page=True)
                (out / "page.html").write_text(pg.content(), encoding="utf-8")
            except Exception as e:  # a crashed page must not hide the test's own failure
                console.append(f"(screenshot failed: {e})")
            (out / "console.log").write_text("\n".join(console) + "\n", encoding="utf-8")
            if server is not None:
                (out / "server.log").write_text(server.log_tail(400) + "\n", encoding="utf-8")
        pg.close()
        if server is not None:
            server.shutdown_sessions()


# --------------------------------------------------------------------------- the Lab driver

_JS_NOTEBOOK = """
() => {
  const app = window.jupyterapp;
  const w = app && app.shell.currentWidget;
  return (w && w.content && w.content.widgets && w.sessionContext) ? w : null;
}
"""


class Lab:
    """Drive JupyterLab in a page: open, run, wait, and read cells and outputs."""

    def __init__(self, page, server: Server):
        self.page = page
        self.server = server

    # ---- opening
    def open(self, name: str, timeout_ms: int = 60_000) -> None:
        """Open a file of the root folder with its default viewer and wait for a ready kernel."""
        self.page.goto(f"{self.server.url}/lab/tree/{name}?token={self.server.token}&reset",
                       wait_until="domcontentloaded")
        self.page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell", timeout=timeout_ms)
        self.page.wait_for_function("() => window.jupyterapp.restored !== undefined", timeout=timeout_ms)
        self.page.evaluate("async () => { await window.jupyterapp.restored; }")
        self.page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=timeout_ms)
        self.wait_for_kernel(timeout_ms)

    def wait_for_kernel(self, timeout_ms: int = 60_000) -> None:
        """Wait until the current notebook's kernel is started and idle."""
        self.page.wait_for_function(f"""() => {{
            const w = ({_JS_NOTEBOOK})();
            const k = w && w.sessionContext.session && w.sessionContext.session.kernel;
            return !!k && k.status === 'idle' && k.connectionStatus === 'connected' &&
                   !w.sessionContext.isRestarting && w.context.isReady;
        }}""", timeout=timeout_ms, polling=100)

    def current_path(self) -> str:
        """The path of the document in the main area."""
        return self.page.evaluate("() => window.jupyterapp.shell.currentWidget.context.path")

    def is_notebook(self) -> bool:
        """True when the main area shows a notebook (not a text editor)."""
        return self.page.evaluate(f"() => !!({_JS_NOTEBOOK})()")

    # ---- running
    def run_all(self, timeout_ms: int = 120_000) -> None:
        """Run every cell (the same command as Run > Run All Cells) and wait until idle."""
        ok = self.page.evaluate("""async () =>
            await window.jupyterapp.commands.execute('notebook:run-all-cells')""")
        self.wait_for_idle(timeout_ms)
        if ok is not True:
            counts = [c.get("execution_count") for c in self.cells() if c["type"] == "code"]
            raise AssertionError(f"Run All stopped early (execution counts {counts}); "
                                 f"errors: {self.error_outputs()}; kernel: {self.kernel_status()}")

    def kernel_status(self) -> str:
        """The kernel's status and connection status, e.g. 'idle/connected'."""
        return self.page.evaluate(f"""() => {{
            const w = ({_JS_NOTEBOOK})();
            const k = w && w.sessionContext.session && w.sessionContext.session.kernel;
            return k ? k.status + '/' + k.connectionStatus : 'no kernel';
        }}""")

    def wait_for_idle(self, timeout_ms: int = 120_000) -> None:
        """Wait until no cell is queued or running and the kernel is idle."""
        self.page.wait_for_function(f"""() => {{
            const w = ({_JS_NOTEBOOK})();
            if (!w) return false;
            const k = w.sessionContext.session && w.sessionContext.session.kernel;
            const busy = w.content.widgets.some(c => c.model.type === 'code' &&
                c.model.executionState === 'running') ||
                Array.from(w.node.querySelectorAll('.jp-InputPrompt')).some(p => p.textContent.includes('*'));
            return !!k && k.status === 'idle' && !busy;
        }}""", timeout=timeout_ms, polling=100)
        self.page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").first.wait_for(
            state="attached", timeout=timeout_ms)

    # ---- reading
    def cells(self) -> list[dict]:
        """Each cell's type, source, execution count and outputs (as nbformat dicts)."""
        return self.page.evaluate(f"""() => {{
            const w = ({_JS_NOTEBOOK})();
            return w.content.widgets.map(c => {{
                const m = c.model;
                const out = {{type: m.type, source: m.sharedModel.getSource()}};
                if (m.type === 'code') {{
                    out.execution_count = m.executionCount;
                    out.outputs = m.outputs.toJSON();
                }}
                return out;
            }});
        }}""")

    def cell_index(self, text: str) -> int:
        """The index of the first cell whose source contains text."""
        for i, c in enumerate(self.cells()):
            if text in c["source"]:
                return i
        raise LookupError(f"no cell contains {text!r}")

    def cell(self, index: int):
        """The locator of the cell at index (in document order)."""
        return self.page.locator(".jp-Notebook .jp-Cell").nth(index)

    def error_outputs(self) -> list[str]:
        """Error outputs (tracebacks) and stderr streams, one string per output, with its cell."""
        errors = []
        for i, c in enumerate(self.cells()):
            for o in c.get("outputs", []):
                if o.get("output_type") == "error":
                    errors.append(f"cell {i}: {o.get('ename')}: {o.get('evalue')}")
                elif o.get("output_type") == "stream" and o.get("name") == "stderr":
                    errors.append(f"cell {i} stderr: {''.join(o.get('text', ''))[:500]}")
        rendered = self.page.locator(".jp-Notebook .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
        if rendered.count() and not errors:
            errors.append(f"{rendered.count()} stderr/error outputs shown in the page")
        return errors

    def output_texts(self, index: int) -> list[str]:
        """The text shown in each output of one cell (including text/html, as the page shows it)."""
        outs = self.cell(index).locator(".jp-OutputArea-output")
        return [outs.nth(i).text_content() or "" for i in range(outs.count())]

    def widgets(self, index: int | None = None):
        """Locator of the rendered ipywidgets (in one cell's output, or the whole notebook)."""
        scope = self.cell(index) if index is not None else self.page.locator(".jp-Notebook")
        return scope.locator(".jp-OutputArea-output .jupyter-widgets")

    def widget_errors(self) -> list[str]:
        """Widgets that failed to render ('Error displaying widget' / 'model not found')."""
        texts = self.page.locator(".jp-Notebook .jp-OutputArea-output").all_text_contents()
        return [t.strip()[:200] for t in texts
                if "Error displaying widget" in t or "Error rendering" in t or "model not found" in t]

    # ---- typing
    def edit_line(self, index: int, old_line: str, new_line: str) -> None:
        """Replace one line of a cell's source by typing, as a student would, then leave it unrun.

        Clicks into the cell's editor, moves to the line with the keyboard, selects it and
        types the new text.
        """
        source = self.cells()[index]["source"].split("\n")
        line = next((n for n, s in enumerate(source) if s == old_line), None)
        if line is None:
            raise LookupError(f"cell {index} has no line {old_line!r}; its lines: {source}")
        editor = self.cell(index).locator(".jp-InputArea-editor .cm-content")
        editor.click()
        kb = self.page.keyboard
        kb.press("Control+Home")
        for _ in range(line):
            kb.press("ArrowDown")
        kb.press("End")
        kb.press("Shift+Home")
        kb.type(new_line)
        got = self.cells()[index]["source"].split("\n")[line]
        if got != new_line:
            raise AssertionError(f"typed {new_line!r} into cell {index} but its line reads {got!r}")

    def run_cell_with_shift_enter(self, index: int, timeout_ms: int = 60_000) -> None:
        """Press Shift+Enter in the cell's editor (the cell must have focus) and wait until idle."""
        before = self.cells()[index].get("execution_count")
        self.page.keyboard.press("Shift+Enter")
        self.page.wait_for_function(f"""() => {{
            const w = ({_JS_NOTEBOOK})();
            const c = w.content.widgets[{index}].model;
            return c.executionCount !== null && c.executionCount !== {json.dumps(before)};
        }}""", timeout=timeout_ms, polling=50)
        self.wait_for_idle(timeout_ms)

    # ---- JupyterLab state
    def composite_setting(self, plugin: str, key: str):
        """A setting's effective value as JupyterLab sees it (defaults, overrides, user)."""
        return self.page.evaluate("""async ([plugin, key]) => {
            const s = await window.jupyterapp.serviceManager.settings.fetch(plugin);
            return s.settings ? s.settings[key] : undefined;
        }""", [plugin, key])

    def toasts(self) -> list[str]:
        """The texts of the notification toasts shown now."""
        return self.page.locator(".Toastify__toast").all_text_contents()


@pytest.fixture
def offline(page):
    """The page, for a static page opened from a file: every request that is not a local file
    is refused and recorded (``page.refused``), so a test sees anything that would need the network."""
    refused: list[str] = []

    def local_only(route):
        if route.request.url.startswith(("file:", "data:")):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    page.route("**/*", local_only)
    page.refused = refused  # type: ignore[attr-defined]
    return page


@pytest.fixture
def lab(page, jupyter_server, request) -> Lab:
    """A :class:`Lab` in a fresh page of the session's browser, on the session's server."""
    request.node._lab_server = jupyter_server
    return Lab(page, jupyter_server)
