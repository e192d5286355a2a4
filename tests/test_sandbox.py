"""The grading sandbox against a hostile notebook: secrets, sockets, limits, install layouts.

Each test runs a real kernel in bubblewrap with one cell that tries something and saves
what it found where the learning record goes; the test reads that back. No mocks.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
from pathlib import Path

import nbformat
import pytest

from lessonkit.teacher import confine, kernel_view, sandbox
from lessonkit.teacher.grading import kernel

REPO = Path(__file__).resolve().parents[1]
BOX = sandbox.detect()
needs_bwrap = pytest.mark.skipif(BOX.kind != "bwrap", reason=f"needs bubblewrap ({BOX.reason})")
needs_cgroups = pytest.mark.skipif(confine.support() != "", reason=f"needs cgroups ({confine.support()})")

# Appended to each probe cell: saves the dict `found` where the learning record goes.
# The probe hands what it found to the grader the way check() hands over an answer: as an
# output of its cell in lessonkit's answer MIME type (the only output the grader keeps).
_SAVE = textwrap.dedent("""
    import json as _json
    from IPython.display import display as _display
    _display({"application/vnd.lessonkit.answer+json": {"exercise": "probe.found",
              "answer": _json.dumps(found, default=repr)}, "text/plain": ""}, raw=True)
""")


def found_text(out) -> str | None:
    """The JSON text a probe notebook handed over, or None."""
    return next((json.loads(a["answer"]) for a in out.answers if a["exercise"] == "probe.found"), None)

# Runs a probe notebook through the grader's sandbox in another Python (another layout).
_GRADER = textwrap.dedent("""
    import json, sys, nbformat
    from lessonkit.teacher import sandbox
    from lessonkit.teacher.grading import kernel
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(sys.argv[1])])
    box = sandbox.detect()
    out = kernel.run_notebook(nb, "probe", box, sandbox.Limits(timeout=30))
    found = next((json.loads(a["answer"]) for a in out.answers if a["exercise"] == "probe.found"), None)
    print(json.dumps({"kind": box.kind, "reason": box.reason, "notes": out.notes, "record": found}))
""")


def probe(code: str, **limits) -> tuple[dict | None, list[str]]:
    """Run code (which fills a dict `found`) in a sandboxed kernel: (found, the run's notes)."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(textwrap.dedent(code) + _SAVE)])
    out = kernel.run_notebook(nb, "probe", BOX, sandbox.Limits(timeout=30, **limits))
    assert out.started, out.notes
    text = found_text(out)
    return (json.loads(text) if text else None), out.notes


# ----------------------------------------------------------------------------- secrets

@needs_bwrap
def test_the_graders_environment_does_not_reach_the_kernel(monkeypatch):
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "teacher-secret-value")
    monkeypatch.setenv("LESSONKIT_EXTRA_TOKEN", "teacher-secret-value")
    kernel_view.python_path.cache_clear()
    found, notes = probe("""
        import os
        found = {"env": dict(os.environ)}
    """)
    env = found["env"]
    assert "AWS_SECRET_ACCESS_KEY" not in env and "LESSONKIT_EXTRA_TOKEN" not in env
    assert not any("teacher-secret-value" in v for v in env.values())
    assert env["LESSONKIT_GRADING"] == "1"
    assert set(env) <= {*kernel_view.ENV_PASSED, *kernel_view.kernel_env(Path("/w")), "PWD", "JPY_PARENT_PID",
                        "PYDEVD_USE_FRAME_EVAL", "TERM", "CLICOLOR", "FORCE_COLOR", "CLICOLOR_FORCE",
                        "PAGER", "GIT_PAGER", "SHLVL", "_"}


def test_without_bubblewrap_the_environment_is_still_an_allow_list(monkeypatch):
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "teacher-secret-value")
    monkeypatch.setenv(sandbox.SANDBOX_ENV, "none")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import os\nfound = {'env': dict(os.environ)}" + _SAVE)])
    out = kernel.run_notebook(nb, "probe", sandbox.detect(), sandbox.Limits(timeout=30))
    env = json.loads(found_text(out))["env"]
    assert "AWS_SECRET_ACCESS_KEY" not in env and env["LESSONKIT_GRADING"] == "1"


