"""``lessonkit grade`` against submissions made to break it: every file is one row, always.

Hypothesis writes corpora of malformed learning records and notebooks (wrong types
everywhere, huge numbers, deep nesting); hand-made files add what a zip or a student can
leave in a folder: a FIFO, a symbolic link to a device, a name that is not UTF-8.
"""

from __future__ import annotations

import csv
import json
import os
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from lessonkit.teacher import cli, grading
from lessonkit.teacher.grading.attribution import notebook_attempts
from lessonkit.teacher.grading.key import Key
from lessonkit.teacher.grading.reading import read_submission
from lessonkit.teacher.grading.sanitize import clean
from lessonkit.teacher.grading.scoring import score_attempts

IDS = ["sample.year", "sample.venue", "sample.kind"]
HUGE_NUMBER = "9" * 5000

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12)
answers = json_values | st.sampled_from([{"$type": "tuple"}, {"$type": "dict", "items": [[[1], 2]]},
                                         {"$type": "float", "value": "x"}, {"$type": "series"},
                                         {"$type": "date", "value": 3}, {"$type": "nope"}])
attempts = st.fixed_dictionaries({"exercise": st.sampled_from(IDS) | json_values, "answer": answers,
                                  "status": st.sampled_from(["correct", "passed"]) | json_values})
records = st.fixed_dictionaries({
    "format": st.just("lessonkit-record/1") | json_values,
    "lesson": st.just("sample") | json_values,
    "student": st.text(max_size=40) | json_values,
    "attempts": st.lists(attempts | json_values, max_size=5) | json_values,
}).map(json.dumps)
raw_records = st.sampled_from([
    '{"format": "lessonkit-record/1", "lesson": "sample", "attempts": [{"exercise": "sample.year", "answer": '
    + HUGE_NUMBER + "}]}",
    '{"format": "lessonkit-record/1", "lesson": "sample", "student": ' + HUGE_NUMBER + ', "attempts": []}',
    '{"format": "lessonkit-record/1", "lesson": "sample", "attempts": [{"exercise": ["sample.year"], "answer": 1}]}',
    '{"format": "lessonkit-record/1", "lesson": "sample", "attempts": [{"exercise": {"a": 1}, "answer": 1}]}',
    "[" * 100_000 + "]" * 100_000,
    '{"format": "lessonkit-record/1", "lesson": "sample", "attempts": [{"exercise": "sample.year", "answer": '
    + "[" * 5000 + "]" * 5000 + "}]}",
    "\udcff",
])
notebooks = st.fixed_dictionaries({
    "nbformat": st.just(4) | json_values,
    "nbformat_minor": st.just(5) | json_values,
    "metadata": st.fixed_dictionaries({"lessonkit": st.fixed_dictionaries({"lesson": st.just("sample") | json_values})
                                       | json_values}) | json_values,
    # never a valid list of cells: these notebooks must be refused before any kernel starts
    "cells": st.lists(st.fixed_dictionaries({"cell_type": json_values, "source": json_values}), min_size=1,
                      max_size=3) | json_values.filter(lambda v: v != []),
}).map(json.dumps) | st.just('{"nbformat": 4, "cells": [' + HUGE_NUMBER + "]}")
names = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="/\0"), min_size=1, max_size=12)


def grade(folder: Path, out: Path) -> int:
    return grading.main(cli.parser().parse_args(["grade", str(folder), "--out", str(out), "--lesson", "sample",
                                                 "--no-progress", "--timeout", "5"]))


