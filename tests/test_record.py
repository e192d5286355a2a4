"""The learning record: atomic appends that survive restarts and concurrent kernels."""

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lessonkit import check, set_name
from lessonkit._answers import from_json, to_json
from lessonkit._record import append, attempts, record_path, write_atomic

WRITER = """
import sys
from lessonkit import check, set_name
for i in range(int(sys.argv[1])):
    check("sample.year", 2000 + i)
"""


def test_two_processes_writing_at_once_lose_nothing(tmp_path):
    env = dict(os.environ, LESSONKIT_RECORD_DIR=str(tmp_path))
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, "40"], env=env) for _ in range(2)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    record = json.loads(record_path("sample").read_text())
    assert len(record["attempts"]) == 80
    answers = sorted(a["answer"] for a in record["attempts"])
    assert answers == sorted(list(range(2000, 2040)) * 2)
    assert not list(tmp_path.glob("*.tmp")), "a temporary file was left behind"
    assert not list(tmp_path.glob("*.lock")), "a lock file was left behind"


def test_the_record_survives_a_restart(tmp_path):
    """A new process (a restarted kernel) appends to what the old one wrote."""
    env = dict(os.environ, LESSONKIT_RECORD_DIR=str(tmp_path))
    for _ in range(2):
        subprocess.run([sys.executable, "-c", WRITER, "1"], env=env, check=True)
    assert len(attempts("sample")) == 2


def test_an_unreadable_record_is_kept_aside_not_overwritten():
    path = record_path("sample")
    path.write_text("{ this is not json")
    check("sample.year", 2025)
    aside = path.with_name("lessonkit-record-sample.unreadable-1.json")
    assert aside.read_text() == "{ this is not json"
    assert len(attempts("sample")) == 1


def test_write_atomic_leaves_the_old_file_when_writing_fails(tmp_path):
    target = tmp_path / "gradebook.csv"
    target.write_text("old")


    try:
        write_atomic(target, object())  # not text: fails inside the write
    except TypeError:
        pass
    assert target.read_text() == "old"
    assert list(tmp_path.iterdir()) == [target]


@pytest.mark.parametrize("sync", [True, False])
def test_write_atomic_writes_text_and_pieces_as_utf8_and_a_failing_piece_changes_nothing(tmp_path, sync):
    text = "naïve, Київ, 東京\nsecond line\n" * 50
    write_atomic(tmp_path / "whole.md", text, sync=sync)
    write_atomic(tmp_path / "pieces.md", iter(text.splitlines(keepends=True)), sync=sync)
    assert (tmp_path / "whole.md").read_bytes() == (tmp_path / "pieces.md").read_bytes() == text.encode("utf-8")

    def failing():
        yield "half"
        raise OSError("the disk is full")

    with pytest.raises(OSError):
        write_atomic(tmp_path / "whole.md", failing(), sync=sync)
    assert (tmp_path / "whole.md").read_bytes() == text.encode("utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pieces.md", "whole.md"]


def test_answers_of_every_kind_round_trip():
    frame = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    series = pd.Series({"GBP": 1.5, "EUR": 2.0}, name="total")
    for answer in (..., None, 3, 2.5, "text", [1, "a"], (1, 2), {"k": [1]}, {1, 2}):
        assert from_json(json.loads(json.dumps(to_json(answer)))) == answer
    pd.testing.assert_frame_equal(from_json(json.loads(json.dumps(to_json(frame)))), frame)
    pd.testing.assert_series_equal(from_json(json.loads(json.dumps(to_json(series)))), series)


@settings(max_examples=100, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
                    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=3), c, max_size=3),
                    max_leaves=10))
def test_any_answer_can_be_saved_as_json(answer):
    json.dumps(to_json(answer), allow_nan=False)


def test_append_returns_every_attempt():
    append("sample", {"exercise": "sample.year", "answer": 1, "status": "incorrect"})
    history = append("sample", {"exercise": "sample.year", "answer": 2, "status": "incorrect"})
    assert [a["answer"] for a in history] == [1, 2]
    assert Path(record_path("sample")).exists()


def test_no_lock_file_is_left_beside_the_record(tmp_path, monkeypatch):
    monkeypatch.setenv("LESSONKIT_RECORD_DIR", str(tmp_path))
    check("sample.year", 2025)
    check("sample.year", 2024)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lessonkit-record-sample.json"]


def test_two_processes_leave_no_lock_file_either(tmp_path):
    env = dict(os.environ, LESSONKIT_RECORD_DIR=str(tmp_path))
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, "5"], env=env) for _ in range(2)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    assert len(attempts_in(tmp_path)) == 10
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lessonkit-record-sample.json"]


def attempts_in(folder):
    return json.loads((folder / "lessonkit-record-sample.json").read_text())["attempts"]


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_written_files_follow_the_umask(tmp_path, monkeypatch, umask, mode):
    monkeypatch.setenv("LESSONKIT_RECORD_DIR", str(tmp_path))
    old = os.umask(umask)
    try:
        write_atomic(tmp_path / "gradebook.csv", "a,b\n")
        check("sample.year", 2025)
        set_name("Alice Smith")
    finally:
        os.umask(old)
    for name in ("gradebook.csv", "lessonkit-record-sample.json", "lessonkit-profile.json"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == mode, name


def test_a_name_set_once_is_stamped_into_every_record(tmp_path, monkeypatch):
    monkeypatch.setenv("LESSONKIT_RECORD_DIR", str(tmp_path))
    for var in ("LESSONKIT_STUDENT", "JUPYTERHUB_USER"):
        monkeypatch.delenv(var, raising=False)
    check("sample.year", 1999)  # a record written before the name was set
    note = set_name("  Alice   Smith ")
    assert note.saved and "Alice Smith" in str(note)
    assert json.loads((tmp_path / "lessonkit-profile.json").read_text())["name"] == "Alice Smith"
    check("sample.year", 2025)
    check("start.host", "Starmer")
    for lesson in ("sample", "start"):
        assert json.loads(record_path(lesson).read_text())["student"] == "Alice Smith"


def test_the_name_comes_from_the_environment_then_the_profile_then_the_hub(tmp_path, monkeypatch):
    monkeypatch.setenv("LESSONKIT_RECORD_DIR", str(tmp_path))
    monkeypatch.setenv("JUPYTERHUB_USER", "asmith")
    monkeypatch.delenv("LESSONKIT_STUDENT", raising=False)

    def student():
        check("sample.year", 2025)
        return json.loads(record_path("sample").read_text())["student"]

    assert student() == "asmith"
    set_name("Alice Smith")
    assert student() == "Alice Smith"
    monkeypatch.setenv("LESSONKIT_STUDENT", "Student 7")
    assert student() == "Student 7"


@pytest.mark.parametrize("bad, words", [(..., "replace the ..."), ("", "replace the ..."),
                                        (42, "in quotes"), ("x" * 500, "at most"),
                                        ("Alice\nSmith", "one line")])
def test_a_name_that_cannot_be_saved_gets_a_message_and_writes_nothing(tmp_path, monkeypatch, bad, words):
    monkeypatch.setenv("LESSONKIT_RECORD_DIR", str(tmp_path))
    note = set_name(bad)
    assert not note.saved and words in str(note) and words in note._repr_html_()
    assert not list(tmp_path.iterdir())