@needs_bwrap
def test_answer_keys_are_not_readable_or_importable(tmp_path, monkeypatch):
    """The lessons' sources (their exercise blocks and solutions) and every LESSONKIT_KEYS folder
    are out of the kernel's sight; the list of lessons stays readable."""
    from lessonkit._paths import lessons_toml

    private = tmp_path / "other-lesson-keys"
    private.mkdir()
    (private / "secretlesson.json").write_text('{"answer": "the private answer"}\n', encoding="utf-8")
    monkeypatch.setenv("LESSONKIT_KEYS", str(private))
    lessons = lessons_toml().parent
    source = next(lessons.glob("03-*.md"))
    found, notes = probe(f"""
        import os
        found = {{}}
        from lessonkit import _keys
        found["key"] = [s.label for s in _keys.specs_for("money")]
        for name, folder in {{"lessons": {str(lessons)!r}, "env": {str(private)!r}}}.items():
            try:
                found[name] = sorted(os.listdir(folder))
            except OSError as e:
                found[name] = type(e).__name__
        try:
            found["file"] = open({str(source)!r}).read()
        except OSError as e:
            found["file"] = type(e).__name__
    """)
    assert source.exists() and "answer" in source.read_text()
    assert found["key"] == []
    assert found["lessons"] in (["lessons.toml"], "FileNotFoundError") and found["env"] in ([], "FileNotFoundError")
    assert found["file"] == "FileNotFoundError"


def _fake_venv(where: Path, paths: list[Path]) -> Path:
    """A venv at where whose Python also sees paths (this environment's packages, a checkout's src)."""
    base = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base, "-m", "venv", "--without-pip", str(where)], check=True, capture_output=True)
    (site,) = where.glob("lib/python*/site-packages")
    (site / "test-paths.pth").write_text("".join(f"{p}\n" for p in paths), encoding="utf-8")
    return where / "bin" / "python"


def _copy_checkout(to: Path) -> Path:
    """The parts of a checkout lessonkit reads at run time, copied to `to`."""
    shutil.copytree(REPO / "src", to / "src", ignore=shutil.ignore_patterns("__pycache__", "_package_data"))
    shutil.copytree(REPO / "data", to / "data")
    (to / "notebooks").mkdir(parents=True)
    shutil.copy2(REPO / "notebooks" / "lessons.toml", to / "notebooks" / "lessons.toml")
    return to


def _deps() -> Path:
    """This environment's site-packages (nbclient, ipykernel, pandas...)."""
    import nbclient

    return Path(nbclient.__file__).resolve().parents[1]


LAYOUT_PROBE = """
import os
found = {}
try:
    import lessonkit
    from lessonkit._paths import data_dir, lessons_toml
    found["lessonkit"] = lessonkit.__file__
    found["lessons"] = len(lessons_toml().read_text())
    found["data"] = len((data_dir() / "datapackage.json").read_text())
except Exception as e:
    found["error"] = f"{type(e).__name__}: {e}"
try:
    from lessonkit import _keys
    found["keys"] = [s.label for s in _keys.specs_for("money")] or "none"
except Exception as e:
    found["keys"] = type(e).__name__
for name, path in SECRETS.items():
    try:
        found[name] = open(path).read()
    except OSError as e:
        found[name] = "refused: " + type(e).__name__
try:
    found["home"] = os.listdir(HOME)
except OSError as e:
    found["home"] = "refused: " + type(e).__name__
"""


