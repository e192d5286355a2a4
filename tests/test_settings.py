"""lessonkit.teacher.settings: the JupyterLab overrides are merged, valid, and written atomically."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from lessonkit.teacher.cli import main
from lessonkit.teacher.settings import OVERRIDES, overrides_path, write_overrides


def read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_the_path_is_where_jupyterlab_reads_overrides_for_the_environment(tmp_path):
    assert overrides_path(tmp_path) == tmp_path / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    assert overrides_path() == Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"


def test_a_new_environment_gets_exactly_the_module_settings(tmp_path):
    path = write_overrides(tmp_path)
    assert path == overrides_path(tmp_path)
    assert read(path) == OVERRIDES
    assert path.read_text(encoding="utf-8").endswith("}\n")


def test_existing_settings_are_merged_not_clobbered(tmp_path):
    path = overrides_path(tmp_path)
    path.parent.mkdir(parents=True)
    theirs = {
        "@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Dark"},
        "@jupyterlab/apputils-extension:notification": {"doNotDisturbMode": True, "fetchNews": "none"},
        "@jupyterlab/docmanager-extension:plugin": {"autosaveInterval": 30},
    }
    path.write_text(json.dumps(theirs), encoding="utf-8")
    write_overrides(tmp_path)
    merged = read(path)
    assert merged["@jupyterlab/apputils-extension:themes"] == {"theme": "JupyterLab Dark"}
    assert merged["@jupyterlab/apputils-extension:notification"] == {
        "doNotDisturbMode": True, "fetchNews": "false", "checkForUpdates": False}
    assert merged["@jupyterlab/docmanager-extension:plugin"] == {
        "autosaveInterval": 30, "defaultViewers": {"markdown": "Markdown Preview"}}


def test_writing_twice_changes_nothing(tmp_path):
    first = write_overrides(tmp_path).read_text(encoding="utf-8")
    assert write_overrides(tmp_path).read_text(encoding="utf-8") == first


def test_the_file_is_replaced_in_one_rename(tmp_path, monkeypatch):
    path = overrides_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text("{}", encoding="utf-8")
    renames = []
    real_replace = os.replace

    def spy(src, dst):
        renames.append((Path(src), Path(dst), Path(src).read_text(encoding="utf-8")))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    write_overrides(tmp_path)
    assert len(renames) == 1
    src, dst, text = renames[0]
    assert dst == path and src.parent == path.parent and src != path
    assert json.loads(text) == OVERRIDES  # the whole file existed before it took the name
    assert sorted(p.name for p in path.parent.iterdir()) == ["overrides.json"]


def test_a_failed_write_leaves_the_old_file_whole_and_no_temporary_file(tmp_path, monkeypatch):
    path = overrides_path(tmp_path)
    path.parent.mkdir(parents=True)
    old = '{"@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Dark"}}\n'
    path.write_text(old, encoding="utf-8")

    def disk_full(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(OSError, match="No space left"):
        write_overrides(tmp_path)
    assert path.read_text(encoding="utf-8") == old
    assert sorted(p.name for p in path.parent.iterdir()) == ["overrides.json"]


def test_an_unreadable_file_is_not_overwritten(tmp_path):
    path = overrides_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError):
        write_overrides(tmp_path)
    assert path.read_text(encoding="utf-8") == "{not json"


def test_every_override_is_a_valid_setting_of_the_installed_jupyterlab():
    """A typo in a plugin id, a key or a value would be silently ignored by JupyterLab."""
    import jsonschema

    schemas = Path(sys.prefix) / "share" / "jupyter" / "lab" / "schemas"
    if not schemas.is_dir():
        pytest.skip(f"no JupyterLab schemas in {schemas}")
    for plugin, values in OVERRIDES.items():
        package, _, name = plugin.partition(":")
        schema_file = schemas / package / f"{name}.json"
        assert schema_file.exists(), f"JupyterLab has no plugin {plugin} ({schema_file} missing)"
        schema = json.loads(schema_file.read_text(encoding="utf-8"))
        for key in values:
            assert key in schema["properties"], f"{plugin} has no setting {key!r}"
        jsonschema.validate({**_defaults(schema), **values}, schema)


def _defaults(schema: dict) -> dict:
    return {k: v["default"] for k, v in schema["properties"].items() if "default" in v}


def test_the_command_writes_into_the_given_prefix(tmp_path, capsys):
    assert main(["settings", "--prefix", str(tmp_path)]) == 0
    assert capsys.readouterr().out.strip() == str(overrides_path(tmp_path))
    assert read(overrides_path(tmp_path)) == OVERRIDES

