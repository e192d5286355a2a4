"""Corrections in the open: data/corrections.csv lists every correction, each new value is what
the row now holds, and a lesson shows a corrected row with "corrected on <date>"."""

import csv
import importlib.util
import shutil
from pathlib import Path

import pytest

from lessonkit import load, say
from lessonkit._data import cite, correction_note
from lessonkit._paths import data_dir

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("source_report", ROOT / "tools" / "source_report.py")
report = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(report)


def test_each_correction_is_what_the_row_now_holds():
    assert report.correction_problems(data_dir()) == []


def test_the_list_starts_with_the_audit_fixes_and_every_line_is_complete():
    rows = load("corrections")
    assert len(rows) >= 10
    assert rows["reason"].str.strip().astype(bool).all()
    assert (rows["field"] != "row").sum() > 0
    kept = rows[rows["field"] != "row"]
    assert kept["source_id"].notna().all(), "a changed value names the source it rests on"
    assert {("actors", "kosachev", "role"), ("positions", "witkoff-european-troops-20250324", "date")} <= set(
        zip(rows["table"], rows["row_id"], rows["field"]))


@pytest.fixture
def copy_of_data(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(data_dir(), folder)
    return folder


def _rewrite(folder: Path, table: str, row_id: str, **changes) -> None:
    path = folder / f"{table}.csv"
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        if next(iter(row.values())) == row_id:
            row.update(changes)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def test_a_row_that_drifts_from_its_correction_is_caught(copy_of_data):
    _rewrite(copy_of_data, "positions", "witkoff-european-troops-20250324", date="2025-03-24")
    found = report.correction_problems(copy_of_data)
    assert any("witkoff-european-troops-20250324 date" in p and "2025-03-24" in p for p in found), found


def test_a_removed_row_that_comes_back_is_caught(copy_of_data):
    with (copy_of_data / "exchange_rates.csv").open("a", encoding="utf-8") as f:
        f.write("ecb-eur-usd-2025-03-03,2025-03-03,EUR,USD,1.0465,back,onvista-20250310-euro-rate,\n")
    found = report.correction_problems(copy_of_data)
    assert any("ecb-eur-usd-2025-03-03" in p and "still there" in p for p in found), found


def test_a_lesson_shows_a_corrected_row_as_corrected():
    said = say("Witkoff spoke on {positions:witkoff-european-troops-20250324:date|date}.")
    shown = said._repr_markdown_()
    assert "corrected on 7 December 2026" in shown and "2025-03-24" in shown
    assert "corrected on" not in say("{events:london-summit:date|date}")._repr_markdown_()


def test_a_corrected_source_says_so_in_its_citation():
    assert "corrected on 7 December 2026: class was \u201ceditorial\u201d" in cite("aljazeera-20250302-leaders-gather")
    assert correction_note("sources", "kyivindependent-20250302-king") is None
    # a changed source is named by its publisher, a changed link by its site
    assert "source was \u201cNews.Az (citing Euronews)\u201d" in correction_note("pledges", "thales-lmm-contract-bbc-gbp")
    assert "link was \u201cwww.kuztomin.com\u201d" in cite("gov-uk-20250302-pm-press-conference")
