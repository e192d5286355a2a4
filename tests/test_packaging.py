"""lessonkit as a package: what it declares, what its wheel carries, and that the wheel alone
is enough to build, export and open the lessons from any folder.

The wheel test builds the wheel (``pip wheel . --no-deps``), installs it with ``--no-deps``
in a fresh venv outside the repository, and runs the installed ``lessonkit`` from an empty
folder. The fresh venv reaches the dependencies already installed in the running
environment through a ``.pth`` file (``venv --system-site-packages`` would give the base
interpreter's packages, not this environment's), so nothing is downloaded; its own
site-packages comes first on ``sys.path``, so ``lessonkit`` is the wheel's copy. The data
files of those dependencies (nbconvert's templates) are reached through ``JUPYTER_PATH``.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import tomllib
import urllib.error
import urllib.request
import zipfile
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from lessonkit._paths import default_lessons, lessons_dir, lessons_toml
from lessonkit.teacher import cli
from lessonkit.teacher.lesson import FIRST_LESSON, jupyter_command, running_as_root

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src" / "lessonkit"
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT = PYPROJECT["project"]
SCRIPTS = "Scripts" if os.name == "nt" else "bin"


def _norm(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def declared(*groups: str) -> set[str]:
    """Distribution names declared in pyproject.toml: runtime dependencies, plus the extras named."""
    requirements = list(PROJECT["dependencies"])
    for group in groups:
        requirements += PROJECT["optional-dependencies"][group]
    return {_norm(Requirement(r).name) for r in requirements}


def third_party_imports(files: list[Path]) -> dict[str, set[str]]:
    """{top-level module: files importing it} for every absolute import outside the standard
    library and lessonkit itself, read from the syntax tree (imports inside functions too)."""
    found: dict[str, set[str]] = {}
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in ("lessonkit", "__future__"):
                    found.setdefault(top, set()).add(str(path.relative_to(REPO) if path.is_relative_to(REPO) else path))
    return found


def undeclared(files: list[Path], allowed: set[str]) -> dict[str, list[str]]:
    """Imported modules whose distribution is not among allowed: {module: [files]}."""
    distributions = metadata.packages_distributions()
    missing = {}
    for module, where in third_party_imports(files).items():
        dists = {_norm(d) for d in distributions.get(module, [module])}
        if not dists & allowed:
            missing[module] = sorted(where)
    return missing


STUDENT_FILES = [p for p in SRC.rglob("*.py") if "teacher" not in p.relative_to(SRC).parts]
ALL_FILES = list(SRC.rglob("*.py"))


def test_the_import_scan_sees_imports_inside_functions(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("import os\nfrom . import x\ndef f():\n    from traitlets.config import Config\n"
                     "    import nbformat.v4\n")
    assert set(third_party_imports([probe]).keys()) == {"traitlets", "nbformat"}
    assert undeclared([probe], {"nbformat"}) == {"traitlets": [str(probe)]}


def test_every_third_party_import_is_declared():
    missing = undeclared(ALL_FILES, declared("teacher", "site"))  # site: lessonkit.teacher.site only
    assert not missing, f"imported by src/lessonkit but not declared in pyproject.toml: {missing}"


def test_what_students_import_needs_only_the_runtime_dependencies():
    missing = undeclared(STUDENT_FILES, declared())
    assert not missing, f"student modules import packages that only an extra installs: {missing}"


def test_student_build_needs_only_the_runtime_dependencies():
    build_path = [SRC / "teacher" / name for name in ("cli.py", "editions.py", "markup.py", "lesson.py", "settings.py")]
    from_top = {module: files for module, files in undeclared(build_path, declared()).items()
                if module not in ("nbclient", "traitlets")}  # imported only to execute the teacher edition
    assert not from_top, f"'lessonkit build --edition student' / 'lessonkit lesson' need extras: {from_top}"


def test_test_and_dev_tools_are_dependency_groups_not_published_extras():
    groups = PYPROJECT["dependency-groups"]
    test_tools = {_norm(Requirement(r).name) for r in groups["test"]}
    assert {"pytest", "playwright", "hypothesis", "nbval", "frictionless"} <= test_tools
    dev_tools = {_norm(Requirement(r).name) for r in groups["dev"] if isinstance(r, str)}
    assert {"uv", "ruff", "mypy", "build", "twine"} <= dev_tools and {"include-group": "test"} in groups["dev"]
    published = declared(*PROJECT["optional-dependencies"])
    assert not published & (test_tools | dev_tools), "test and dev tools must not be runtime dependencies or extras"


def test_metadata_is_complete():
    assert PROJECT["authors"] == [{"name": "lessonkit contributors"}]
    assert PROJECT["license"] == "MIT AND CC-BY-4.0"  # the wheel carries CC BY 4.0 data and lesson text
    assert PROJECT["dynamic"] == ["version"] and "version" not in PROJECT  # one source: lessonkit.__version__
    assert (SRC / "py.typed").is_file()
    assert {"Repository", "Issues", "Changelog"} <= set(PROJECT["urls"])
    assert set(PROJECT["license-files"]) == {"LICENSE", "LICENSE-DATA.md"}
    assert all((REPO / name).is_file() for name in PROJECT["license-files"])
    assert "MIT License" in (REPO / "LICENSE").read_text(encoding="utf-8")
    data_licence = (REPO / "LICENSE-DATA.md").read_text(encoding="utf-8")
    assert "CC BY 4.0" in data_licence and "Quoted material" in data_licence
    assert len(PROJECT["keywords"]) >= 5
    assert {"Intended Audience :: Education", "Framework :: Jupyter",
            "Operating System :: OS Independent"} <= set(PROJECT["classifiers"])
    assert all(u.startswith("https://") for u in PROJECT["urls"].values())
    assert (REPO / "CHANGELOG.md").is_file()
    import yaml

    import lessonkit

    citation = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["version"] == lessonkit.__version__ and set(citation["license"]) == {"MIT", "CC-BY-4.0"}


# --------------------------------------------------------------------------- lessons from any folder


def test_lessons_come_from_the_package_when_the_folder_has_none(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    lessons = default_lessons()
    order = [entry["file"] for entry in tomllib.loads(lessons_toml().read_text(encoding="utf-8"))["lesson"]]
    assert [p.name for p in lessons] == sorted(order)
    assert all(p.parent == lessons_dir() and p.is_absolute() for p in lessons)


def test_a_folder_with_its_own_lessons_uses_them(tmp_path, monkeypatch):
    (tmp_path / "notebooks").mkdir()
    own = tmp_path / "notebooks" / "01-mine.md"
    own.write_text("x")
    monkeypatch.chdir(tmp_path)
    assert default_lessons() == [Path("notebooks") / "01-mine.md"]


def test_app_from_an_empty_folder_writes_into_that_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["app"]) == 0
    written = tmp_path / "apps" / "explorers.ipynb"
    assert capsys.readouterr().out.strip() == str(Path("apps", "explorers.ipynb"))
    nb = json.loads(written.read_text(encoding="utf-8"))
    assert nb["cells"] and nb["metadata"].get("jupytext") is None


def test_app_names_a_missing_source(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["app", "nowhere.md"]) == 2
    assert capsys.readouterr().err.strip() == "lessonkit app: nowhere.md not found"


# --------------------------------------------------------------------------- lessonkit lesson


def test_jupyter_command_opens_the_first_lesson_with_extra_arguments(tmp_path):
    (tmp_path / FIRST_LESSON).write_text("{}")
    command = jupyter_command(tmp_path, ["--", "--port", "8890"])
    assert command[:3] == [sys.executable, "-m", "jupyterlab"]
    assert f"--ServerApp.root_dir={tmp_path}" in command
    assert command[-3:] == ["--port", "8890", str(tmp_path / FIRST_LESSON)]
    assert ("--allow-root" in command) == running_as_root()
    assert "--" not in command


def test_jupyter_command_without_a_first_lesson_opens_the_folder(tmp_path):
    command = jupyter_command(tmp_path, ["--allow-root"])
    assert command.count("--allow-root") == 1 and not command[-1].endswith(".ipynb")


def test_lesson_passes_options_it_does_not_know_to_jupyterlab_in_order():
    args = cli.parse(["lesson", "--port", "8890", "--replace", "--no-browser", "--", "--out", "x"])
    assert (args.command, args.out, args.replace) == ("lesson", "editions", True)
    assert args.jupyter_args == ["--port", "8890", "--no-browser", "--out", "x"]
    with pytest.raises(SystemExit):  # other commands still refuse unknown options
        cli.parse(["build", "--port", "8890"])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _lessonkit(*args: str, cwd: Path, env: dict | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lessonkit", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, ""


def _assert_no_nbgrader_for_students(base: str, token: str) -> None:
    """The student's JupyterLab has nbgrader's extensions off, even where the teacher's tools
    share the environment: its page config disables the JupyterLab extension, and the
    formgrader's pages are not served."""
    status, page = _get(f"{base}/lab?token={token}")
    assert status == 200
    config = json.loads(re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                                  page, re.S).group(1))
    assert "@jupyter/nbgrader" in config["disabledExtensions"]
    if importlib.util.find_spec("nbgrader") is not None:  # installed with the teacher's extra (make test)
        enabled = json.loads((Path(sys.prefix) / "etc" / "jupyter" / "jupyter_server_config.d" / "nbgrader.json")
                             .read_text(encoding="utf-8"))["ServerApp"]["jpserver_extensions"]
        assert enabled["nbgrader.server_extensions.formgrader"] is True  # so only our config turns it off
        assert _get(f"{base}/formgrader?token={token}")[0] == 404