def _grade_in(python: Path, home: Path, secrets: dict[str, Path]) -> dict:
    """Run the layout probe through the sandbox of another Python, with HOME=home."""
    code = (f"SECRETS = {({k: str(v) for k, v in secrets.items()})!r}\nHOME = {str(home)!r}\n"
            + LAYOUT_PROBE + _SAVE)
    env = {k: v for k, v in os.environ.items() if k not in ("LESSONKIT_DATA", "PYTHONPATH", "LESSONKIT_KEYS")}
    env["HOME"] = str(home)
    done = subprocess.run([str(python), "-c", _GRADER, code], capture_output=True, text=True, env=env,
                          timeout=180, cwd=str(home))
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["kind"] == "bwrap", result["reason"]
    assert result["record"], result["notes"]
    return json.loads(result["record"])


def _assert_layout_works_and_hides(found: dict, secrets: dict) -> None:
    assert "error" not in found, found.get("error")
    assert found["lessons"] > 0 and found["data"] > 0
    assert found["keys"] == "none"
    for name in secrets:
        assert found[name].startswith("refused: "), (name, found[name])
    assert not any(n in ("secret.txt", ".aws", ".ssh") for n in found["home"] if isinstance(found["home"], list))


@needs_bwrap
@pytest.mark.slow
def test_venv_and_checkout_in_the_home_show_python_but_not_the_home():
    """The README's set-up: a checkout in the home with its .venv; a secret beside it."""
    base = Path(tempfile.mkdtemp(prefix="lessonkit-home-", dir="/var/tmp"))
    try:
        home = base / "teacher"
        checkout = _copy_checkout(home / "lessonkit")
        (home / ".aws").mkdir()
        secrets = {"aws": home / ".aws" / "credentials", "notes": home / "secret.txt",
                   "sibling": checkout / "private-notes.txt"}
        for path in secrets.values():
            path.write_text("teacher's secret\n", encoding="utf-8")
        python = _fake_venv(checkout / ".venv", [checkout / "src", _deps()])
        found = _grade_in(python, home, secrets)
        _assert_layout_works_and_hides(found, secrets)
        assert found["lessonkit"].startswith(str(checkout / "src"))
    finally:
        shutil.rmtree(base, ignore_errors=True)


@needs_bwrap
@pytest.mark.slow
def test_editable_checkout_under_tmp_finds_its_lessons_and_data():
    base = Path(tempfile.mkdtemp(prefix="lessonkit-tmp-checkout-", dir="/tmp"))
    try:
        checkout = _copy_checkout(base / "lessonkit")
        secrets = {"beside": base / "secret.txt"}
        secrets["beside"].write_text("teacher's secret\n", encoding="utf-8")
        python = _fake_venv(checkout / ".venv", [checkout / "src", _deps()])
        found = _grade_in(python, base, secrets)
        _assert_layout_works_and_hides(found, secrets)
        assert found["lessonkit"].startswith(str(checkout / "src"))
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _install_as_the_wheel_does(site: Path) -> None:
    """Copy the package into a site-packages folder with its data and lessons in _package_data."""
    shutil.copytree(REPO / "src" / "lessonkit", site / "lessonkit",
                    ignore=shutil.ignore_patterns("__pycache__", "_package_data"))
    shutil.copytree(REPO / "data", site / "lessonkit" / "_package_data")
    shutil.copytree(REPO / "notebooks", site / "lessonkit" / "_package_data" / "notebooks",
                    ignore=shutil.ignore_patterns("*.ipynb", ".ipynb_checkpoints"))


@needs_bwrap
@pytest.mark.slow
def test_installed_package_reads_its_packaged_data():
    """A non-editable install: the package in site-packages with _package_data, as the wheel has."""
    base = Path(tempfile.mkdtemp(prefix="lessonkit-installed-", dir="/tmp"))
    try:
        python = _fake_venv(base / "venv", [_deps()])
        (site,) = (base / "venv").glob("lib/python*/site-packages")
        _install_as_the_wheel_does(site)
        found = _grade_in(python, base, {})
        _assert_layout_works_and_hides(found, {})
        assert found["lessonkit"].startswith(str(site / "lessonkit"))
    finally:
        shutil.rmtree(base, ignore_errors=True)


