"""The repository works on Binder: what repo2docker does, reproduced without Docker.

repo2docker clones the repository, starts from an image that already has jupyterlab,
notebook and ipywidgets, installs ``binder/requirements.txt`` from the repository's root and
runs ``binder/postBuild`` there (which installs lessonkit itself with ``--no-deps``). The slow test below
does the same in a fresh venv, then
executes the student editions (nbclient, in that venv's own kernel) and checks that
``lessonkit`` is imported from the installed environment, not from the source tree.

What tree is tested
    Binder builds a commit, so in CI (``CI`` set) the test clones ``HEAD`` with
    ``git clone``: exactly what Binder would get. On a developer's machine with uncommitted
    changes, a clone would silently test the last commit instead of the work in progress,
    so there the test copies the files git would commit (``git ls-files --cached --others
    --exclude-standard``: tracked files as they are now, plus untracked files that are not
    ignored). A clean working tree is cloned as in CI. ``LESSONKIT_BINDER_SOURCE=clone`` or
    ``=worktree`` forces one or the other. The test prints which one it used.

It needs git, network access to the package index and about a minute.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
from importlib import metadata
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BINDER = REPO / "binder"
LOCK = REPO / "requirements" / "lock.txt"
# Binder's platform, for the lock's markers: binder/runtime.txt's Python on Linux.
BINDER_PLATFORM = {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix",
                   "platform_machine": "x86_64", "platform_python_implementation": "CPython",
                   "implementation_name": "cpython", "python_version": "3.11", "python_full_version": "3.11.7"}


def runtime_dependencies() -> set[str]:
    """The names of lessonkit's runtime dependencies (not extras) in pyproject.toml."""
    import tomllib

    from packaging.requirements import Requirement

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {Requirement(r).name.lower().replace("_", "-") for r in project["dependencies"]}


def pins_in(path: Path) -> dict[str, str]:
    """A requirements file as {name: pinned version}; a line without '==' maps to ''."""
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        name, _, version = line.split(";")[0].partition("==")
        pins[name.strip().lower().replace("_", "-")] = version.strip()
    return pins


def requirements() -> dict[str, str]:
    """binder/requirements.txt as {name: pinned version}."""
    return pins_in(BINDER / "requirements.txt")


def lock(environment: dict[str, str] | None = None) -> dict[str, str]:
    """requirements/lock.txt as {name: version} for one platform (this one by default)."""
    from packaging.requirements import Requirement

    locked = {}
    for line in LOCK.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        req = Requirement(line)
        if req.marker is None or req.marker.evaluate(environment):
            locked[req.name.lower().replace("_", "-")] = str(req.specifier).removeprefix("==")
    return locked


# --------------------------------------------------------------------------- fast checks


def test_binder_installs_the_lock():
    """binder/requirements.txt is made from the lock by `make lock`: exact pins, each the
    lock's version for Binder's platform, and every runtime dependency of lessonkit there."""
    pins = requirements()
    unpinned = sorted(name for name, version in pins.items() if not version)
    assert not unpinned, (f"binder/requirements.txt holds only pinned third-party packages (NAME==VERSION); "
                          f"found {unpinned} (lessonkit itself installs in postBuild)")
    missing = runtime_dependencies() - set(pins)
    assert not missing, f"runtime dependencies of lessonkit not pinned for Binder: {sorted(missing)}"
    locked = lock(BINDER_PLATFORM)
    drift = {name: (version, locked.get(name)) for name, version in pins.items() if locked.get(name) != version}
    assert not drift, f"binder/requirements.txt and requirements/lock.txt differ (Binder, lock); run `make lock`: {drift}"