@pytest.mark.slow
def test_lesson_builds_the_student_edition_and_serves_it_in_jupyterlab(tmp_path):
    port, token = _free_port(), "lessonkit-test"
    proc = subprocess.Popen([sys.executable, "-m", "lessonkit", "lesson", "--out", "ed", "--", "--no-browser",
                             f"--ServerApp.port={port}", f"--IdentityProvider.token={token}", "--ServerApp.ip=127.0.0.1"],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline, listing = time.monotonic() + 90, None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/contents?token={token}", timeout=5) as r:
                    listing = json.load(r)
                break
            except OSError:
                time.sleep(1)
        assert listing is not None, f"JupyterLab did not answer on port {port}"
        names = {item["name"] for item in listing["content"]}
        assert FIRST_LESSON in names and len([n for n in names if n.endswith(".ipynb")]) == len(default_lessons())
        _assert_no_nbgrader_for_students(f"http://127.0.0.1:{port}", token)
    finally:
        proc.terminate()  # JupyterLab took the command's place (Unix), so it gets the signal
        try:
            output = proc.communicate(timeout=30)[0]
        except subprocess.TimeoutExpired:
            proc.kill()
            output = proc.communicate()[0]
    student = tmp_path / "ed" / "student"
    assert not (tmp_path / "ed" / "teacher").exists()
    assert f"--ServerApp.root_dir={Path('ed', 'student')}" in output

    # Day two, the same lessons: a lesson the student changed is left alone, nothing is written
    # beside it and nothing is said. '--version' makes JupyterLab print its version and stop,
    # so the second run ends by itself.
    first = student / FIRST_LESSON
    nb = json.loads(first.read_text(encoding="utf-8"))
    nb["cells"][0]["source"] = "my own notes"
    first.write_text(json.dumps(nb), encoding="utf-8")
    again = _lessonkit("lesson", "--out", "ed", "--", "--version", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert json.loads(first.read_text(encoding="utf-8"))["cells"][0]["source"] == "my own notes"
    assert not [p for p in student.iterdir() if "new version" in p.name]
    assert "new version" not in again.stdout and "kept" not in again.stdout


# --------------------------------------------------------------------------- the wheel, outside the repo


def _env_for(venv: Path, home: Path) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "LESSONKIT_DATA", "LESSONKIT_EDITIONS")}
    env.update({"PATH": f"{venv / SCRIPTS}{os.pathsep}{env.get('PATH', '')}", "VIRTUAL_ENV": str(venv),
                "PYTHONNOUSERSITE": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1",
                "LESSONKIT_RECORD_DIR": str(home / "records"),
                # the data files those dependencies installed (nbconvert's templates, kernel specs)
                "JUPYTER_PATH": str(Path(sys.prefix) / "share" / "jupyter")})
    return env