@needs_bwrap
@pytest.mark.slow
def test_user_install_in_the_home_is_found_and_the_rest_of_the_home_hidden():
    """``pip install --user``: the package in ~/.local, Python outside any venv."""
    base = Path(tempfile.mkdtemp(prefix="lessonkit-user-", dir="/var/tmp"))
    try:
        home = base / "teacher"
        python = Path(getattr(sys, "_base_executable", sys.executable))
        tag = f"python{sys.version_info.major}.{sys.version_info.minor}"
        user_site = home / ".local" / "lib" / tag / "site-packages"
        _install_as_the_wheel_does(user_site)
        (user_site / "deps.pth").write_text(f"{_deps()}\n", encoding="utf-8")
        secrets = {"notes": home / "secret.txt"}
        secrets["notes"].write_text("teacher's secret\n", encoding="utf-8")
        found = _grade_in(python, home, secrets)
        _assert_layout_works_and_hides(found, secrets)
        assert found["lessonkit"].startswith(str(user_site / "lessonkit"))
    finally:
        shutil.rmtree(base, ignore_errors=True)


@needs_bwrap
def test_host_paths_outside_python_do_not_exist_inside(tmp_path):
    """/root, /home, /run, /srv, the host's /tmp and /var/tmp: nothing of them is visible."""
    (tmp_path / "host-file.txt").write_text("host\n", encoding="utf-8")
    found, _ = probe(f"""
        import os
        found = {{}}
        for path in ("/etc/shadow", "/etc/hostname", "/run", "/var/run", "/var/tmp", "/srv", "/home", "/dev/shm",
                     {str(tmp_path / "host-file.txt")!r}):
            try:
                found[path] = sorted(os.listdir(path)) if os.path.isdir(path) else open(path).read()
            except OSError as e:
                found[path] = "refused: " + type(e).__name__
        found["/root"] = sorted(os.listdir("/root")) if os.path.isdir("/root") else []
        found["writable"] = [p for p in ("/", "/usr", "/etc", "/var/tmp") if os.access(p, os.W_OK)]
        for p in ("/usr/x", "/var/tmp/x", "/x", {str(REPO / "written-inside.txt")!r}):
            try:
                open(p, "w").close()
                found["writable"].append(p)
            except OSError:
                pass
    """)
    for path in ("/etc/shadow", "/etc/hostname", "/run", "/srv", "/home", str(tmp_path / "host-file.txt")):
        assert found[path] == "refused: FileNotFoundError" or found[path] == [], (path, found[path])
    assert found["/var/tmp"] == [] and found["/dev/shm"] in ([], "refused: FileNotFoundError")
    # the checkout itself: under /tmp its parent folders are mount points in the sandbox's own
    # tmpfs, so what counts is that nothing written there reaches the host
    assert [p for p in found["writable"] if p != str(REPO / "written-inside.txt")] == []
    assert not (REPO / "written-inside.txt").exists()
    home = kernel_view.home_folder()
    visible_in_root = set(found["/root"])
    if home == Path("/root"):  # only what Python needs (pyenv), never the rest of the home
        assert visible_in_root <= {".pyenv", ".local"}


# ----------------------------------------------------------------------------- sockets

class _Listener:
    """A Unix socket server that records whatever bytes reach it."""

    def __init__(self, path: Path):
        self.path, self.received = path, b""
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(str(path))
        os.chmod(path, 0o777)
        self.server.listen(4)
        self.server.settimeout(0.5)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stop.is_set():
            try:
                conn, _ = self.server.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    self.received += conn.recv(1024)
                except OSError:
                    pass

    def close(self):
        self.stop.set()
        self.thread.join()
        self.server.close()
        self.path.unlink(missing_ok=True)