@pytest.mark.skipif(bool(os.environ.get("LESSONKIT_UNLOCKED")), reason="make test-latest / test-lowest: unlocked on purpose")
def test_the_test_environment_is_the_lock():
    """`make test` installs the lock before it runs, so what is tested is what the lock says,
    whatever was released upstream since (make test-latest tries the newest on purpose)."""
    locked = lock()
    installed = {name: metadata.version(name) for name in locked if _installed(name)}
    absent = sorted(set(locked) - set(installed) - {"pip"})
    drift = {name: (locked[name], installed[name]) for name in installed if installed[name] != locked[name]}
    assert not drift, f"installed versions differ from requirements/lock.txt (locked, installed); run `make test`: {drift}"
    assert not absent, f"locked but not installed: {absent}"


def _installed(name: str) -> bool:
    try:
        metadata.version(name)
    except metadata.PackageNotFoundError:
        return False
    return True


def test_runtime_is_a_python_that_lessonkit_supports():
    runtime = (BINDER / "runtime.txt").read_text().strip()
    assert re.fullmatch(r"python-3\.\d+", runtime), runtime
    assert tuple(map(int, runtime.split("-")[1].split("."))) >= (3, 11), "lessonkit needs Python 3.11+"


def test_post_build_stops_on_the_first_failure():
    text = (BINDER / "postBuild").read_text()
    assert text.startswith("#!/usr/bin/env bash\n") or text.startswith("#!/bin/bash\n")
    assert "set -euo pipefail" in text
    install = text.index("pip install --no-deps")
    assert install < text.index("lessonkit build --edition student --out editions"), \
        "postBuild installs lessonkit (pip install --no-deps .) before it builds the student edition"
    assert text[install:].split("\n", 1)[0].rstrip().endswith(" ."), "postBuild installs the repository itself"
    assert "lessonkit settings" not in text, "the wheel ships the JupyterLab settings (overrides.d): nothing to write"


# --------------------------------------------------------------------------- the Binder proxy


def _git(*args: str, cwd: Path = REPO) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def binder_tree(dest: Path) -> str:
    """Put what Binder would build into dest; return how it was made."""
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("needs git and a git checkout of the repository")
    choice = os.environ.get("LESSONKIT_BINDER_SOURCE", "")
    if choice not in ("", "clone", "worktree"):
        raise ValueError(f"LESSONKIT_BINDER_SOURCE={choice!r}; use 'clone' or 'worktree'")
    dirty = _git("status", "--porcelain", "--untracked-files=all").strip()
    if choice == "clone" or (not choice and (os.environ.get("CI") or not dirty)):
        head = _git("rev-parse", "HEAD").strip()
        subprocess.run(["git", "clone", "--quiet", "--no-checkout", str(REPO), str(dest)], check=True)
        _git("checkout", "--quiet", "--detach", head, cwd=dest)
        return f"git clone of HEAD {head[:12]}"
    files = _git("ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0")
    copied = 0
    for name in filter(None, files):
        src = REPO / name
        if src.is_file():  # tracked files deleted in the working tree are skipped
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
            copied += 1
    return f"copy of the working tree's {copied} committable files (uncommitted changes included)"


def python_for(runtime: str) -> str:
    """An interpreter of the version binder/runtime.txt asks for."""
    version = runtime.strip().removeprefix("python-")
    if f"{sys.version_info.major}.{sys.version_info.minor}" == version:
        return sys.executable
    found = shutil.which(f"python{version}")
    if found:
        return found
    reason = f"binder/runtime.txt asks for Python {version}, which is not installed here"
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def run(cmd: list[str], cwd: Path, env: dict, timeout: int = 900) -> str:
    """Run a command; on failure, the error says which step failed, with its output."""
    p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if p.returncode:
        pytest.fail(f"{' '.join(map(str, cmd))} failed ({p.returncode}) in {cwd}:\n"
                    f"{p.stdout[-3000:]}\n{p.stderr[-3000:]}", pytrace=False)
    return p.stdout


