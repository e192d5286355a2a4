"""The answers a key computes from the data are kept in the user's cache under the key's
version: a second grader run reads them (no data, no pandas), any change of version computes
them again, and values JSON would change are never kept."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from lessonkit import _cache
from lessonkit._errors import UsageError
from lessonkit.lessons import sample
from lessonkit.teacher.grading.key import Key, key_version

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def sample_keys(monkeypatch) -> None:
    monkeypatch.setenv("LESSONKIT_KEYS", str(ROOT / "tests" / "sample"))


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.key"))


def test_a_second_key_of_the_same_version_reads_its_answers_from_the_cache(cache, monkeypatch):
    version = key_version("sample")
    first = Key("sample", version)
    assert len(entries(cache)) == 1
    assert first.verdict("sample.year", 2025)[0] == "correct"

    def broken():
        raise RuntimeError("the data is gone")

    monkeypatch.setattr(sample, "summit_year", broken)  # computing the answer would now fail
    second = Key("sample", version)
    assert second.verdict("sample.year", 2025)[0] == "correct"
    assert second.verdict("sample.year", 2024)[0] == "incorrect"
    assert second.verdict("sample.missiles", 1.936) == first.verdict("sample.missiles", 1.936)  # a trap
    with pytest.raises(UsageError, match="sample.year"):
        Key("sample", version + "-changed")  # another version computes again


def test_a_damaged_or_mismatched_entry_is_computed_again(cache, monkeypatch):
    version = key_version("sample")
    Key("sample", version)
    entry = entries(cache)[0]
    head, _, body = entry.read_bytes().partition(b"\n")
    digest, _, values = body.partition(b"\n")
    entry.write_bytes(head + b"\n" + digest + b"\n" + values.replace(b"2025", b"2024"))  # digest no longer matches
    assert Key("sample", version).verdict("sample.year", 2025)[0] == "correct"
    planted = json.loads(values)
    planted.pop("sample.year")
    _cache.write(entry.stem, json.dumps(planted).encode(), kind="key")  # whole, but missing an exercise
    assert Key("sample", version).verdict("sample.year", 2025)[0] == "correct"


def test_a_changed_data_file_changes_the_version(cache, tmp_path, monkeypatch):
    from .data_copies import copy_with

    folder = copy_with(tmp_path, monkeypatch)
    monkeypatch.setattr("lessonkit._paths.data_dir", lambda: folder)
    before = key_version("sample")
    (folder / "events.csv").write_bytes((folder / "events.csv").read_bytes() + b"\n")
    assert key_version("sample") != before


def test_values_json_would_change_are_not_kept(cache, monkeypatch):
    import pandas as pd

    from lessonkit.lessons import news

    monkeypatch.setattr(news, "inaccurate_ids", lambda: pd.Series(["c32", "c38"]))  # a code task's Series
    version = key_version("news")
    key = Key("news", version)
    assert entries(cache) == []
    assert "news.inaccurate" in key.exercises


def test_without_a_version_nothing_is_kept(cache):
    Key("sample")
    assert entries(cache) == []


def test_grading_records_twice_imports_pandas_only_the_first_time(cache, tmp_path):
    from . import grading_cases as gc

    records = tmp_path / "records"
    records.mkdir()
    right = {e: eval(v) for e, v in gc.right_answers().items()}  # noqa: S307 - our own reprs
    (records / "ana.json").write_text(gc.record("ana", [(e, a, "correct") for e, a in right.items()]), encoding="utf-8")
    probe = ("import sys, runpy\nsys.argv = ['lessonkit', 'grade', sys.argv[1], '--out', sys.argv[2], '--no-progress']\n"
             "try:\n    runpy.run_module('lessonkit.teacher.cli', run_name='__main__')\nexcept SystemExit:\n    pass\n"
             "print('pandas' in sys.modules)")
    runs = [subprocess.run([sys.executable, "-c", probe, str(records), str(tmp_path / f"out{n}")], capture_output=True,
                           text=True, check=True) for n in (1, 2)]
    assert [r.stdout.split()[-1] for r in runs] == ["True", "False"]
    books = [(tmp_path / f"out{n}" / "sample" / "gradebook.csv").read_text(encoding="utf-8") for n in (1, 2)]
    assert books[0] == books[1]


def test_every_lesson_key_expects_the_same_answers_from_the_cache(cache):
    from lessonkit._exercises import lesson_keys

    for lesson in [*lesson_keys(), "sample"]:
        version = key_version(lesson)
        computed = Key(lesson)
        Key(lesson, version)  # fills the cache where the values allow
        kept = Key(lesson, version)
        for eid, exercise in computed.exercises.items():
            want, got = exercise.expected(), kept.exercises[eid].expected()
            if hasattr(want, "equals"):
                assert want.equals(got), eid
            else:
                assert got == want and type(got) is type(want), eid
            traps = [(t() if callable(t) else t, says) for t, says in getattr(exercise, "traps", ())]
            assert list(getattr(kept.exercises[eid], "traps", ())) == traps, eid
    assert len(entries(cache)) >= 6  # all lessons but those whose answers JSON would change


def test_the_import_scan_is_kept_by_file_hash_and_gives_the_same_version(cache, monkeypatch):
    """key_version parses each source file the key's answers import once; a second version reads
    the names from the cache, gives the same hash, and a damaged entry is parsed again."""
    from lessonkit.teacher.grading import key as key_module

    monkeypatch.setenv(_cache.CACHE_ENV, "none")
    uncached = key_version("capstone")  # no cache at all: every file parsed
    monkeypatch.setenv(_cache.CACHE_ENV, str(cache))
    assert key_version("capstone") == uncached
    assert len(list(cache.glob("*.imports"))) == 1

    def no_parsing(*args):
        raise AssertionError("parsed again")

    real = key_module._imported_names
    monkeypatch.setattr(key_module, "_imported_names", no_parsing)
    assert key_version("capstone") == uncached  # every file's names from the cache
    monkeypatch.setattr(key_module, "_imported_names", real)
    entry = key_module._Imports.ENTRY
    names = json.loads(_cache.read(entry, kind="imports"))
    _cache.write(entry, json.dumps({d: 7 for d in names}).encode(), kind="imports")  # whole, but not names
    assert key_version("capstone") == uncached
