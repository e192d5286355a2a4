"""Shared by every test and doctest: learning records go to a temporary folder."""

import pytest


@pytest.fixture(autouse=True)
def _record_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("LESSONKIT_RECORD_DIR", str(tmp_path))
