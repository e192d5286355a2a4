"""The app view: ``apps/explorers.md`` served by Voilà, in Debian's Chromium.

Voilà is started here (on 127.0.0.1, a free port, no browser, its own runtime, config and
data folders) and always stopped. The page must show no code, render each of the five
explorers, and answer a person's interaction with each, as the lessons' browser test does
(the same keyboard and mouse actions). Requests that would leave the machine (Voilà asks for
an icon stylesheet on a CDN) are refused and logged. On failure, the conftest's ``page``
fixture keeps a screenshot, the page's HTML, the console log and Voilà's log.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from .conftest import REPO, _free_port, _stop
from .lab_widgets import _ARM, Action, Report, Timing, click, type_text
from .test_lesson_widgets import ACTIONS

pytestmark = pytest.mark.browser

APP = REPO / "apps" / "explorers.md"
START_TIMEOUT = 90  # seconds
TEMPLATES = REPO / "apps"  # JUPYTER_PATH entry holding voila/templates/lessonkit (landmarks)
TITLE = "The London summit: explorers"
# The explorers of the app, in page order, with their tab, what a person does and what must follow.
CHECKS = [
    ("What happened, and when", "Timeline explorer", ACTIONS["timeline_explorer"], r"^Events in the timeline"),
    ("Following the money", "Pledge explorer", ACTIONS["pledge_explorer"], r"Money figures, in [A-Z]{3}"),
    ("Following the money", "Currency converter", type_text("2.5", target="input", submit=True), r"2\.500bn GBP ="),
    ("Where they stand", "Positions by topic", ACTIONS["position_explorer"], r"\?"),
    ("Checking the claims", "Claim checker", click("button:has-text('Next')"), r"^Claim 2 of \d+"),
    ("Checking the claims", "Claim checker", click("button:has-text('Show the evidence')"), r"Verdict: \w+"),
]


@dataclass
class Voila:
    """A running Voilà: its URL and log (``log_tail`` and ``shutdown_sessions`` are what the
    conftest's ``page`` fixture asks of a server)."""

    url: str
    log: Path
    process: subprocess.Popen = field(repr=False)

    def log_tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return "(no Voilà log)"

    def shutdown_sessions(self) -> None:
        """Nothing to do: Voilà shuts a page's kernel down when the page closes."""


def _listening(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="module")
def voila(tmp_path_factory):
    """Voilà serving the app's notebook (built from apps/explorers.md), stopped at the end."""
    from lessonkit.teacher.export import build_app

    state = tmp_path_factory.mktemp("voila")
    notebook = build_app(APP, state / "app" / "explorers.ipynb")
    env = dict(os.environ)
    for name in ("config", "runtime", "data", "records"):
        (state / name).mkdir()
    env.update({
        "JUPYTER_CONFIG_DIR": str(state / "config"), "JUPYTER_RUNTIME_DIR": str(state / "runtime"),
        "JUPYTER_DATA_DIR": str(state / "data"), "JUPYTER_PLATFORM_DIRS": "1",
        "LESSONKIT_RECORD_DIR": str(state / "records"), "PYTHONNOUSERSITE": "1",
        "PATH": str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", ""),
        "JUPYTER_PATH": str(TEMPLATES),
    })
    last = ""
    for attempt in range(3):
        port = _free_port()
        log = state / f"voila-{attempt}.log"
        cmd = [sys.executable, "-m", "voila", str(notebook), "--no-browser", f"--port={port}",
               "--Voila.ip=127.0.0.1", "--Voila.port_retries=0", "--strip_sources=True", "--template=lessonkit",
               "--VoilaConfiguration.extension_denylist=['jupyterlab-jupytext']"]
        with open(log, "wb") as out:
            process = subprocess.Popen(cmd, cwd=notebook.parent, env=env, stdout=out,
                                       stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        server = Voila(f"http://127.0.0.1:{port}/", log, process)
        try:
            deadline = time.monotonic() + START_TIMEOUT
            while time.monotonic() < deadline and process.poll() is None and not _listening(port):
                time.sleep(0.2)
            if process.poll() is None and _listening(port):
                yield server
                return
            last = server.log_tail()
        finally:
            _stop(process)
        if "already in use" not in last:
            break
    raise RuntimeError(f"Voilà did not start; the end of its log:\n{last}")


@pytest.fixture
def app(page, voila, request):
    """The app's page, opened and rendered: every explorer visible, the kernel's work done."""
    request.node._lab_server = voila
    refused: list[str] = []

    def local_only(route):
        if route.request.url.startswith(voila.url):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    page.route("**/*", local_only)
    start = time.monotonic()
    page.goto(voila.url, wait_until="domcontentloaded", timeout=90_000)
    page.wait_for_function("() => document.querySelectorAll('.lessonkit-explorer .lessonkit-output').length >= 5",
                           timeout=90_000, polling=100)
    page.refused = refused  # type: ignore[attr-defined]
    page.render_s = time.monotonic() - start  # type: ignore[attr-defined]
    page.console_log.append(f"refused requests: {refused}")  # type: ignore[attr-defined]
    return page


def explorer(page, title: str):
    """The explorer whose title (its first line) is ``title``."""
    return page.locator(".lessonkit-explorer").filter(
        has=page.locator(".widget-html:first-child", has_text=re.compile("^" + re.escape(title) + "$"))).first


def respond(page, box, action: Action, expect: str, timeout_ms: int = 15_000) -> Timing:
    """Do ``action`` in the explorer ``box`` and wait for its output to change and match
    ``expect``; the time is from the first input event to the first change (lab_widgets)."""
    box.scroll_into_view_if_needed()
    if action.prepare:
        action.prepare(page, box)
    before = box.evaluate(_ARM, ".lessonkit-output")
    try:
        action.act(page, box)
        page.wait_for_function("() => window.__lkTiming.t1 !== null", timeout=timeout_ms, polling="raf")
        page.wait_for_function("([re]) => new RegExp(re, 'm').test(window.__lkTiming.text())", arg=[expect],
                               timeout=timeout_ms, polling=50)
        t0, t1, after = page.evaluate("() => [window.__lkTiming.t0, window.__lkTiming.t1, window.__lkTiming.text()]")
    except Exception as e:
        after = page.evaluate("() => window.__lkTiming.text()")
        raise AssertionError(f"after '{action.describe}' the output went from {before[:200]!r} to "
                             f"{after[:200]!r}, expected /{expect}/ ({e})") from None
    finally:
        page.evaluate("() => window.__lkTiming.cleanup()")
    return Timing(action.describe, t1 - t0, before.strip()[:60], after.strip()[:60])


def test_app_source_has_the_lessons_header_and_the_four_explorers():
    lesson = (REPO / "notebooks" / "00-start-here.md").read_text().split("---\n")[1]
    header = yaml.safe_load((APP.read_text()).split("---\n")[1])
    expected = {k: v for k, v in yaml.safe_load(lesson).items() if k != "lessonkit"}
    assert header == expected
    source = APP.read_text()
    calls = re.findall(r"widgets\.(\w+)\(", source)
    assert calls == ["tabbed", "timeline_explorer", "pledge_explorer", "currency_converter", "position_explorer",
                     "claim_stepper"]
    assert ":tags: [solution]" not in source and "### BEGIN SOLUTION" not in source


def test_app_shows_no_code_and_renders_every_explorer(app, record_property):
    titles = app.locator(".lessonkit-explorer > .widget-html:first-child").all_text_contents()
    assert [t.strip() for t in titles] == list(dict.fromkeys(title for _, title, _, _ in CHECKS))
    text = app.evaluate("() => document.body.innerText")
    assert "from lessonkit import" not in text and "widgets.timeline_explorer()" not in text, "code is shown"
    assert app.locator(".jp-InputArea-editor, .cm-editor, .jp-InputPrompt").count() == 0
    for bad in ("Error displaying widget", "model not found", "Traceback"):
        assert bad not in text
    outputs = app.locator(".lessonkit-explorer .lessonkit-output").all_text_contents()
    assert all(o.strip() for o in outputs), outputs
    assert all("cdn." in u or "fonts." in u for u in app.refused), app.refused
    print(f"first render: {app.render_s:.1f} s")
    record_property("voila_render_s", round(app.render_s, 1))


def test_every_explorer_in_the_app_responds(app, record_property):
    report = Report()
    for tab, title, action, expect in CHECKS:
        app.get_by_role("tab", name=tab).click()
        timing = respond(app, explorer(app, title), action, expect)
        report.timings.append(Timing(f"{title}: {timing.name}", timing.ms, timing.before, timing.after))
    print(report)
    record_property("voila_widget_ms", {t.name: round(t.ms) for t in report.timings})


def test_app_has_a_title_tabs_and_its_content_in_a_main_landmark(app):
    assert app.title() == TITLE
    tabs = [t.strip() for t in app.get_by_role("tab").all_text_contents()]
    assert tabs == list(dict.fromkeys(tab for tab, _, _, _ in CHECKS))
    # only the first tab's explorer is on screen, so the timeline pushes nothing down
    assert explorer(app, "Timeline explorer").is_visible() and not explorer(app, "Claim checker").is_visible()
    app.get_by_role("tab", name="Checking the claims").click()
    assert explorer(app, "Claim checker").is_visible() and not explorer(app, "Timeline explorer").is_visible()
    main = app.locator("main")
    assert main.count() == 1 and main.locator(".lessonkit-explorer").count() == 5
    assert main.get_attribute("aria-label") == TITLE


def test_app_has_no_content_outside_landmarks_and_no_serious_axe_finding(app, record_property):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(app).response
    found = {(v["impact"], v["id"]): len(v["nodes"]) for v in results["violations"]}
    print(f"\naxe on the app: {found or 'no violations'}")
    record_property("axe", {f"{impact}/{rule}": n for (impact, rule), n in found.items()})
    assert not any(rule == "region" for _, rule in found), found
    serious = [f"{v['id']} ({v['impact']}): {n['html'][:160]} {n.get('failureSummary', '')[:300]}" for v in results["violations"]
               if v["impact"] in ("serious", "critical") for n in v["nodes"]]
    assert serious == []