def rows_of(out: Path) -> list[dict]:
    with open(out / "sample" / "gradebook.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def hand_made(folder: Path) -> int:
    """A FIFO, symbolic links to a device and to a FIFO, a name that is not UTF-8; returns how many."""
    os.mkfifo(folder / "x.json")
    (folder / "zero.json").symlink_to("/dev/zero")
    os.mkfifo(folder.parent / "elsewhere.fifo")
    (folder / "pipe.ipynb").symlink_to(folder.parent / "elsewhere.fifo")
    with open(os.path.join(os.fsencode(folder), b"caf\xe9\n# Heading <script>.json"), "wb") as f:
        f.write(b'{"format": "lessonkit-record/1", "lesson": "sample", "attempts": [')
    return 4


# Hypothesis warns that the huge-number notebook (32 kB by design) makes a long repr for its report.
@pytest.mark.filterwarnings("ignore:Generating overly large repr")
@settings(max_examples=30, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],  # no slow shrinking
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(files=st.lists(st.tuples(names, st.sampled_from(["json", "ipynb"]), records | raw_records | notebooks),
                      min_size=1, max_size=12, unique_by=lambda t: (t[0].casefold(), t[1])))
def test_every_malformed_submission_is_one_row_and_the_gradebook_is_finished(files):
    with tempfile.TemporaryDirectory() as tmp:
        folder, out = Path(tmp) / "class", Path(tmp) / "out"  # the FIFO's link target is beside "class"
        folder.mkdir()
        for i, (stem, suffix, text) in enumerate(files):  # the index keeps every student's name distinct
            (folder / f"f{i}-{stem}.{suffix}").write_bytes(text.encode("utf-8", "surrogateescape"))
        extra = hand_made(folder)
        assert grade(folder, out) == 0
        rows = rows_of(out)
        # a record or notebook that names another lesson by a well-formed key is not this
        # lesson's row: the run notes list it, so no file is lost
        notes = (out / "run-notes.txt").read_text(encoding="utf-8")
        elsewhere = sum(int(n) for n in re.findall(r"Not graded: (\d+) file\(s\)", notes))
        assert len(rows) + elsewhere == len(files) + extra
        for row in rows:
            assert row["problem"] or row["total"] != "", row
            assert "\n" not in row["problem"] and len(row["problem"]) < 5000
        assert (out / "sample" / "report.html").is_file() and len(list((out / "sample" / "feedback").iterdir())) == len(rows)


def test_fifo_device_symlink_and_non_utf8_name_are_rows_that_say_why(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    hand_made(folder)
    assert grade(folder, tmp_path / "out") == 0
    by_file = {row["file"]: row for row in rows_of(tmp_path / "out")}
    assert "not a regular file" in by_file["class/x.json"]["problem"]
    assert "symbolic link" in by_file["class/zero.json"]["problem"]
    assert "symbolic link" in by_file["class/pipe.ipynb"]["problem"]
    odd = [f for f in by_file if f.startswith("class/caf")]
    assert odd == ["class/caf\ufffd # Heading <script>.json"], by_file
    assert by_file[odd[0]]["problem"].startswith("not a learning record: invalid JSON")
    page = (tmp_path / "out" / "sample" / "report.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;" in page
    for text in (p.read_text(encoding="utf-8") for p in (tmp_path / "out" / "sample" / "feedback").iterdir()):
        assert "\n# Heading" not in text and "<script>" not in text


@pytest.mark.parametrize("record, problem", [
    ('{"format": "lessonkit-record/1", "lesson": "sample", "attempts": [{"exercise": "sample.year", "answer": '
     + HUGE_NUMBER + "}]}", "not a learning record: the JSON cannot be read"),
    ('{"format": "lessonkit-record/1", "lesson": "sample", "attempts": [{"exercise": ["sample.year"], "answer": 1},'
     ' {"exercise": {"x": 1}, "answer": 1}]}', "2 attempt(s) for other lessons or not in lessonkit's form"),
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
])
def test_huge_numbers_odd_ids_and_deep_nesting_are_one_row(tmp_path, record, problem):
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "a.json").write_text(record, encoding="utf-8")
    (tmp_path / "class" / "b.json").write_text(
        '{"format": "lessonkit-record/1", "lesson": "sample", "attempts": [{"exercise": "sample.kind", '
        '"answer": "b"}]}', encoding="utf-8")
    assert grade(tmp_path / "class", tmp_path / "out") == 0
    rows = {row["file"]: row for row in rows_of(tmp_path / "out")}
    assert problem in rows["class/a.json"]["problem"]
    assert rows["class/b.json"]["sample.kind"] == "1"  # the next student is graded as usual


def test_reading_refuses_what_is_not_a_small_regular_file(tmp_path):
    (tmp_path / "big.json").write_bytes(b"x" * 2000)
    assert read_submission(tmp_path / "big.json", limit=1000) == (None, "the file is 0 MB, more than the 0 MB allowed")
    assert read_submission(tmp_path / "big.json", limit=5000) == (b"x" * 2000, "")
    assert read_submission(tmp_path / "missing.json")[1].startswith("the file could not be read")
    assert read_submission(tmp_path)[1].startswith("not a regular file")
    os.mkfifo(tmp_path / "fifo")
    assert read_submission(tmp_path / "fifo")[1].startswith("not a regular file")


def test_clean_makes_one_bounded_printable_line():
    secret = "S" * 10_000 + "\n# Heading\r<script>\u202e\x00\udcff"
    text = clean(secret, 60)
    assert len(text) == 60 and text.endswith("…") and "\n" not in text
    assert clean("a\n# b\u202ec\udcff") == "a # bc\ufffd"
    assert clean(object.__new__(type("Bad", (), {"__str__": lambda self: 1 / 0}))) == "<Bad>"


def test_only_answers_from_the_exercise_cell_count_and_no_more_than_its_calls():
    """Pure attribution rules, on answers as a kernel records them (cell index, id, JSON)."""
    nb = {"cells": [
        {"cell_type": "code", "source": "x = 1"},
        {"cell_type": "code", "source": 'year = 2025\ncheck("sample.year", year)'},
        {"cell_type": "code", "source": 'venue = ...  # done\ncheck("sample.venue", venue)'},
        {"cell_type": "code", "source": 'kind = "b"\ncheck("sample.kind", kind)'},
    ]}

    def answer(cell, eid, value):
        return {"cell": cell, "exercise": eid, "answer": json.dumps(value)}

    attempts, notes = notebook_attempts(nb, [
        answer(0, "sample.year", 2025),          # another cell: not counted
        answer(1, "sample.year", 2025),          # its own cell: counted
        answer(2, "sample.venue", "Lancaster House"),  # passes the stub's ...: check() was replaced
        answer(3, "sample.kind", "a"), answer(3, "sample.kind", "b"),  # two answers from one call: a thread?
        answer(1, ["not", "an", "id"], 1),
    ], IDS, stubs=None)
    assert attempts == [{"exercise": "sample.year", "answer": 2025}]
    assert any("answers to sample.year came from other cells" in n for n in notes)
    assert any("unchanged exercise cell of sample.venue" in n for n in notes)
    assert any("cell of sample.kind recorded more answers than it has check() calls" in n for n in notes)


def test_scoring_reads_a_claimed_status_only_in_a_plain_form():
    """A claim of "correct" is flagged when the key rejects the answer; a status of any other
    shape (a dict, a list, a number other than 0 or 1) is ignored, never raised on."""
    key = Key("sample")
    eid = next(iter(key.exercises))
    wrong = {"$type": "repr", "value": "not an answer anyone expects"}
    for status, flagged in [("Correct", True), (True, True), (1, True), ({"a": [1]}, False),
                            ([1, 2], False), (10**40, False), (None, False)]:
        scored = score_attempts(key, [{"exercise": eid, "answer": wrong, "status": status},
                                              {"exercise": ["list", "id"], "answer": 1}])
        assert scored.scores[eid] == 0
        assert any("claims" in p for p in scored.problems) is flagged, status
        assert any("ignored" in p for p in scored.problems)


def test_a_read_that_hangs_is_abandoned_and_the_files_after_it_are_read(tmp_path, monkeypatch):
    """A file on a mount that stops answering: its row says so, the others are read, in order.
    (A hanging mount cannot be made here, so one file's read is held until the test ends.)"""
    import threading

    from lessonkit.teacher.grading import reading

    paths = []
    for i in range(20):
        paths.append(tmp_path / f"{i}.json")
        paths[-1].write_bytes(b"x" * i)
    held, real = threading.Event(), reading._safe_read

    def hang_on_five(path, limit):
        if path == paths[5]:
            held.wait(30)
        return real(path, limit)

    monkeypatch.setattr(reading, "_safe_read", hang_on_five)
    try:
        got = list(reading.read_many(paths, seconds=0.5, ahead=3))
    finally:
        held.set()
    assert got[5] == (None, "the file could not be read within 0.5 s (not read)")
    assert [g for n, g in enumerate(got) if n != 5] == [(b"x" * i, "") for i in range(20) if i != 5]