@needs_bwrap
def test_unix_sockets_of_the_host_cannot_be_reached(tmp_path):
    folders = [Path(tempfile.mkdtemp(dir="/var/tmp")), tmp_path]
    if os.access("/run", os.W_OK):
        folders.append(Path(tempfile.mkdtemp(dir="/run")))
    listeners = [_Listener(f / "teacher.sock") for f in folders]
    try:
        found, _ = probe(f"""
            import socket
            found = {{}}
            for path in {[str(listener.path) for listener in listeners]!r}:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                try:
                    s.connect(path)
                    s.sendall(b"student bytes")
                    found[path] = "connected"
                except OSError as e:
                    found[path] = type(e).__name__
                finally:
                    s.close()
        """)
        check = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)  # the servers do listen
        check.connect(str(listeners[0].path))
        check.close()
    finally:
        for listener in listeners:
            listener.close()
        for f in folders[:1] + folders[2:]:
            shutil.rmtree(f, ignore_errors=True)
    assert found and all(v == "FileNotFoundError" for v in found.values()), found
    assert all(listener.received == b"" for listener in listeners)


# ----------------------------------------------------------------------------- limits

@needs_bwrap
@needs_cgroups
def test_memory_is_limited_for_all_processes_together():
    """Five children of 300 MB each: under RLIMIT_AS each is allowed; together they exceed 1 GB."""
    found, notes = probe("""
        import subprocess, sys, time
        kids = [subprocess.Popen([sys.executable, "-c", "import time; b = bytearray(300 * 2**20); time.sleep(60)"])
                for _ in range(5)]
        time.sleep(60)
        found = {"survived": True}
    """, memory_mb=1024)
    assert found is None
    assert any("went over its memory limit (1024 MB for all its processes together)" in n for n in notes), notes


@needs_bwrap
@needs_cgroups
def test_a_fork_bomb_is_capped_and_stops_the_notebook():
    found, notes = probe("""
        import os, time
        started = 0
        for _ in range(200):
            if os.fork() == 0:
                time.sleep(60)
                os._exit(0)
            started += 1
        found = {"started": started}
    """, processes=24)
    assert found is None
    assert any("more than 24 processes" in n and "whole notebook was stopped" in n for n in notes), notes


@needs_bwrap
def test_tmp_and_the_working_folder_are_size_capped():
    found, notes = probe("""
        import os
        found = {}
        for path in ("/tmp/big", "big", "/dev/shm/big", "/dev/big"):
            written = 0
            try:
                with open(path, "wb") as f:
                    for _ in range(64):
                        f.write(b"x" * 2**20)
                        written += 1
            except OSError as e:
                found[path + " error"] = e.errno
            found[path] = written
            if written:
                os.remove(path)
    """, disk_mb=16)
    assert found["/tmp/big"] <= 16 and found["big"] <= 16 and found["/dev/shm/big"] <= 16
    assert found["/tmp/big error"] and found["big error"] and found["/dev/shm/big error"]
    assert found["/dev/big"] == 0 and found["/dev/big error"]  # /dev itself is read-only


@needs_bwrap
@pytest.mark.parametrize("cgroups", [
    pytest.param("on", marks=needs_cgroups),
    "none",  # the watcher then stops the kernel by its process id
])
def test_many_files_in_the_answers_folder_stop_the_notebook(cgroups, monkeypatch):
    """The one folder on the teacher's disk a kernel writes to is watched as a whole."""
    if cgroups == "none":
        monkeypatch.setenv(confine.CGROUPS_ENV, "none")
    found, notes = probe("""
        import os, time
        d = os.environ["LESSONKIT_RECORD_DIR"]
        for i in range(400):
            with open(os.path.join(d, f"f{i}"), "wb") as f:
                f.write(b"x" * 2**20)
        time.sleep(30)
        found = {"survived": True}
    """, disk_mb=16)
    assert found is None
    assert any("more than 16 MB" in n and "disk limit" in n for n in notes), notes


@needs_bwrap
def test_many_empty_files_in_the_answers_folder_count_too():
    found, notes = probe("""
        import os, time
        d = os.path.join(os.environ["LESSONKIT_RECORD_DIR"], "many")
        os.mkdir(d)
        for i in range(100_000):
            open(os.path.join(d, str(i)), "w").close()
        time.sleep(30)
        found = {"survived": True}
    """, disk_mb=16)
    assert found is None
    assert any("more than 16 MB" in n and "disk limit" in n for n in notes), notes


