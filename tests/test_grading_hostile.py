"""``lessonkit grade`` against a class that tries to fool it through its own files, its
process tree, its cheap paths and its comparison of names (round three of the red team).

Each test grades real submissions with the real command; no mocks.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lessonkit.teacher.grading import cache as grading_cache
from lessonkit.teacher.grading.cache import cache_folder

from . import grading_cases as gc
from .test_grading import _data_package, _sample_source, edition, grade, gradebook  # noqa: F401 - fixtures

# ----------------------------------------------------------------------------- 1. files the grader did not write


def _class(tmp_path: Path, names=("ana", "ben")) -> Path:
    subs = tmp_path / "in"
    subs.mkdir()
    for name in names:  # sample.kind: "b" is right
        (subs / f"{name}.json").write_text(gc.record(name, [("sample.kind", "a", "")]), encoding="utf-8")
    return subs


@pytest.mark.parametrize("where", ["inside", "same", "link"])
def test_out_inside_the_submissions_is_refused_in_one_line(where, tmp_path, capsys):
    """--out inside the submissions (or the submissions folder itself, or a link into it)
    would let a student's planted .cache or links pass for the grader's own files."""
    subs = _class(tmp_path)
    out = {"inside": subs / "graded", "same": subs, "link": tmp_path / "graded"}[where]
    if where == "link":
        (subs / "graded").mkdir()
        out.symlink_to(subs / "graded")
    capsys.readouterr()
    assert grade(str(subs), "--out", str(out), "--no-progress") == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "is inside the submissions" in err
    assert not (subs / "graded" / "gradebook.csv").exists()


def test_the_cache_lives_in_the_users_cache_folder_not_in_out(tmp_path, monkeypatch):
    monkeypatch.setenv("LESSONKIT_CACHE_DIR", str(tmp_path / "user-cache"))
    subs = _class(tmp_path)
    assert grade(str(subs), "--out", str(tmp_path / "out"), "--no-progress") == 0
    folder = cache_folder(tmp_path / "out")
    assert folder.is_relative_to(tmp_path / "user-cache") and list(folder.glob("records-*.jsonl"))
    assert not (tmp_path / "out" / ".cache").exists()
    assert (folder.parent.stat().st_mode & 0o077) == 0 and (folder.parent / "secret.key").stat().st_mode & 0o077 == 0


def _forge(line: str, result_change) -> str:
    entry = json.loads(line)
    result = json.loads(entry["result"])
    result_change(result)
    entry["result"] = json.dumps(result)
    return json.dumps(entry) + "\n"


def _full_marks(result: dict) -> None:
    text = json.dumps(result)
    assert '"incorrect"' in text
    fixed = json.loads(text.replace('"incorrect"', '"correct"'))
    fixed["scores"] = {k: 1 for k in fixed.get("scores", {})}
    result.clear()
    result.update(fixed)


@pytest.mark.parametrize("forgery", ["edited result", "entry signed with another key", "unsigned old format"])
def test_a_forged_cache_entry_is_dropped_and_graded_again(forgery, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("LESSONKIT_CACHE_DIR", str(tmp_path / "user-cache"))
    subs = _class(tmp_path)
    argv = (str(subs), "--out", str(tmp_path / "out"), "--no-progress")
    assert grade(*argv) == 0
    assert [r["total"] for r in gradebook(tmp_path / "out").values()] == ["0", "0"]
    (records,) = cache_folder(tmp_path / "out").glob("records-*.jsonl")
    lines = records.read_text(encoding="utf-8").splitlines(keepends=True)
    if forgery == "edited result":
        lines[1] = _forge(lines[1], _full_marks)
    elif forgery == "entry signed with another key":
        entry = json.loads(_forge(lines[1], _full_marks))
        entry["mac"] = grading_cache.sign(b"k" * 32, entry["name"], entry["result"])
        lines[1] = json.dumps(entry) + "\n"
    else:
        entry = json.loads(_forge(lines[1], _full_marks))
        lines[1] = json.dumps({"name": entry["name"], "result": json.loads(entry["result"])}) + "\n"
    records.write_text("".join(lines), encoding="utf-8")
    capsys.readouterr()
    assert grade(*argv) == 0
    assert "1 from the cache" in capsys.readouterr().err
    assert [r["total"] for r in gradebook(tmp_path / "out").values()] == ["0", "0"]


def test_a_cache_folder_open_to_others_is_not_used(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("LESSONKIT_CACHE_DIR", str(tmp_path / "shared-cache"))
    (tmp_path / "shared-cache" / "grading").mkdir(parents=True)
    (tmp_path / "shared-cache" / "grading").chmod(0o777)
    subs = _class(tmp_path)
    argv = (str(subs), "--out", str(tmp_path / "out"), "--no-progress")
    assert grade(*argv) == 0 and grade(*argv) == 0
    assert "0 from the cache" in capsys.readouterr().err.splitlines()[-1]


def test_planted_links_in_out_are_replaced_never_followed(tmp_path, monkeypatch):
    """An output folder someone else could write to before (a shared drive, an old run's
    folder): a ``feedback`` link to the teacher's documents, links where the report goes, a
    link inside feedback/ and a planted list of old feedback files: nothing outside out changes."""
    monkeypatch.setenv("LESSONKIT_CACHE_DIR", str(tmp_path / "user-cache"))
    docs = tmp_path / "Documents"
    docs.mkdir()
    precious = {name: f"the teacher's {name}\n" for name in ("marks-2025.md", "important.md", "report.html",
                                                            "gradebook.csv", "ana.md")}
    for name, text in precious.items():
        (docs / name).write_text(text, encoding="utf-8")
    subs = tmp_path / "in"
    subs.mkdir()
    (subs / "a.json").write_text(gc.record("marks-2025", [("sample.kind", "b", "")]), encoding="utf-8")
    (subs / "b.json").write_text(gc.record("ana", [("sample.kind", "b", "")]), encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "feedback").symlink_to(docs)
    (out / "report.html").symlink_to(docs / "report.html")
    (out / "gradebook.csv").symlink_to(docs / "gradebook.csv")
    (out / ".cache").mkdir()  # what the grader once kept in out: never read now
    (out / ".cache" / "feedback-files.json").write_text(json.dumps(["important.md"]), encoding="utf-8")
    assert grade(str(subs), "--out", str(out), "--no-progress") == 0
    assert {n: (docs / n).read_text(encoding="utf-8") for n in precious} == precious
    assert not (out / "feedback").is_symlink() and (out / "feedback").is_dir()
    assert sorted(p.name for p in (out / "feedback").iterdir()) == ["ana.md", "marks-2025.md"]
    assert not (out / "report.html").is_symlink() and "marks-2025" in (out / "gradebook.csv").read_text()


def test_a_feedback_folder_that_is_a_file_or_holds_links_is_made_safe(tmp_path, monkeypatch):
    monkeypatch.setenv("LESSONKIT_CACHE_DIR", str(tmp_path / "user-cache"))
    target = tmp_path / "elsewhere.md"
    target.write_text("kept\n", encoding="utf-8")
    subs = _class(tmp_path)
    out = tmp_path / "out"
    (out / "feedback").parent.mkdir()
    (out / "feedback").write_text("a file where the folder goes\n", encoding="utf-8")
    assert grade(str(subs), "--out", str(out), "--no-progress") == 0
    (out / "feedback" / "ana.md").unlink()
    (out / "feedback" / "ana.md").symlink_to(target)
    assert grade(str(subs), "--out", str(out), "--no-progress") == 0
    assert target.read_text(encoding="utf-8") == "kept\n"
    assert not (out / "feedback" / "ana.md").is_symlink()


@pytest.mark.parametrize("name", ["../../escape", "..", ".", "a/../../b", "..\\..\\win", "/etc/passwd",
                                  ".bashrc", "\u202eevil", "con"])
def test_feedback_files_stay_in_the_feedback_folder_whatever_the_name(name, tmp_path, monkeypatch):
    monkeypatch.setenv("LESSONKIT_CACHE_DIR", str(tmp_path / "user-cache"))
    subs = tmp_path / "in"
    subs.mkdir()
    (subs / "x.json").write_text(gc.record(name, [("sample.kind", "b", "")]), encoding="utf-8")
    out = tmp_path / "deep" / "out"
    assert grade(str(subs), "--out", str(out), "--no-progress") == 0
    (written,) = (out / "feedback").iterdir()
    assert written.parent == out / "feedback" and not written.name.startswith(".")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deep", "in", "user-cache"]
    assert sorted(p.name for p in (tmp_path / "deep").iterdir()) == ["out"]