EXECUTE = textwrap.dedent('''
    """Run in the Binder venv: execute notebooks in its kernel, then ask the kernel where lessonkit is."""
    import json, sys
    from pathlib import Path
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    def execute(nb, cwd):
        NotebookClient(nb, timeout=120, kernel_name="python3", shutdown_kernel="immediate",
                       resources={"metadata": {"path": str(cwd)}}).execute()
        return nb

    report = {"notebooks": {}}
    for name in sys.argv[2:]:
        path = Path(name)
        nb = nbformat.read(path, as_version=4)
        try:
            execute(nb, path.parent)
        except CellExecutionError:
            pass  # the error output is in the notebook; collected below
        errors = [f"{o.ename}: {o.evalue}" if o.output_type == "error" else f"stderr: {o.text[:300]}"
                  for c in nb.cells if c.cell_type == "code" for o in c.outputs
                  if o.output_type == "error" or (o.output_type == "stream" and o.name == "stderr")]
        report["notebooks"][name] = {"cells": sum(c.cell_type == "code" for c in nb.cells),
                                     "errors": errors}
    probe = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import json, sys, lessonkit\\n"
        "from lessonkit._paths import data_dir\\n"
        "print(json.dumps({'file': lessonkit.__file__, 'prefix': sys.prefix, 'data': str(data_dir()),"
        " 'executable': sys.executable}))")])
    probe.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    execute(probe, Path(sys.argv[1]))
    report["kernel"] = json.loads(probe.cells[0].outputs[0]["text"])
    print(json.dumps(report))
''')