def _check(p: subprocess.CompletedProcess, what: str) -> str:
    assert p.returncode == 0, f"{what} failed ({p.returncode}):\n{p.stdout[-2000:]}\n{p.stderr[-3000:]}"
    return p.stdout


@pytest.mark.slow
def test_the_wheel_alone_builds_exports_and_makes_the_app_from_an_empty_folder(tmp_path):
    started = time.monotonic()
    wheels = tmp_path / "wheels"
    # Built with the locked hatchling of this environment, not a build backend downloaded today.
    _check(subprocess.run([sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "--no-build-isolation", "-q",
                           "-w", str(wheels)], capture_output=True, text=True, timeout=300), "pip wheel")
    wheel = next(wheels.glob("lessonkit-*.whl"))
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        meta = z.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    packaged = sorted(n.split("/")[-1] for n in names if n.startswith("lessonkit/_package_data/notebooks/"))
    assert packaged == sorted([p.name for p in (REPO / "notebooks").glob("*.md")] + ["lessons.toml"])  # lessons, glossary
    assert "lessonkit/_package_data/apps/explorers.md" in names
    assert "lessonkit/_package_data/seeds/000_cc7a9aa5aad3444a.txt" in names  # lesson 6 shows it whole
    assert "lessonkit/_package_data/datapackage.json" in names
    assert {"lessonkit/teacher/student_lab/labconfig/page_config.json",
            "lessonkit/teacher/student_lab/jupyter_server_config.json"} <= set(names)  # nbgrader off for students
    assert not [n for n in names if n.endswith(".ipynb")], "built notebooks must not be packaged"
    assert "License-File: LICENSE" in meta and "License-File: LICENSE-DATA.md" in meta
    assert "Author: lessonkit contributors" in meta and "Classifier: Intended Audience :: Education" in meta

    venv = tmp_path / "venv"
    _check(subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], capture_output=True,
                          text=True), "venv")
    python = venv / SCRIPTS / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "zz-dependencies-of-the-test-venv.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _check(subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q",
                           str(wheel)], capture_output=True, text=True, timeout=300), "pip install --no-deps")

    home = tmp_path / "somewhere-else"
    (home / "records").mkdir(parents=True)
    env = _env_for(venv, home)
    lessonkit = str(venv / SCRIPTS / "lessonkit")
    where = json.loads(_check(subprocess.run(
        [str(python), "-c", "import json, lessonkit, lessonkit._paths as p; print(json.dumps([lessonkit.__file__, "
         "str(p.data_dir()), str(p.lessons_dir()), str(p.app_source())]))"],
        cwd=home, env=env, capture_output=True, text=True), "import"))
    package = Path(where[0]).resolve().parent
    assert package.parent == site.resolve(), f"lessonkit imported from {where[0]}, not the venv's site-packages"
    assert all(Path(p).resolve().is_relative_to(package) for p in where[1:]), where

    _check(subprocess.run([lessonkit, "build", "--out", "editions"], cwd=home, env=env, capture_output=True,
                          text=True, timeout=600), "lessonkit build")
    order = [entry["file"].replace(".md", ".ipynb")
             for entry in tomllib.loads(lessons_toml().read_text(encoding="utf-8"))["lesson"]]
    for edition in ("teacher", "student"):
        assert sorted(p.name for p in (home / "editions" / edition).glob("*.ipynb")) == sorted(order), edition
    teacher = json.loads((home / "editions" / "teacher" / order[0]).read_text(encoding="utf-8"))
    assert any(cell.get("outputs") for cell in teacher["cells"]), "the teacher edition was not executed"

    _check(subprocess.run([lessonkit, "export", "--editions", "editions", "--out", "exports"], cwd=home, env=env,
                          capture_output=True, text=True, timeout=300), "lessonkit export")
    for edition in ("teacher", "student"):
        pages = sorted(p.name for p in (home / "exports" / edition).glob("*.html"))
        assert pages == sorted(name.replace(".ipynb", ".html") for name in order), edition
    _check(subprocess.run([lessonkit, "app"], cwd=home, env=env, capture_output=True, text=True), "lessonkit app")
    assert json.loads((home / "apps" / "explorers.ipynb").read_text(encoding="utf-8"))["cells"]

    written = {p.relative_to(package) for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    installed = {Path(n).relative_to("lessonkit") for n in names if n.startswith("lessonkit/")}
    assert written == installed, f"the commands wrote into the installed package: {sorted(written - installed)}"
    print(f"wheel test: {time.monotonic() - started:.0f} s")
    shutil.rmtree(venv, ignore_errors=True)


@pytest.mark.slow
def test_the_test_command_without_make_builds_the_editions_and_collects_the_suite(tmp_path, capfd):
    """tools/run_tests.py is what `make test` runs and what Windows runs: here it builds into a
    temporary folder and only collects (running the suite inside the suite would recurse)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("run_tests", REPO / "tools" / "run_tests.py")
    run_tests = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run_tests)
    editions = tmp_path / "editions"
    assert run_tests.main(["--collect-only", "-q"], editions=editions) == 0
    out = capfd.readouterr().out
    built = sorted(p.name for p in (editions / "teacher").glob("*.ipynb"))
    assert len(built) == len(default_lessons())
    assert all(f"{name}::Cell 0" in out for name in built), "nbval did not collect the built notebooks"
    assert "tests/test_packaging.py::test_every_third_party_import_is_declared" in out


# --------------------------------------------------------------------------- the wheel alone


@pytest.mark.slow
def test_the_wheel_alone_serves_the_lessons_with_its_settings_and_teacher_commands_say_what_to_install(tmp_path):
    """A fresh venv with the student install from the wheel (its locked runtime dependencies,
    no extra): `lessonkit --version` works, the JupyterLab settings arrive as lessonkit's own
    overrides.d file and JupyterLab applies them, no overrides.json is written, the lessons are
    served as notebooks, and `lessonkit grade` without the extra prints the one-line hint."""
    wheels = tmp_path / "wheels"
    _check(subprocess.run([sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "--no-build-isolation", "-q",
                           "-w", str(wheels)], capture_output=True, text=True, timeout=300), "pip wheel")
    wheel = next(wheels.glob("lessonkit-*.whl"))
    venv = tmp_path / "venv"
    _check(subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], capture_output=True, text=True), "venv")
    uv = Path(sys.prefix) / SCRIPTS / "uv"
    _check(subprocess.run([str(uv), "pip", "install", "--quiet", "--python", str(venv / SCRIPTS / "python"),
                           "-c", str(REPO / "requirements" / "lock.txt"), str(wheel)],
                          capture_output=True, text=True, timeout=600), "uv pip install (the student install)")
    home = tmp_path / "home"
    (home / "records").mkdir(parents=True)
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "LESSONKIT_DATA", "LESSONKIT_EDITIONS", "JUPYTER_PATH")}
    env.update({"PATH": f"{venv / SCRIPTS}{os.pathsep}{env.get('PATH', '')}", "VIRTUAL_ENV": str(venv),
                "PYTHONNOUSERSITE": "1", "LESSONKIT_RECORD_DIR": str(home / "records"), "HOME": str(home),
                "JUPYTER_CONFIG_DIR": str(home / "jupyter-config"), "JUPYTER_DATA_DIR": str(home / "jupyter-data"),
                "JUPYTERLAB_SETTINGS_DIR": str(home / "lab-user-settings")})
    lessonkit = str(venv / SCRIPTS / "lessonkit")
    import lessonkit as here

    version = _check(subprocess.run([lessonkit, "--version"], capture_output=True, text=True, env=env), "--version")
    assert version.strip() == f"lessonkit {here.__version__}"
    grade = subprocess.run([lessonkit, "grade", "x", "--out", "y"], cwd=home, capture_output=True, text=True, env=env)
    assert grade.returncode == 2 and "Traceback" not in grade.stderr, grade.stderr
    assert grade.stderr.strip().splitlines() == [
        f"lessonkit grade: needs the extra 'teacher' ({grade.stderr.split('(')[1].split(' ')[0]} is not installed): "
        'pip install "lessonkit[teacher]"'], grade.stderr

    settings_dir = venv / "share" / "jupyter" / "lab" / "settings"
    assert json.loads((settings_dir / "overrides.d" / "lessonkit.json").read_text()) == \
        json.loads((SRC / "teacher" / "jupyterlab-overrides.json").read_text())
    port, token = _free_port(), "lessonkit-wheel"
    proc = subprocess.Popen([lessonkit, "lesson", "--no-browser", f"--ServerApp.port={port}",
                             f"--IdentityProvider.token={token}", "--ServerApp.ip=127.0.0.1"],
                            cwd=home, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline, answers = time.monotonic() + 300, {}
        while time.monotonic() < deadline and proc.poll() is None and len(answers) < 2:
            try:
                for name, path in (("contents", "/api/contents/00-start-here.ipynb?content=0"),
                                   ("news", "/lab/api/settings/@jupyterlab/apputils-extension:notification")):
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}&token={token}".replace(
                            "notification&", "notification?"), timeout=5) as r:
                        answers[name] = json.load(r)
            except OSError:
                time.sleep(1)
    finally:
        proc.terminate()
        try:
            output = proc.communicate(timeout=30)[0]
        except subprocess.TimeoutExpired:
            proc.kill()
            output = proc.communicate()[0]
    assert len(answers) == 2, f"JupyterLab did not answer on port {port} ({sorted(answers)}):\n{output[-3000:]}"
    assert answers["contents"]["type"] == "notebook", answers["contents"]
    assert answers["news"]["schema"]["properties"]["fetchNews"]["default"] == "false", output[-2000:]
    assert not (settings_dir / "overrides.json").exists(), "lessonkit lesson wrote the user's overrides.json"
