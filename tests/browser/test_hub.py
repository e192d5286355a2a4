"""The school-hub path of the README, end to end, with a real JupyterHub on 127.0.0.1.

The test makes the teacher's repository of the student edition (all eight lessons, a local
git repository reached by ``file://``) and starts JupyterHub: the shared-password
authenticator, ``SimpleLocalProcessSpawner`` (every student runs as this user, in a home
folder of their own), configurable-http-proxy from npm (installed by ``make test`` and
``.ci/run`` into ``.venv/node``) and nbgitpuller from this environment. Three students, each
in a browser of their own, open the README's nbgitpuller link, log in, and land in lesson 0,
where they run every cell, answer one exercise and save: student1 first sets a name, student2
does not, student3 answers right and then, on day two, replaces the lesson (deletes it and
clicks the link again, which brings the lesson back as released). The teacher then commits
an update; student1 clicks the link again and gets it, with the answer kept. The teacher
collects the homes with the README's own loop and grades with the README's own command:
every student has one row in every lesson's gradebook and in the overview, under the name
they set (else their hub user name), with the credit they earned. The hub is stopped at the
end, pass or fail.
"""

from __future__ import annotations

import csv
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from lessonkit.teacher import markup
from lessonkit.teacher.editions import build, lesson_id, read_lesson

from .conftest import REPO, Lab, _free_port

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LESSON = REPO / "notebooks" / "00-start-here.md"
LESSONS = sorted((REPO / "notebooks").glob("[0-9][0-9]-*.md"))
BIN = Path(sys.executable).parent
PROXY = Path(sys.prefix) / "node" / "node_modules" / ".bin" / "configurable-http-proxy"
STUDENTS = ("student1", "student2", "student3")
NAME = "Alice Smith"  # the name student1 sets with set_name
EXERCISE = "start.host"
WRONG = '"Nobody in particular"'
REPO_NAME = "summit-lessons"  # the teacher's repository of the student edition


def _proxy() -> Path:
    """configurable-http-proxy: the project's copy, else one on PATH; skip (fail in CI) without."""
    found = PROXY if PROXY.exists() else (Path(p) if (p := shutil.which("configurable-http-proxy")) else None)
    if found is None or shutil.which("node") is None or shutil.which("git") is None:
        reason = ("configurable-http-proxy (npm), node or git not found: `make test` installs the proxy "
                  "into .venv/node when npm is there (npm install --prefix .venv/node configurable-http-proxy@4)")
        if os.environ.get("CI"):
            pytest.fail(reason + " (CI is set, so this is a failure, not a skip)")
        pytest.skip(reason)
    return found


def _git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", "-c", "user.name=Teacher", "-c", "user.email=teacher@school.invalid",
                    "-c", "init.defaultBranch=main", *args], cwd=cwd, check=True, capture_output=True)


def _teacher_repository(tmp: Path) -> Path:
    """The README's step: build the student edition and put it in a repository of one's own."""
    build(LESSONS, tmp / "editions", editions=("student",), run_teacher=False)
    repo = tmp / REPO_NAME
    shutil.copytree(tmp / "editions" / "student", repo)
    _git("init", "-q", cwd=repo)
    _git("add", ".", cwd=repo)
    _git("commit", "-q", "-m", "The lessons, student edition", cwd=repo)
    return repo


CONFIG = """\
c = get_config()  # noqa
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.command = [{proxy!r}]
c.ConfigurableHTTPProxy.pid_file = {proxy_pid!r}
c.JupyterHub.db_url = "sqlite:///{state}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = {cookie!r}
c.JupyterHub.cleanup_servers = True
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = {password!r}
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "jupyterhub.spawner.SimpleLocalProcessSpawner"
c.SimpleLocalProcessSpawner.home_dir_template = {homes!r} + "/{{username}}"
c.Spawner.cmd = [{singleuser!r}]
c.Spawner.args = ["--allow-root", "--LabApp.expose_app_in_browser=True"]
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 60
c.Spawner.http_timeout = 60
c.LocalProcessSpawner.interrupt_timeout = 3  # a student's server stops at once when asked
c.LocalProcessSpawner.term_timeout = 3
c.JupyterHub.services = [{{"name": "teacher-test", "api_token": {token!r}}}]
c.JupyterHub.load_roles = [{{"name": "teacher-test", "services": ["teacher-test"],
                            "scopes": ["admin:users", "admin:servers", "admin:server_state", "list:users"]}}]
"""


