"""Shared by every test and doctest: learning records go to a temporary folder, and the
sample lesson's key (tests/sample/sample.md) is known to lessonkit, its kernels and graders."""

import os
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parent / "tests" / "sample"
os.environ["LESSONKIT_KEYS"] = os.pathsep.join(p for p in (os.environ.get("LESSONKIT_KEYS", ""), str(SAMPLE)) if p)


@pytest.fixture(autouse=True)
def _record_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("LESSONKIT_RECORD_DIR", str(tmp_path))