def test_kernel_command_joins_its_group_first_and_fails_closed(tmp_path):
    """The wrapper moves itself into every cgroup given, and runs nothing if it cannot."""
    target = tmp_path / "cgroup.procs"
    target.write_text("", encoding="utf-8")
    group = confine.Group([tmp_path], 1, 128, 8, [], 1)
    try:
        argv = group.wrap([sys.executable, "-c", "import os; print(os.getpid())"])
        done = subprocess.run(argv, capture_output=True, text=True, check=True)
        assert target.read_text().strip() == done.stdout.strip()
        bad = confine.Group([tmp_path / "missing"], 1, 128, 8, [], 1)
        assert subprocess.run(bad.wrap(["true"])).returncode == 111
        bad._stop.set()
    finally:
        group._stop.set()


@needs_cgroups
def test_groups_left_by_a_killed_grader_are_removed():
    group = confine.open_group(128, 8, [], 1)
    parents = {g.parent for g in group.groups}
    group.close()
    gone = subprocess.Popen(["true"])
    gone.wait()
    stale = [p / f"lessonkit-{gone.pid}-deadbeef" for p in parents]
    for s in stale:
        s.mkdir()
    confine.support.cache_clear()
    assert confine.support() == ""
    assert not any(s.exists() for s in stale)


def test_run_notes_say_which_limits_held_as_a_whole():
    with_groups = sandbox.Sandbox("bwrap", bwrap="bwrap")
    without = sandbox.Sandbox("bwrap", bwrap="bwrap", limits_note="no cgroups here")
    assert "512 MB of memory and 128 processes and threads for all its processes together" in \
        with_groups.describe(10, 512, 100)
    text = without.describe(10, 512, 100)
    assert "512 MB of address space" in text and "not limited together (no cgroups here)" in text
    assert "MB in each folder" not in sandbox.Sandbox("none", reason="off").describe(10, 512, 100)


def _system_python() -> str | None:
    """A Python outside /root of this one's version, for running the grader as another user."""
    for path in ("/usr/bin/python3", "/usr/local/bin/python3"):
        if os.path.exists(path) and not path.startswith(sys.prefix):
            done = subprocess.run([path, "-c", "import sys; print(sys.version_info[:2])"], capture_output=True,
                                  text=True)
            if done.stdout.strip() == str(tuple(sys.version_info[:2])):
                return path
    return None


def _open_to_others(path: Path) -> bool:
    """Whether a user other than the owner may read path: every folder on the way is o+x."""
    import stat

    path = path.resolve()
    return all(p.stat().st_mode & stat.S_IXOTH for p in [path, *path.parents]) \
        and bool(path.stat().st_mode & stat.S_IROTH)


@needs_bwrap
@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0 or not shutil.which("setpriv") or not _system_python(),
                    reason="needs root (to become another user), setpriv and a system Python of this version")
