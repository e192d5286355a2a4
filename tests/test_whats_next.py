"""Every lesson ends with a dated "What happened next" box and a line on how old its data is;
the box, the voices on each side, the excerpts and the debrief follow the data, not the lesson."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest

from lessonkit import excerpts, voices, whats_next
from lessonkit._data import as_of
from lessonkit._dates import long_date
from lessonkit._errors import LessonkitError, UnknownNameError
from lessonkit.teacher.editions import read_lesson

from . import shown_text as st
from .data_copies import copy_with

ROOT = Path(__file__).resolve().parents[1]
BOX = "whats_next.story_box("
GUIDE = "../docs/teaching-controversial-issues.md"


def _append(folder: Path, table: str, row: dict) -> None:
    path = folder / f"{table}.csv"
    with path.open(newline="", encoding="utf-8") as f:
        header = next(csv.reader(f))
    with path.open("a", newline="", encoding="utf-8") as f:
        csv.DictWriter(f, header, lineterminator="\n").writerow({h: row.get(h, "") for h in header})


@pytest.mark.parametrize("path", st.LESSONS, ids=[p.stem for p in st.LESSONS])
def test_every_lesson_ends_with_its_box_and_links_the_guide(path):
    cells = read_lesson(path).cells
    code = [c for c in cells if c.cell_type == "code"]
    assert BOX in code[-1].source, f"{path.name}: the last code cell must show the box"
    assert f'story_box("{st.KEYS[path.name]}"' in code[-1].source, "the box names this lesson's key"
    headings = [c for c in cells if c.cell_type == "markdown" and "## What happened next" in c.source]
    assert len(headings) == 1
    instructor = "\n".join(c.source for c in cells if c.cell_type == "markdown" and "instructor" in st.tags(c))
    assert GUIDE in instructor, f"{path.name}: the instructor notes must link the guide"
    assert (path.parent / GUIDE).resolve().is_file()


@pytest.mark.parametrize("path", st.LESSONS, ids=[p.stem for p in st.LESSONS])
def test_each_box_carries_the_story_on_from_its_own_end_and_says_how_old_the_data_is(path):
    source = next(c.source for c in read_lesson(path).cells if c.cell_type == "code" and BOX in c.source)
    call = source[source.index(BOX):]
    box = eval(call, {"whats_next": whats_next})  # the lesson's own call
    assert box.events, f"{path.name}: the data holds events after the story; the box must show some"
    assert all(box.story_end < e["date"] <= as_of() for e in box.events)
    text = str(box)
    assert f"The data in this module stops on {long_date(as_of())}" in text and "much has happened since" in text
    assert "Open next:" in text and "Hand in:" in text and f"lessonkit-record-{st.KEYS[path.name]}.json" in text


def test_the_last_lesson_says_it_is_the_last_and_the_others_name_the_next():
    assert "last lesson of the unit" in str(whats_next.story_box("capstone", after="london-summit"))
    nxt = whats_next.next_lesson("positions")
    assert nxt is not None and nxt.key == "ceasefire" and nxt.file == "05-the-ceasefire-question.md"


def test_the_age_line_counts_months_from_the_as_of_date():
    assert whats_next.months_between(date(2025, 5, 10), date(2026, 12, 6)) == 18
    later = date(2026, 12, 10)
    assert f"{whats_next.months_between(as_of(), later)} months later" in whats_next.age_line(today=later)
    assert "less than a month later" in whats_next.age_line(today=as_of())
    for publisher in whats_next.where_to_check():
        assert publisher in whats_next.age_line(today=date(2026, 12, 10))


def test_new_rows_and_a_moved_as_of_date_reach_the_box_without_changing_a_lesson(tmp_path, monkeypatch):
    folder = copy_with(tmp_path, monkeypatch, as_of="2025-09-30")
    _append(folder, "events", {"event_id": "test-later-meeting", "date": "2025-09-01",
                               "title": "A later coalition meeting", "summary": "A test row.",
                               "theme": "security_guarantees", "source_id": "gov-uk-20250302-pm-press-conference"})
    _append(folder, "events", {"event_id": "test-too-late", "date": "2025-10-15", "title": "After the as-of date",
                               "summary": "Not shown.", "theme": "security_guarantees",
                               "source_id": "gov-uk-20250302-pm-press-conference"})
    box = whats_next.story_box("capstone", after="london-summit", themes=["security_guarantees"],
                               today=date(2026, 12, 7))
    ids = [e["event_id"] for e in box.events]
    assert "test-later-meeting" in ids and "test-too-late" not in ids
    assert "stops on 30 September 2025" in str(box) and "14 months later" in str(box)
    assert "A later coalition meeting" in box._repr_html_()


def test_unknown_events_and_themes_are_named():
    with pytest.raises(UnknownNameError, match="no event_id"):
        whats_next.later_events("no-such-event")
    with pytest.raises(UnknownNameError, match="no theme 'ceasfire'"):
        whats_next.later_events("london-summit", ["ceasfire"])


def test_a_side_with_no_voice_is_named_and_a_new_voice_fills_it(tmp_path, monkeypatch):
    before = voices.sides("frozen-assets")
    against = next(s for s in before.sides if s.name == "Against or not yet")
    if against.voices:  # the data already holds one: the plain sentence must not show
        assert against.missing(before.name) not in str(before)
    folder = copy_with(tmp_path, monkeypatch)
    with (folder / "positions.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    kept = [r for r in rows if not (r["topic_id"] == "frozen-assets" and r["stance"] in ("opposes", "undecided"))]
    with (folder / "positions.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(kept)
    empty = voices.sides("frozen-assets")
    assert empty.empty_sides == ["Against or not yet"]
    assert "The stored data holds no voice on this side" in str(empty)
    _append(folder, "positions", {"position_id": "test-against", "actor_id": "hun", "topic_id": "frozen-assets",
                                  "stance": "opposes", "summary": "A test voice against.", "date": "2025-03-01",
                                  "source_id": "gov-uk-20250302-pm-press-conference"})
    filled = voices.sides("frozen-assets")
    assert filled.empty_sides == [] and "[test-against]" in str(filled)


def test_an_excerpt_is_attributed_dated_and_followed_by_the_three_prompts():
    x = excerpts.excerpt("rus-security-guarantees-20250303")
    text = str(x)
    assert x.quote in text and "Dmitry Peskov" in text and "3 March 2025" in text
    for prompt in ("Sourcing:", "Context:", "Corroboration:"):
        assert prompt in text
    assert all(e["date"] <= x.day for e in x.context)
    assert all(v["stance"] == "opposes" for v in x.agree) and all(v["stance"] != "opposes" for v in x.differ)


def test_a_row_without_a_quote_is_refused_plainly():
    with pytest.raises(LessonkitError, match="has no quote"):
        excerpts.excerpt("gbr-frozen-assets-20250302")


def test_the_seed_article_is_shown_whole_and_unchanged():
    seed = excerpts.seed_article()
    assert seed.text == (ROOT / "seeds" / "000_cc7a9aa5aad3444a.txt").read_text(encoding="utf-8")
    assert "contains errors" in seed.label


@pytest.mark.parametrize("lesson, name", [("context", "01-the-weekend-in-context.md"),
                                          ("positions", "04-where-they-stand.md"),
                                          ("news", "06-reading-the-news-critically.md")])
def test_lessons_1_4_and_6_use_a_primary_excerpt(lesson, name):
    text = (ROOT / "notebooks" / name).read_text(encoding="utf-8")
    assert "excerpts.excerpt(" in text
    if lesson == "news":
        assert "excerpts.seed_article()" in text and "label: news.lateral" in text


@pytest.mark.parametrize("name, topic", [("03-following-the-money.md", "frozen-assets"),
                                         ("03-following-the-money.md", "defence-spending"),
                                         ("05-the-ceasefire-question.md", "ceasefire"),
                                         ("07-capstone-in-their-shoes.md", "european-troops")])
def test_contested_questions_show_voices_on_each_side(name, topic):
    assert f'voices.sides("{topic}")' in (ROOT / "notebooks" / name).read_text(encoding="utf-8")


def test_the_debrief_sets_the_saved_decision_beside_later_events(tmp_path, monkeypatch):
    from lessonkit import check

    monkeypatch.setenv("LESSONKIT_RECORD_DIR", str(tmp_path))
    empty = whats_next.debrief("capstone.decision", after="london-summit", themes=["security_guarantees"])
    assert empty.decision is None and "No decision saved yet" in str(empty)
    decision = ("The table <b>failed</b> to agree: Russia said no foreign troops [rus-european-troops-20250306], "
                "and the UK said it was ready [gbr-european-troops-20250227].")
    assert check("capstone.decision", decision).status == "recorded"
    shown = whats_next.debrief("capstone.decision", after="london-summit", themes=["security_guarantees"])
    assert shown.decision == decision
    ids = [e["event_id"] for e in shown.events]
    assert "paris-coalition-summit" in ids and "kyiv-coalition-meeting" in ids
    assert json.loads((tmp_path / "lessonkit-record-capstone.json").read_text())["attempts"]
    assert "&lt;b&gt;failed&lt;/b&gt;" in shown._repr_html_() and "<b>failed" not in shown._repr_html_()