class Hub:
    """A JupyterHub started by the test: its URL, its API token, the students' homes."""

    def __init__(self, tmp: Path, proxy: Path):
        self.state, self.homes = tmp / "hub", tmp / "homes"
        self.state.mkdir()
        self.homes.mkdir()
        self.port, self.token, self.password = _free_port(), secrets.token_hex(24), secrets.token_hex(12)
        self.url = f"http://127.0.0.1:{self.port}"
        (self.state / "jupyterhub_config.py").write_text(CONFIG.format(
            port=self.port, hub_port=_free_port(), api_port=_free_port(), proxy=str(proxy),
            proxy_pid=str(self.state / "proxy.pid"), state=self.state, cookie=str(self.state / "cookie_secret"),
            password=self.password, homes=str(self.homes), singleuser=str(BIN / "jupyterhub-singleuser"),
            token=self.token), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("LESSONKIT_", "JUPYTER"))}
        env["PATH"] = str(BIN) + os.pathsep + env.get("PATH", "")
        self.log = self.state / "hub.log"
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(
                [str(BIN / "jupyterhub"), "-f", str(self.state / "jupyterhub_config.py")],
                cwd=self.state, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

    def api(self, path: str, method: str = "GET") -> tuple[int, object]:
        req = urllib.request.Request(f"{self.url}/hub/api{path}", method=method,
                                     headers={"Authorization": f"token {self.token}"})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                body = r.read()
                return r.status, json.loads(body) if body else None
        except urllib.error.HTTPError as e:
            e.close()
            return e.code, None

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if self.api("/")[0] == 200:
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"JupyterHub did not start; the end of its log:\n{self.log_tail()}")

    def log_tail(self, n: int = 60) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])

    def server_pids(self) -> list[int]:
        """The process ids of the students' servers, as the spawner keeps them."""
        pids = []
        for name in STUDENTS:
            status, user = self.api(f"/users/{name}?include_stopped_servers=0")
            if status == 200 and isinstance(user, dict):
                for server in (user.get("servers") or {}).values():
                    pid = (server.get("state") or {}).get("pid")
                    if isinstance(pid, int) and pid > 0:
                        pids.append(pid)
        return pids

    def stop(self) -> None:
        """Stop the hub (SIGTERM: it stops the students' servers and the proxy, then SIGKILL if
        it lingers), then any student server it left running."""
        if self.process.poll() is not None:
            return
        try:
            servers = self.server_pids()
        except (urllib.error.URLError, OSError):
            servers = []
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        for pid in servers:  # only if that process is still a student's server
            try:
                if b"jupyterhub-singleuser" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    os.kill(pid, signal.SIGKILL)
            except (OSError, ProcessLookupError):
                pass


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    proxy = _proxy()
    tmp = tmp_path_factory.mktemp("hub-path")
    hub = Hub(tmp, proxy)
    try:
        hub.wait_ready()
        yield hub
    finally:
        hub.stop()