def test_as_an_ordinary_user_the_sandbox_runs_and_caps_processes():
    """A teacher who is not root: unprivileged bubblewrap, no cgroups, RLIMIT_NPROC in its namespace."""
    for needed in (REPO / "src", _deps()):
        if not _open_to_others(needed):
            pytest.skip(f"{needed} is not readable by another user (a parent folder is private, as "
                        "mktemp -d makes it), so an ordinary user cannot run this checkout's code")
    base = Path(tempfile.mkdtemp(prefix="lessonkit-user-", dir="/var/tmp"))
    try:
        os.chmod(base, 0o755)
        home = base / "home"
        home.mkdir()
        python = base / "venv" / "bin" / "python"
        subprocess.run([_system_python(), "-m", "venv", "--without-pip", str(base / "venv")], check=True)
        (site,) = (base / "venv").glob("lib/python*/site-packages")
        (site / "paths.pth").write_text(f"{REPO / 'src'}\n{_deps()}\n", encoding="utf-8")
        os.chown(home, 65534, 65534)
        code = textwrap.dedent("""
            import os
            found = {"uid": os.getuid()}
            try:
                for started in range(200):
                    if os.fork() == 0:
                        import time
                        time.sleep(20)
                        os._exit(0)
            except OSError as e:
                found["refused after"] = started
        """) + _SAVE
        script = _GRADER.replace("sandbox.Limits(timeout=30)", "sandbox.Limits(timeout=30, processes=32)")
        done = subprocess.run(["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups",
                               str(python), "-c", script, code], capture_output=True, text=True, timeout=180,
                              cwd=str(home), env={"PATH": "/usr/bin:/bin", "HOME": str(home)})
        assert done.returncode == 0, done.stderr[-2000:]
        result = json.loads(done.stdout.strip().splitlines()[-1])
        assert result["kind"] == "bwrap", result["reason"]
        found = json.loads(result["record"])
        assert found["uid"] == 65534 and found["refused after"] < 32
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_a_hidden_folder_inside_what_python_needs_is_covered(tmp_path):
    """Submissions or --out kept inside a bound folder (the checkout's data/, say) are still hidden."""
    from lessonkit._paths import data_dir

    inside = str(data_dir().resolve() / "class-of-2025")
    argv = " ".join(sandbox.kernel_argv(sandbox.Sandbox("bwrap", bwrap="bwrap"), tmp_path / "w", tmp_path / "k",
                                        1024, [inside, "/srv/elsewhere"]))
    assert f"--tmpfs {inside} --remount-ro {inside}" in argv
    assert "/srv/elsewhere" not in argv  # outside the allow-list: it does not exist inside anyway


def test_a_notebook_runs_where_an_event_loop_is_already_running():
    """As in a teacher's notebook, or a test session that drives a browser."""
    import asyncio

    async def inside_a_loop():
        return probe("found = {'ran': True}")

    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:  # a thread of its own, whatever loop the test session runs
        found, notes = pool.submit(lambda: asyncio.run(inside_a_loop())).result()
    assert found == {"ran": True}, notes


def test_each_notebook_gets_a_fresh_kernel_started_ahead_with_pandas_ready(tmp_path):
    """A runner starts the next kernel while a notebook runs (pandas and lessonkit imported
    before ipykernel starts); no kernel is reused, each sees its notebook's working copy, and
    closing the runner kills the kernel kept ready and removes every kernel's folders."""
    code = """
        import sys
        found = {"left": "left_behind" in globals(), "preloaded": [m for m in ("pandas", "lessonkit") if m in sys.modules],
                 "copy": open("probe.ipynb").read(1) == "{"}
        left_behind = 1
    """
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(textwrap.dedent(code) + _SAVE)])
    runner = kernel.Runner("probe", BOX, sandbox.Limits(timeout=30), parent=tmp_path)
    try:
        first = runner.run(nb, next_one=True)
        assert runner.spare is not None  # the next notebook's kernel, started while this one ran
        second = runner.run(nb, next_one=False)
        assert runner.spare is None
    finally:
        runner.close()
    for out in (first, second):
        assert out.started and out.finished, out.notes
        assert json.loads(found_text(out)) == {"left": False, "preloaded": ["pandas", "lessonkit"], "copy": True}
    assert list(tmp_path.iterdir()) == []


# ----------------------------------------------------------------------------- the teacher's Python settings

def _course(tmp_path: Path) -> Path:
    """A course folder as teachers keep them: a .env with a token, a module, a startup file."""
    course = tmp_path / "course"
    (course / "lib" / "site-tools").mkdir(parents=True)
    (course / ".env").write_text("TOKEN=course-secret\n", encoding="utf-8")
    (course / "coursekeys.py").write_text("ANSWER = 'course-secret'\n", encoding="utf-8")
    (course / "startup.py").write_text("import os\nos.environ['STARTUP_RAN'] = 'course-secret'\n", encoding="utf-8")
    return course


