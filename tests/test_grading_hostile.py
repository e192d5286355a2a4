"""``lessonkit grade`` against a class that tries to fool it through its own files, its
process tree, its cheap paths and its comparison of names (round three of the red team).

Each test grades real submissions with the real command; no mocks.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from . import grading_cases as gc
from .test_grading import _data_package, _sample_source, edition, grade, gradebook  # noqa: F401 - fixtures

# ----------------------------------------------------------------------------- 1. files the grader did not write


def cache_folder(out: Path) -> Path:
    from lessonkit.teacher.grading.cache import cache_folder

    return cache_folder(out)


def _class(tmp_path: Path, names=("ana", "ben")) -> Path:
    subs = tmp_path / "in"
    subs.mkdir(parents=True)
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
        from lessonkit.teacher.grading.cache import sign

        entry["mac"] = sign(b"k" * 32, entry["name"], entry["result"])
        lines[1] = json.dumps(entry) + "\n"
    else:
        entry = json.loads(_forge(lines[1], _full_marks))
        lines[1] = json.dumps({"name": entry["name"], "result": json.loads(entry["result"])}) + "\n"
    records.write_text("".join(lines), encoding="utf-8")
    capsys.readouterr()
    assert grade(*argv) == 0
    assert "1 file(s) from the cache" in capsys.readouterr().err
    assert [r["total"] for r in gradebook(tmp_path / "out").values()] == ["0", "0"]


def test_a_cache_folder_open_to_others_is_not_used(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("LESSONKIT_CACHE_DIR", str(tmp_path / "shared-cache"))
    (tmp_path / "shared-cache" / "grading").mkdir(parents=True)
    (tmp_path / "shared-cache" / "grading").chmod(0o777)
    subs = _class(tmp_path)
    argv = (str(subs), "--out", str(tmp_path / "out"), "--no-progress")
    assert grade(*argv) == 0 and grade(*argv) == 0
    assert "0 file(s) from the cache" in capsys.readouterr().err.splitlines()[-1]


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
    lesson = out / "sample"  # where this lesson's files go; the overview gradebook is out's own
    lesson.mkdir(parents=True)
    (lesson / "feedback").symlink_to(docs)
    (lesson / "report.html").symlink_to(docs / "report.html")
    (lesson / "gradebook.csv").symlink_to(docs / "gradebook.csv")
    (out / "gradebook.csv").symlink_to(docs / "gradebook.csv")
    (out / ".cache").mkdir()  # what the grader once kept in out: never read now
    (out / ".cache" / "feedback-files.json").write_text(json.dumps(["important.md"]), encoding="utf-8")
    assert grade(str(subs), "--out", str(out), "--no-progress") == 0
    assert {n: (docs / n).read_text(encoding="utf-8") for n in precious} == precious
    assert not (lesson / "feedback").is_symlink() and (lesson / "feedback").is_dir()
    assert sorted(p.name for p in (lesson / "feedback").iterdir()) == ["ana.md", "marks-2025.md"]
    assert not (lesson / "report.html").is_symlink() and "marks-2025" in (lesson / "gradebook.csv").read_text()
    assert not (out / "gradebook.csv").is_symlink() and "marks-2025" in (out / "gradebook.csv").read_text()


def test_a_planted_lesson_folder_link_is_replaced_never_followed(tmp_path, monkeypatch):
    """The lesson's own folder in out planted as a link to the teacher's documents."""
    monkeypatch.setenv("LESSONKIT_CACHE_DIR", str(tmp_path / "user-cache"))
    docs = tmp_path / "Documents"
    docs.mkdir()
    (docs / "gradebook.csv").write_text("the teacher's own\n", encoding="utf-8")
    subs = _class(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "sample").symlink_to(docs)
    assert grade(str(subs), "--out", str(out), "--no-progress") == 0
    assert sorted(p.name for p in docs.iterdir()) == ["gradebook.csv"]
    assert (docs / "gradebook.csv").read_text(encoding="utf-8") == "the teacher's own\n"
    assert not (out / "sample").is_symlink() and (out / "sample" / "feedback").is_dir()


def test_a_feedback_folder_that_is_a_file_or_holds_links_is_made_safe(tmp_path, monkeypatch):
    monkeypatch.setenv("LESSONKIT_CACHE_DIR", str(tmp_path / "user-cache"))
    target = tmp_path / "elsewhere.md"
    target.write_text("kept\n", encoding="utf-8")
    subs = _class(tmp_path)
    feedback = tmp_path / "out" / "sample" / "feedback"
    feedback.parent.mkdir(parents=True)
    feedback.write_text("a file where the folder goes\n", encoding="utf-8")
    out = tmp_path / "out"
    assert grade(str(subs), "--out", str(out), "--no-progress") == 0
    (feedback / "ana.md").unlink()
    (feedback / "ana.md").symlink_to(target)
    assert grade(str(subs), "--out", str(out), "--no-progress") == 0
    assert target.read_text(encoding="utf-8") == "kept\n"
    assert not (feedback / "ana.md").is_symlink()


@pytest.mark.parametrize("name", ["../../escape", "..", ".", "a/../../b", "..\\..\\win", "/etc/passwd",
                                  ".bashrc", "\u202eevil", "con"])
def test_feedback_files_stay_in_the_feedback_folder_whatever_the_name(name, tmp_path, monkeypatch):
    monkeypatch.setenv("LESSONKIT_CACHE_DIR", str(tmp_path / "user-cache"))
    subs = tmp_path / "in"
    subs.mkdir()
    (subs / "x.json").write_text(gc.record(name, [("sample.kind", "b", "")]), encoding="utf-8")
    out = tmp_path / "deep" / "out"
    assert grade(str(subs), "--out", str(out), "--no-progress") == 0
    (written,) = (out / "sample" / "feedback").iterdir()
    assert written.parent == out / "sample" / "feedback" and not written.name.startswith(".")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deep", "in", "user-cache"]
    assert sorted(p.name for p in (tmp_path / "deep").iterdir()) == ["out"]


# ----------------------------------------------------------------------------- 3. nothing outlives the grader

def _alive(processes) -> list:
    """The processes still running (a zombie, dead but not yet reaped by init, is not)."""
    import psutil

    alive = []
    for p in processes:
        try:
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                alive.append(p)
        except psutil.NoSuchProcess:
            pass
    return alive


def _kernels_running(root) -> list:
    import psutil

    try:
        return [p for p in root.children(recursive=True) if "kernelapp" in " ".join(p.cmdline())]
    except psutil.Error:
        return []


def test_a_killed_grader_leaves_no_process_and_its_folders_go_at_the_next_run(tmp_path, edition):  # noqa: F811
    """SIGKILL of the grader mid-run (the OOM killer, a closed SSH session): within 5 s no
    process of the run is alive (fork server, resource tracker, workers, kernels, what the
    notebooks started), nothing holds its stderr, and the next run removes its temporary folders."""
    import signal
    import subprocess
    import sys
    import time

    import psutil

    temp, subs, out = tmp_path / "tmp", tmp_path / "in", tmp_path / "out"
    temp.mkdir()
    nb = gc.fill(gc.read(edition), gc.right_answers())
    for i in range(3):  # each notebook starts a child of its own that would outlive a plain kill
        gc.write(gc.insert_before(nb, "sample.year", f"import subprocess, time\nsubprocess.Popen(['sleep', '300'])\n"
                                                     f"time.sleep(300)  # {i}"), subs / f"s{i}.ipynb")
    env = {**os.environ, "TMPDIR": str(temp), "LESSONKIT_CACHE_DIR": str(tmp_path / "cache")}
    cmd = [sys.executable, "-m", "lessonkit.teacher.cli", "grade", str(subs), "--out", str(out), "--workers", "2",
           "--timeout", "400", "--no-progress"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        root = psutil.Process(proc.pid)
        deadline = time.monotonic() + 180
        while len(_kernels_running(root)) < 2 and time.monotonic() < deadline:
            time.sleep(0.3)
        time.sleep(3)  # the cells start their children
        tree = root.children(recursive=True)
        assert len(_kernels_running(root)) >= 2 and len(tree) >= 6, [p.cmdline()[:3] for p in tree]
        assert list(temp.glob("lessonkit-grade-*"))
        os.kill(proc.pid, signal.SIGKILL)
        killed = time.monotonic()
        proc.communicate(timeout=5)  # stdout and stderr closed: nothing of the run holds them
        while _alive(tree) and time.monotonic() < killed + 5:
            time.sleep(0.1)
        assert _alive(tree) == [], [p.cmdline()[:4] for p in _alive(tree)]
    finally:
        for p in _alive(psutil.Process(proc.pid).children(recursive=True) if proc.poll() is None else []):
            p.kill()
        proc.kill()
    left = sorted(p.name.split("-")[0] for p in temp.iterdir())
    assert "lessonkit" in left  # what the killed run left behind, for the next run to find
    records = tmp_path / "records"
    records.mkdir()
    (records / "ana.json").write_text(gc.record("ana", [("sample.kind", "b", "")]), encoding="utf-8")
    done = subprocess.run([*cmd[:4], str(records), "--out", str(out), "--no-progress"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in temp.iterdir()) == []


# ----------------------------------------------------------------------------- 4. budgets for the grader's own work

@pytest.mark.parametrize("exercise, answer", [
    ("sample.order", [f"unknown label {i}" for i in range(500_000)]),   # the red team's record
    ("sample.attended", ["a"] * 300_000),                                # a choice of many options
    ("sample.roles", {f"item {i}": "x" for i in range(200_000)}),        # a matching of many pairs
])
def test_an_answer_with_more_items_than_options_is_refused_at_once(exercise, answer, tmp_path, monkeypatch):
    import time

    monkeypatch.setenv("LESSONKIT_CACHE_DIR", str(tmp_path / "user-cache"))
    subs = tmp_path / "in"
    subs.mkdir()
    (subs / "big.json").write_text(gc.record("zed", [(exercise, answer, "correct"), ("sample.kind", "b", "")]),
                                   encoding="utf-8")
    warm = _class(tmp_path / "warm")  # the key's answers computed once, as any run does
    assert grade(str(warm), "--out", str(tmp_path / "warm-out"), "--no-progress") == 0
    started = time.monotonic()
    assert grade(str(subs), "--out", str(tmp_path / "out"), "--no-progress") == 0
    assert time.monotonic() - started < 10  # checking 500,000 labels one by one took 27 s
    row = gradebook(tmp_path / "out")["zed"]
    assert row[exercise] == "0" and row["sample.kind"] == "1"
    assert f"more items than the exercise has options were refused unchecked: {exercise}" in row["problem"]


def test_checking_a_record_stops_at_its_time_limit_and_is_not_cached(tmp_path, monkeypatch, capsys):
    from lessonkit.teacher.grading import key

    monkeypatch.setenv("LESSONKIT_CACHE_DIR", str(tmp_path / "user-cache"))
    monkeypatch.setattr(key, "RECORD_SECONDS", 0.0)
    subs = _class(tmp_path, names=("ana",))
    argv = (str(subs), "--out", str(tmp_path / "out"), "--no-progress")
    assert grade(*argv) == 0 and grade(*argv) == 0
    row = gradebook(tmp_path / "out")["ana"]
    assert "took more than 0 s (time limit); the answers left were not checked" in row["problem"]
    assert "0 file(s) from the cache" in capsys.readouterr().err.splitlines()[-1]


# ----------------------------------------------------------------------------- 6. names and files that slip through

@pytest.mark.parametrize("first, second", [
    ("ɑlice", "alice"),    # Latin alpha
    ("sarn", "sam"),       # rn looks like m: a multi-letter confusable
    ("ALICE", "alice"),    # case: capital I must not become l before folding
    ("ϲarol", "carol"),    # Greek lunate sigma, which NFKC alone turns into a final sigma
    ("ɩvan", "ivan"),      # Latin iota
    ("ᴏlga", "olga"),      # Latin small capital O
])
def test_look_alike_names_are_flagged_never_merged(first, second, tmp_path, monkeypatch):
    monkeypatch.setenv("LESSONKIT_CACHE_DIR", str(tmp_path / "user-cache"))
    subs = tmp_path / "in"
    subs.mkdir()
    (subs / "a.json").write_text(gc.record(first, [("sample.kind", "b", "")]), encoding="utf-8")
    (subs / "b.json").write_text(gc.record(second, [("sample.kind", "a", "")]), encoding="utf-8")
    assert grade(str(subs), "--out", str(tmp_path / "out"), "--no-progress") == 0
    rows = gradebook(tmp_path / "out")
    assert len(rows) == 2  # never merged into one
    for row in rows.values():
        assert "look alike" in row["problem"] or "2 submissions for" in row["problem"], row


def test_different_names_stay_apart_without_a_note(tmp_path, monkeypatch):
    monkeypatch.setenv("LESSONKIT_CACHE_DIR", str(tmp_path / "user-cache"))
    subs = _class(tmp_path, names=("ana", "anna", "carol", "karol", "ольга"))
    assert grade(str(subs), "--out", str(tmp_path / "out"), "--no-progress") == 0
    assert [r["problem"] for r in gradebook(tmp_path / "out").values()] == [""] * 5


@pytest.mark.parametrize("archive", ["alice.zip", "bob/work.ZIP", "cy/handin.tar.gz", "dee.7z"])
def test_archives_among_the_submissions_are_named_in_the_run_notes(archive, tmp_path, monkeypatch, capsys):
    import zipfile

    monkeypatch.setenv("LESSONKIT_CACHE_DIR", str(tmp_path / "user-cache"))
    subs = _class(tmp_path)
    path = subs / archive
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as z:  # the suffix names the kind; the grader opens none of them
        z.writestr("lessonkit-record-sample.json", gc.record("zoe", [("sample.kind", "b", "")]))
    assert grade(str(subs), "--out", str(tmp_path / "out"), "--no-progress") == 0
    notes = (tmp_path / "out" / "run-notes.txt").read_text(encoding="utf-8")
    assert "1 archive file found among the submissions and not opened" in notes
    assert f"in/{archive}" in notes and f"in/{archive}" in capsys.readouterr().err


def test_a_folder_of_nothing_but_archives_says_so(tmp_path, capsys):
    subs = tmp_path / "in"
    subs.mkdir()
    (subs / "class.zip").write_bytes(b"PK\x05\x06" + b"\0" * 18)
    assert grade(str(subs), "--out", str(tmp_path / "out"), "--no-progress") == 2
    err = capsys.readouterr().err
    assert "no .ipynb notebooks or .json learning records found" in err and "in/class.zip" in err


# ----------------------------------------------------------------------------- 5. answers only from the exercise's own cell

# An earlier cell silences check() under a name no list of spellings catches, and starts a
# thread that sends the answer message under the parent header of the cell that is running
# once it is the cell of sample.venue (the red team's race).
RACING_THREAD = '''\
import threading, time
_ip = get_ipython()
globals()["".join(["che", "ck"])] = lambda *args, **kwargs: None

def _race():
    kernel = _ip.kernel
    deadline = time.time() + 120
    while time.time() < deadline:
        parent = kernel.get_parent("shell") or {}
        if ("venue" + " = ...") in str((parent.get("content") or {}).get("code", "")):
            content = {"data": {"application/vnd.lessonkit.answer+json": {"exercise": "sample.venue",
                       "answer": "Lancaster House"}, "text/plain": ""}, "metadata": {}, "transient": {}}
            kernel.session.send(kernel.iopub_socket, "display_data", content, parent=parent)
            return
        time.sleep(0.001)

threading.Thread(target=_race, daemon=True).start()
'''
# A check() replaced through exec, so no pattern in the source names it: it swaps in the right answer.
EXEC_REPLACED = '''\
_real = globals()["ch" + "eck"]
exec("ch" + "eck = lambda exercise_id, answer: _real(exercise_id, 'Lancaster House')")
'''


def test_an_answer_raced_in_by_a_thread_is_not_counted(tmp_path, edition, monkeypatch):  # noqa: F811
    monkeypatch.setenv("LESSONKIT_CACHE_DIR", str(tmp_path / "user-cache"))
    nb = gc.fill(gc.read(edition), {e: v for e, v in gc.right_answers().items() if e != "sample.venue"})
    venue = gc.exercise_cell(nb, "sample.venue")
    nb.cells[venue].source = nb.cells[venue].source.replace("venue = ...", "venue = ...\nimport time\ntime.sleep(1)")
    gc.write(gc.insert_before(nb, "sample.year", RACING_THREAD), tmp_path / "in" / "racer.ipynb")
    assert grade(str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--timeout", "30", "--no-progress") == 0
    row = gradebook(tmp_path / "out")["racer"]
    assert row["sample.venue"] == "0" and row["total"] == "7", row
    assert "did not come from the cell's own call of check()" in row["problem"]


def test_check_replaced_under_no_visible_name_is_bypassed_and_flagged(tmp_path, edition, monkeypatch):  # noqa: F811
    monkeypatch.setenv("LESSONKIT_CACHE_DIR", str(tmp_path / "user-cache"))
    nb = gc.fill(gc.read(edition), {**gc.right_answers(), "sample.venue": repr("Buckingham Palace")})
    gc.write(gc.insert_before(nb, "sample.year", EXEC_REPLACED), tmp_path / "in" / "swapper.ipynb")
    assert grade(str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--timeout", "30", "--no-progress") == 0
    row = gradebook(tmp_path / "out")["swapper"]
    assert row["sample.venue"] == "0" and row["total"] == "7", row
    assert "the notebook replaced check" in row["problem"]