def _readme_link(hub_url: str, repo: Path) -> str:
    """The README's nbgitpuller link, filled in for this hub and this repository."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    template = re.search(r"`(https://HUB/hub/user-redirect/git-pull\?[^`]+)`", readme)
    assert template, "the README has no nbgitpuller link"
    url = template.group(1).replace("https://HUB", hub_url).replace("STUDENT-REPO", repo.name)
    parts = urllib.parse.urlsplit(url)
    query = dict(urllib.parse.parse_qsl(parts.query))
    assert set(query) == {"repo", "branch", "urlpath"}, query
    assert query["urlpath"] == f"lab/tree/{repo.name}/00-start-here.ipynb"
    query["repo"] = repo.as_uri()
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def _answer_line() -> str:
    """The reference solution's line for the exercise (from the lesson's source)."""
    lines = [line for line in markup.solution_lines(read_lesson(LESSON), "start") if line.startswith("host = ")]
    assert len(lines) == 1, lines
    return lines[0]


class Student:
    """One student in a browser context of their own (their own cookies)."""

    def __init__(self, browser, hub: Hub, link: str, name: str):
        self.hub, self.link, self.name = hub, link, name
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.context.set_default_timeout(60_000)
        self.page = self.context.new_page()

    def log_in(self) -> None:
        """Open the link and log in; the hub then starts the student's server and nbgitpuller
        pulls, while the test goes on (so two students' servers start at the same time)."""
        self.page.goto(self.link, wait_until="domcontentloaded")
        self.page.fill("#username_input", self.name)
        self.page.fill("#password_input", self.hub.password)
        self.page.click("#login_submit")

    def answer(self, answer: str, update=None, name: str = "", replace: bool = False) -> list[str]:
        """In lesson 0: run every cell, set the name (if given), answer the exercise, save;
        return the answer's output.

        With ``replace``, the student then deletes the lesson and clicks the link again
        (nbgitpuller brings it back as released). With ``update`` (the teacher's next commit),
        the student then clicks the link again, as on the next day."""
        page, lab = self.page, Lab(self.page, server=None)
        try:
            page.wait_for_url(re.compile(rf"/user/{self.name}/lab"), timeout=90_000)
            page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell", timeout=60_000)
            page.evaluate("async () => { await window.jupyterapp.restored; }")
            page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
            lab.wait_for_kernel()
            assert lab.current_path() == f"{REPO_NAME}/00-start-here.ipynb"
            lab.run_all()
            if name:
                naming = next(i for i, c in enumerate(lab.cells()) if c["source"].strip() == "set_name(...)")
                lab.edit_line(naming, "set_name(...)", f"set_name({name!r})")
                lab.run_cell_with_shift_enter(naming)
            index = next(i for i, c in enumerate(lab.cells()) if f'check("{EXERCISE}"' in c["source"])
            lab.edit_line(index, "host = ...", f"host = {answer}")
            lab.run_cell_with_shift_enter(index)
            shown = lab.output_texts(index)
            page.evaluate("async () => await window.jupyterapp.commands.execute('docmanager:save')")
            page.wait_for_function("() => !window.jupyterapp.shell.currentWidget.context.model.dirty")
            if replace:
                page.evaluate("async () => { await window.jupyterapp.commands.execute('application:close-all'); }")
                page.evaluate(f"async () => await window.jupyterapp.serviceManager.contents.delete("
                              f"'{REPO_NAME}/00-start-here.ipynb')")
                page.goto(self.link, wait_until="domcontentloaded")
                page.wait_for_url(re.compile(rf"/user/{self.name}/lab"), timeout=90_000)
                page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
            if update is not None:
                update()
                page.goto(self.link, wait_until="domcontentloaded")
                page.wait_for_url(re.compile(rf"/user/{self.name}/lab"), timeout=90_000)
                page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
            return shown
        except Exception:
            out = REPO / "test-output" / "browser" / f"hub-{self.name}"
            out.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(out / "screenshot.png"), full_page=True)
            (out / "hub.log").write_text(self.hub.log_tail(400), encoding="utf-8")
            raise