_COURSE_PROBE = """
    import os, sys
    found = {{"env": {{k: v for k, v in os.environ.items() if k.startswith("PYTHON") or "STARTUP" in k}}}}
    for name, path in {{"dotenv": {env!r}, "listing": {course!r}}}.items():
        try:
            found[name] = os.listdir(path) if name == "listing" else open(path).read()
        except OSError as e:
            found[name] = "refused: " + type(e).__name__
    try:
        import coursekeys
        found["import"] = coursekeys.ANSWER
    except ImportError as e:
        found["import"] = "refused: " + type(e).__name__
    found["path"] = [p for p in sys.path if p.startswith({course!r})]
"""


def _probe_course(course: Path) -> dict:
    kernel_view.python_path.cache_clear()
    try:
        found, notes = probe(_COURSE_PROBE.format(env=str(course / ".env"), course=str(course)))
        assert found is not None, notes
        system, python = sandbox.bound_paths()
        assert not any(p == str(course) or p.startswith(str(course) + os.sep) for p in system + python), python
        assert str(course) not in BOX.describe(10, 512, 100)
    finally:
        kernel_view.python_path.cache_clear()
    assert found["dotenv"] == "refused: FileNotFoundError" and found["listing"] == "refused: FileNotFoundError"
    assert found["import"] == "refused: ModuleNotFoundError"
    assert "course-secret" not in json.dumps(found)
    assert not any(k in found["env"] for k in ("PYTHONHOME", "PYTHONSTARTUP", "PYTHONUSERBASE"))
    return found


@needs_bwrap
@pytest.mark.parametrize("setting", ["PYTHONPATH=.", "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP"])
def test_the_teachers_python_variables_never_widen_the_sandbox(setting, tmp_path, monkeypatch):
    """``PYTHONPATH=.`` in a course folder (a common habit), or any other of Python's own
    variables, shows the kernel nothing of that folder: the sandbox is built from an allow-list."""
    course = _course(tmp_path)
    monkeypatch.chdir(course)
    if setting == "PYTHONPATH=.":
        monkeypatch.setenv("PYTHONPATH", ".")
    elif setting == "PYTHONPATH":
        monkeypatch.setenv("PYTHONPATH", f"{course}{os.pathsep}{course / 'lib'}")
    elif setting == "PYTHONHOME":
        monkeypatch.setenv("PYTHONHOME", str(course))
    else:
        monkeypatch.setenv("PYTHONSTARTUP", str(course / "startup.py"))
    found = _probe_course(course)
    assert found["path"] == []


@needs_bwrap
def test_a_user_site_folder_outside_lessonkit_does_not_widen_the_sandbox(tmp_path, monkeypatch):
    """A user site (``PYTHONUSERBASE`` pointing into a course folder) that lessonkit is not
    installed in is neither bound nor searched by the kernel."""
    import site

    course = _course(tmp_path)
    tag = f"python{sys.version_info.major}.{sys.version_info.minor}"
    user_site = course / "userbase" / "lib" / tag / "site-packages"
    user_site.mkdir(parents=True)
    (user_site / "coursekeys.py").write_text("ANSWER = 'course-secret'\n", encoding="utf-8")
    monkeypatch.setattr(site, "ENABLE_USER_SITE", True)
    monkeypatch.setattr(site, "USER_BASE", str(course / "userbase"))
    monkeypatch.setattr(site, "USER_SITE", str(user_site))
    monkeypatch.setenv("PYTHONUSERBASE", str(course / "userbase"))
    _probe_course(course)
    assert kernel_view.kernel_env(Path("/w"))["PYTHONNOUSERSITE"] == "1"


@needs_bwrap
def test_a_pth_file_pointing_at_a_course_folder_does_not_widen_the_sandbox(tmp_path):
    """A ``.pth`` file in site-packages naming a folder that is not an install location (an
    editable install of course tools, say): the kernel's Python still lists it, but it does not exist inside."""
    import sysconfig

    course = _course(tmp_path)
    pth = Path(sysconfig.get_paths()["purelib"]) / f"zz-lessonkit-test-{os.getpid()}.pth"
    pth.write_text(f"{course}\n{course / 'lib'}\n", encoding="utf-8")
    try:
        _probe_course(course)
    finally:
        pth.unlink()