@pytest.mark.slow
def test_binder_build_from_a_fresh_clone_runs_the_student_editions(tmp_path):
    started = time.monotonic()
    tree = tmp_path / "repo"
    tree.mkdir()
    how = binder_tree(tree)
    print(f"Binder proxy: building from a {how}")
    python = python_for((tree / "binder" / "runtime.txt").read_text())

    venv = tmp_path / "env"
    subprocess.run([python, "-m", "venv", str(venv)], check=True)
    bin_ = venv / "bin"
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "LESSONKIT_DATA", "JUPYTER_PATH",
                        "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTERLAB_SETTINGS_DIR")}
    env.update({"PATH": f"{bin_}{os.pathsep}{env.get('PATH', '')}", "VIRTUAL_ENV": str(venv),
                "PYTHONNOUSERSITE": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1",
                "JUPYTER_PLATFORM_DIRS": "1", "LESSONKIT_RECORD_DIR": str(tmp_path / "records"),
                "LESSONKIT_CACHE_DIR": str(tmp_path / "cache")})  # the image's ~/.cache/lessonkit
    (tmp_path / "records").mkdir()
    pip = [str(bin_ / "python"), "-m", "pip", "install", "--quiet"]
    # The base image's packages, at the versions the lock gives Binder (not today's newest).
    run(pip + ["jupyterlab", "notebook", "ipywidgets", "-c", "binder/requirements.txt"], cwd=tree, env=env)
    run(pip + ["-r", "binder/requirements.txt"], cwd=tree, env=env)
    post_build = tree / "binder" / "postBuild"
    post_build.chmod(0o755)  # repo2docker makes it executable too
    run(["./binder/postBuild"], cwd=tree, env=env)

    # The student edition of every lesson, plus the sample lesson built by the installed CLI.
    lessons = sorted((tree / "notebooks").glob("[0-9][0-9]-*.md"))
    built = sorted((tree / "editions" / "student").glob("*.ipynb")) if lessons else []
    assert [p.stem for p in built] == [p.stem for p in lessons]
    assert not (tree / "editions" / "teacher").exists(), "postBuild must not build the teacher edition"
    sample_out = tmp_path / "sample-edition"
    run([str(bin_ / "lessonkit"), "build", "tests/sample/sample.md", "--edition", "student",
         "--out", str(sample_out)], cwd=tree, env=env)
    notebooks = built + [sample_out / "student" / "sample.ipynb"]
    # postBuild ran every student edition once: its figures and tables are in the cache, and
    # it left no learning record behind.
    figures = sorted(p.name for p in (tmp_path / "cache").glob("*.figure"))
    assert not lessons or (figures and list((tmp_path / "cache").glob("*.pickle")))
    assert not list((tmp_path / "records").iterdir()) and not list(tree.rglob("lessonkit-record-*.json"))

    script = tmp_path / "execute.py"
    script.write_text(EXECUTE)
    outside = tmp_path / "elsewhere"
    outside.mkdir()

    def execute(paths: list[Path]) -> dict:
        return json.loads(run([str(bin_ / "python"), str(script), str(outside), *map(str, paths)],
                              cwd=outside, env=env).strip().splitlines()[-1])

    report = execute(built)
    assert sorted(p.name for p in (tmp_path / "cache").glob("*.figure")) == figures, \
        "a student's Run All on Binder drew a figure that postBuild did not keep"
    report["notebooks"].update(execute(notebooks[len(built):])["notebooks"])
    failed = {Path(name).name: r["errors"] for name, r in report["notebooks"].items() if r["errors"]}
    assert not failed, f"student editions that fail in the Binder environment: {failed}"
    assert all(r["cells"] > 0 for r in report["notebooks"].values())

    kernel = report["kernel"]
    site = Path(kernel["file"]).resolve()
    assert Path(kernel["prefix"]).resolve() == venv.resolve(), f"the kernel ran in {kernel['prefix']}, not the Binder venv"
    assert venv.resolve() in site.parents and "site-packages" in site.parts, f"lessonkit imported from {site}"
    assert tree.resolve() not in site.parents and REPO not in site.parents, f"lessonkit imported from the source tree: {site}"
    assert Path(kernel["data"]).resolve().is_relative_to(site.parent), f"data read from {kernel['data']}"

    overrides = venv / "share" / "jupyter" / "lab" / "settings" / "overrides.d" / "lessonkit.json"
    settings = json.loads(overrides.read_text())  # installed with the package, not written
    assert not (overrides.parent.parent / "overrides.json").exists(), "postBuild wrote the user's overrides.json"
    assert settings["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
    assert settings["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]["markdown"] == "Markdown Preview"
    print(f"Binder proxy: {len(notebooks)} notebooks ran in {time.monotonic() - started:.0f} s")


# --------------------------------------------------------------------------- the hub image


def _readme_block(language: str, containing: str) -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(rf"```{language}\n(.*?)```", readme, re.DOTALL)
    found = [b for b in blocks if containing in b]
    assert found, f"README.md has no {language} block with {containing!r}"
    return found[0]


@pytest.mark.slow
def test_repo2docker_renders_an_image_that_installs_the_lock_and_the_readme_names_it(tmp_path):
    """Without Docker, repo2docker --no-build still renders the Dockerfile it would build from
    binder/: it installs binder/requirements.txt (made from the lock) and runs postBuild (which
    installs lessonkit and with it its JupyterLab settings) on Binder's Python. The Helm values
    in the README's Zero to JupyterHub section name the image that the README's command builds."""
    import yaml

    repo2docker = Path(sys.prefix) / "bin" / "repo2docker"
    done = subprocess.run([str(repo2docker), "--no-build", "--debug", "--user-id", "1000", "--user-name", "jovyan",
                           str(REPO)], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    dockerfile = done.stdout + done.stderr
    install = re.search(r'RUN \$\{KERNEL_PYTHON_PREFIX\}/bin/pip install --no-cache-dir -r "binder/requirements.txt"', dockerfile)
    assert install, dockerfile[-3000:]
    assert "RUN ./binder/postBuild" in dockerfile[install.end():]
    assert "python=3.11" in dockerfile or "py-3.11" in dockerfile or "python3.11" in dockerfile

    command = _readme_block("sh", "repo2docker")
    image = re.search(r"--image-name (\S+)", command).group(1)
    values = yaml.safe_load(_readme_block("yaml", "singleuser"))
    assert f"{values['singleuser']['image']['name']}:{values['singleuser']['image']['tag']}" == image
