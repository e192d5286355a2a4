"""lessonkit.teacher.settings: the JupyterLab settings ship as lessonkit's own overrides.d file,
valid for the installed JupyterLab, and no install or command writes the user's overrides.json."""

from __future__ import annotations

import json
import os
import sys
import tomllib
from pathlib import Path

import pytest

from lessonkit.teacher.cli import main
from lessonkit.teacher.settings import SHIPPED, install_settings, settings_path, shipped_settings

REPO = Path(__file__).resolve().parents[1]


def read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_the_wheel_installs_the_settings_where_jupyterlab_reads_each_packages_own():
    """pyproject.toml maps the package's file to overrides.d/lessonkit.json, and this
    environment (installed by make) has it there: installing is enough, nothing is written."""
    shared = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["hatch"]["build"]["targets"][
        "wheel"]["shared-data"]
    source = Path(next(iter(shared)))
    assert (REPO / source).resolve() == SHIPPED.resolve()
    assert shared[str(source)] == "share/jupyter/lab/settings/overrides.d/lessonkit.json"
    assert settings_path() == Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.d" / "lessonkit.json"
    assert read(settings_path()) == shipped_settings()
    assert not (settings_path().parent.parent / "overrides.json").exists(), \
        "an install or a command wrote the user's overrides.json"


def test_the_command_copies_the_settings_into_another_environment_and_nothing_else(tmp_path, capsys):
    theirs = tmp_path / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    theirs.parent.mkdir(parents=True)
    theirs.write_text('{"@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Dark"}}\n', encoding="utf-8")
    before = theirs.read_bytes()
    assert main(["settings", "--prefix", str(tmp_path)]) == 0
    assert capsys.readouterr().out.strip() == str(settings_path(tmp_path))
    assert read(settings_path(tmp_path)) == shipped_settings()
    assert theirs.read_bytes() == before, "the user's own overrides.json was changed"
    assert main(["settings", "--prefix", str(tmp_path)]) == 0  # twice: the same file
    assert read(settings_path(tmp_path)) == shipped_settings()


def test_a_failed_write_leaves_no_partial_file(tmp_path, monkeypatch):
    def disk_full(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(OSError, match="No space left"):
        install_settings(tmp_path)
    assert sorted(p.name for p in settings_path(tmp_path).parent.iterdir()) == []


def test_every_setting_is_a_valid_setting_of_the_installed_jupyterlab():
    """A typo in a plugin id, a key or a value would be silently ignored by JupyterLab."""
    import jsonschema

    schemas = Path(sys.prefix) / "share" / "jupyter" / "lab" / "schemas"
    assert schemas.is_dir(), f"no JupyterLab schemas in {schemas}"
    for plugin, values in shipped_settings().items():
        package, _, name = plugin.partition(":")
        schema_file = schemas / package / f"{name}.json"
        assert schema_file.exists(), f"JupyterLab has no plugin {plugin} ({schema_file} missing)"
        schema = json.loads(schema_file.read_text(encoding="utf-8"))
        for key in values:
            assert key in schema["properties"], f"{plugin} has no setting {key!r}"
        jsonschema.validate({**_defaults(schema), **values}, schema)


def _defaults(schema: dict) -> dict:
    return {k: v["default"] for k, v in schema["properties"].items() if "default" in v}