def _readme_loop(homes: Path) -> str:
    """The README's collecting loop and grading command, as printed, for this hub's homes."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    script = re.search(r"```sh\n(\s*for home in /home/\*/; do\n.*?lessonkit grade collected/ --out grades/)\n\s*```",
                       readme, re.S)
    assert script, "the README has no collecting loop"
    text = "\n".join(line.strip() for line in script.group(1).splitlines())
    return text.replace("/home/*/", f"{homes}/*/").replace("STUDENT-REPO", REPO_NAME)


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_three_students_follow_the_readme_and_the_teacher_grades_every_lesson(hub, browser, tmp_path):
    repo = _teacher_repository(tmp_path)
    link = _readme_link(hub.url, repo)
    right = _answer_line().split("=", 1)[1].strip()
    answers = {"student1": right, "student2": WRONG, "student3": right}
    note = "\nA line the teacher added on the second day.\n"

    def second_day() -> None:
        with open(repo / "glossary.md", "a", encoding="utf-8") as f:
            f.write(note)
        _git("commit", "-q", "-am", "Second day", cwd=repo)

    start = time.monotonic()
    students = [Student(browser, hub, link, name) for name in STUDENTS]
    try:
        for student in students:
            student.log_in()
        shown = {s.name: " ".join(s.answer(answers[s.name], update=second_day if s.name == "student1" else None,
                                            name=NAME if s.name == "student1" else "",
                                            replace=s.name == "student3"))
                 for s in students}
    finally:
        for student in students:
            student.context.close()
    print(f"the students answered after {time.monotonic() - start:.1f} s")
    assert len(hub.server_pids()) == 3, "each student has a server of their own (and the test can stop it)"
    for name in STUDENTS:
        assert ("Correct" in shown[name]) == (name != "student2"), shown
        folder = hub.homes / name / REPO_NAME
        assert sorted(p.name for p in folder.glob("*.ipynb")) == sorted(p.with_suffix(".ipynb").name for p in LESSONS)
        record = json.loads((folder / "lessonkit-record-start.json").read_text(encoding="utf-8"))
        assert record["student"] == (NAME if name == "student1" else name)
        assert [a for a in record["attempts"] if a.get("exercise") == EXERCISE], record["attempts"]
        saved = json.loads((folder / "00-start-here.ipynb").read_text(encoding="utf-8"))
        kept = any(f"host = {answers[name]}" in "".join(c["source"]) for c in saved["cells"])
        assert kept == (name != "student3"), name  # student3's lesson is the one released again
    # student1 clicked the link again after the teacher's update: it arrived, the answer stayed.
    assert (hub.homes / "student1" / REPO_NAME / "glossary.md").read_text(encoding="utf-8").endswith(note)

    # The teacher runs the README's loop and command, as printed, from a folder of their own.
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run(["bash", "-c", _readme_loop(hub.homes)], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=3600)
    assert done.returncode == 0, done.stdout + done.stderr
    print(f"graded after {time.monotonic() - start:.1f} s")
    grades = tmp_path / "grades"
    lessons = [lesson_id(read_lesson(p), p) for p in LESSONS]
    overview = _rows(grades / "gradebook.csv")
    assert [(r["student"], r["folder"]) for r in overview] == [(NAME, "student1"), ("student2", ""), ("student3", "")]
    for lesson in lessons:
        rows = {r["student"]: r for r in _rows(grades / lesson / "gradebook.csv")}
        assert sorted(rows) == sorted([NAME, "student2", "student3"]), (lesson, rows)
        assert all(r["total"] != "" and r["problem"] == "" for r in rows.values()), (lesson, rows)
        if lesson != "start":
            assert all(r["total"] == "0" for r in rows.values()), (lesson, rows)
    start_rows = {r["student"]: r for r in _rows(grades / "start" / "gradebook.csv")}
    assert [start_rows[n][EXERCISE] for n in (NAME, "student2", "student3")] == ["1", "0", "1"]
    assert start_rows["student3"]["credit"] == f"collected/student3/lessonkit-record-start.json: {EXERCISE}"
    assert start_rows[NAME]["credit"].startswith(f"collected/student1/00-start-here.ipynb: {EXERCISE}")
    column = next(c for c in overview[0] if c.startswith("start ("))
    assert [r[column] for r in overview] == [start_rows[n]["total"] for n in (NAME, "student2", "student3")]
    notes = (grades / "run-notes.txt").read_text(encoding="utf-8")
    # 3 students: 8 notebooks each, and the record of lesson 0 (the profile names, it is not graded)
    assert notes.startswith("3 students, 27 files graded in 8 lessons"), notes
    print((grades / "gradebook.csv").read_text(encoding="utf-8"))
