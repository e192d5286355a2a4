"""The validated data package is cached on disk by content: a changed byte is always seen,
a damaged or untrusted cache file is never loaded, and concurrent writers leave whole files."""

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from lessonkit import _cache, _data, load
from lessonkit._errors import DataError

from .data_copies import copy_with


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.pickle"))


def first_title(folder: Path) -> str:
    return str(_data.load_package(folder).tables["events"]["title"].iloc[0])


def change_one_byte(path: Path, old: str) -> str:
    """Change one letter of ``old`` in the file, keeping its size and modification time."""
    raw = path.read_bytes()
    st = path.stat()
    at = raw.index(old.encode())
    letter = raw[at:at + 1]
    new = b"X" if letter != b"X" else b"Y"
    path.write_bytes(raw[:at] + new + raw[at + 1:])
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns
    return new.decode() + old[1:]


def test_a_second_load_comes_from_the_cache_and_equals_a_validated_one(cache, tmp_path, monkeypatch):
    folder = copy_with(tmp_path, monkeypatch)
    validated = _data.load_package(folder)
    assert len(entries(cache)) == 1
    _data._cache.clear()
    cached = _data.load_package(folder)
    assert cached is not validated
    assert list(cached.tables) == list(validated.tables)
    for name, frame in validated.tables.items():
        assert cached.tables[name].equals(frame), name
        assert cached.tables[name].dtypes.equals(frame.dtypes), name
        assert cached.tables[name].attrs == frame.attrs, name


def test_one_changed_byte_is_seen_by_the_next_load_in_a_new_process(cache, tmp_path, monkeypatch):
    """Same size, same modification time: only the content differs, and it is seen."""
    folder = copy_with(tmp_path, monkeypatch)
    title = first_title(folder)
    assert len(entries(cache)) == 1
    changed = change_one_byte(folder / "events.csv", title)
    _data._cache.clear()  # what a new kernel starts with
    assert first_title(folder) == changed
    assert len(entries(cache)) == 2
    code = "from lessonkit import load; print(load('events')['title'].iloc[0])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "LESSONKIT_DATA": str(folder)})
    assert out.stdout.strip() == changed


def test_one_changed_byte_is_seen_by_the_next_load_in_the_same_process(cache, tmp_path, monkeypatch):
    folder = copy_with(tmp_path, monkeypatch)
    title = str(load("events")["title"].iloc[0])
    changed = change_one_byte(folder / "events.csv", title)
    assert load("events")["title"].iloc[0] == changed


def test_lookups_and_tables_derived_from_the_data_follow_a_changed_file_and_stay_as_read(cache, tmp_path,
                                                                                        monkeypatch):
    """Row lookups and the tables lessons derive from the data (named positions, citable ids,
    announcements) are kept per version of the package: a changed byte is seen by the next
    call, and a caller changing what it was given changes nothing kept."""
    from lessonkit import analysis
    from lessonkit._facts import row
    from lessonkit.lessons import capstone

    folder = copy_with(tmp_path, monkeypatch)
    position = "gbr-ceasefire-20250302"
    summary = row("positions", position)["summary"]
    positions, announced = analysis.positions(), capstone.announcements("gbr")
    cited = capstone.resolve(position).summary
    item = str(announced["item"].iloc[0])

    given = row("positions", position)
    given["summary"] = "changed by the caller"
    for frame in (analysis.positions(), capstone.announcements("gbr")):
        frame.iloc[0, 0] = "changed by the caller"
        frame["extra"] = 1
    assert row("positions", position)["summary"] == summary
    assert analysis.positions().equals(positions)
    assert capstone.announcements("gbr").equals(announced)
    assert capstone.resolve(position).summary == cited

    changed = change_one_byte(folder / "positions.csv", summary)
    assert row("positions", position)["summary"] == changed
    assert changed in set(analysis.positions()["summary"])
    assert changed in capstone.resolve(position).summary
    changed_item = change_one_byte(folder / "pledges.csv", item)
    assert changed_item in set(capstone.announcements("gbr")["item"])

    source_id = row("positions", position)["source_id"]  # source() shares the row index
    title = _data.source(source_id)["title"]
    _data.source(source_id)["title"] = "changed by the caller"
    assert _data.source(source_id)["title"] == title
    changed_title = change_one_byte(folder / "sources.csv", title)
    assert changed_title in {_data.source(s)["title"] for s in load("sources")["source_id"]}


def test_a_broken_file_is_an_error_even_when_its_old_content_is_cached(cache, tmp_path, monkeypatch):
    folder = copy_with(tmp_path, monkeypatch)
    _data.load_package(folder)
    path = folder / "events.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",2025-", ",2025/", 1), encoding="utf-8")
    with pytest.raises(DataError, match="events.csv"):
        _data.load_package(folder)


@pytest.mark.parametrize("damage", ["truncated", "flipped byte", "garbage", "empty"])
def test_a_damaged_cache_file_is_ignored_and_replaced(cache, tmp_path, monkeypatch, damage):
    folder = copy_with(tmp_path, monkeypatch)
    expected = _data.load_package(folder).tables
    [entry] = entries(cache)
    raw = entry.read_bytes()
    entry.write_bytes({"truncated": raw[: len(raw) // 2], "flipped byte": raw[:-10] + bytes([raw[-10] ^ 1]) + raw[-9:],
                       "garbage": b"not a cache file", "empty": b""}[damage])
    assert _cache.read(entry.stem) is None
    _data._cache.clear()
    tables = _data.load_package(folder).tables
    assert all(tables[n].equals(expected[n]) for n in expected)
    assert entry.read_bytes() == raw  # rewritten whole


class Planted:
    """Unpickling this runs code: it writes a marker file."""

    def __init__(self, marker: str):
        self.marker = marker

    def __reduce__(self):
        return (Path(self.marker).write_text, ("ran",))


def plant(key: str, marker: Path) -> None:
    """A well-formed cache entry (right header and digest) whose pickle runs code."""
    _cache.write(key, pickle.dumps(Planted(str(marker))))


def test_a_cache_folder_others_can_write_is_never_trusted(cache, tmp_path, monkeypatch):
    folder = copy_with(tmp_path, monkeypatch)
    _data.load_package(folder)
    [entry] = entries(cache)
    marker = tmp_path / "marker"
    plant(entry.stem, marker)
    assert _cache.read(entry.stem) is not None  # well formed: only the folder's mode keeps it out
    cache.chmod(0o777)
    assert _cache.read(entry.stem) is None
    _data._cache.clear()
    assert _data.load_package(folder).tables["events"].shape[0] > 0
    assert not marker.exists()


def test_a_symlinked_cache_folder_is_never_trusted(tmp_path, monkeypatch):
    real = tmp_path / "real"
    real.mkdir(mode=0o700)
    link = tmp_path / "link"
    link.symlink_to(real)
    monkeypatch.setenv(_cache.CACHE_ENV, str(link))
    _cache.write("k", b"data")
    assert _cache.read("k") is None
    assert not list(real.iterdir())


def test_the_cache_folder_is_created_private(cache, tmp_path, monkeypatch):
    _data.load_package(copy_with(tmp_path, monkeypatch))
    assert cache.stat().st_mode & 0o777 == 0o700
    assert all(p.stat().st_mode & 0o077 == 0 for p in cache.iterdir())


def test_no_cache_where_the_folder_cannot_be_made_and_no_error(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(_cache.CACHE_ENV, str(blocker / "cache"))
    monkeypatch.setenv("HOME", str(blocker))
    _data._cache.clear()
    folder = copy_with(tmp_path, monkeypatch)
    assert _data.load_package(folder).tables["events"].shape[0] > 0
    monkeypatch.delenv(_cache.CACHE_ENV)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    _data._cache.clear()
    assert _data.load_package(folder).tables["events"].shape[0] > 0  # ~/.cache under a file
    assert blocker.read_text() == "not a folder"


def test_the_cache_can_be_turned_off(tmp_path, monkeypatch):
    monkeypatch.setenv(_cache.CACHE_ENV, "none")
    assert _cache.cache_dir() is None
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    _data._cache.clear()
    _data.load_package(copy_with(tmp_path, monkeypatch))
    assert not (tmp_path / ".cache").exists()


def test_the_default_folder_follows_xdg_then_home(tmp_path, monkeypatch):
    monkeypatch.delenv(_cache.CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert _cache.cache_dir() == tmp_path / "xdg" / "lessonkit"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert _cache.cache_dir() == tmp_path / ".cache" / "lessonkit"


WRITER = """
import os, sys
from lessonkit import _cache
data = bytes([int(sys.argv[1])]) * 3_000_000
for _ in range(20):
    _cache.write("same-key", data)
    got = _cache.read("same-key")
    assert got is not None and len(got) == 3_000_000 and len(set(got)) == 1, "partial read"
print("ok")
"""


def test_concurrent_writers_leave_only_whole_files(tmp_path, monkeypatch):
    """Four processes write and read one key 20 times each at once: every read is whole,
    and the folder ends with one whole entry and no temporary file."""
    folder = tmp_path / "cache"
    env = {**os.environ, _cache.CACHE_ENV: str(folder)}
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(n)], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for n in range(1, 5)]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, [err for _, err in results]
    assert [out.strip() for out, _ in results] == ["ok"] * 4
    assert [p.name for p in folder.iterdir()] == ["same-key.pickle"]
    monkeypatch.setenv(_cache.CACHE_ENV, str(folder))
    whole = _cache.read("same-key")
    assert whole is not None and len(whole) == 3_000_000 and len(set(whole)) == 1


def test_old_entries_are_pruned(cache):
    for n in range(_cache.KEEP + 3):
        _cache.write(f"key{n}", b"x")
        os.utime(cache / f"key{n}.pickle", ns=(n * 10**9, n * 10**9))
    assert len(entries(cache)) == _cache.KEEP
    assert _cache.read(f"key{_cache.KEEP + 2}") == b"x"
    assert _cache.read("key0") is None
