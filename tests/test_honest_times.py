"""Honest times: each lesson's stated minutes cover its reading (words ÷ 150) plus its activities.

The words are what a student reads (the student edition's prose and the executed teacher
edition's outputs, as ``test_reading_load`` counts them). The activities are counted from the
lesson's source: each exercise by its kind, each widget, the lesson's opening and its closing
discussion. The stated minutes (``notebooks/lessons.toml`` and the front matter) must be at least
the estimate and not more than ten minutes above it, and the unit is stated in school periods.
"""

from __future__ import annotations

import math
import re
import tomllib
from pathlib import Path

import pytest

from lessonkit._exercises import exercises
from lessonkit.own_view import is_own_view
from lessonkit.teacher.editions import read_lesson

from . import shown_text as st
from .test_reading_load import reading_load

READING_SPEED = 150  # words a minute (see test_reading_load)
# Minutes a student needs for each activity, beside the reading.
EXERCISE_MINUTES = {"Choice": 2, "MultiChoice": 2, "Text": 2, "Prediction": 2, "Numeric": 3, "Ordering": 3,
                     "Matching": 4, "Value": 5, "Written": 6}
OWN_VIEW_MINUTES = 10  # weighing the options and writing three parts
DECISION_MINUTES = 15  # the capstone's table negotiation (a class activity)
WIDGET_MINUTES = 2  # trying a widget
OPENING_AND_CLOSE = 5  # settling in, the note before we start, and a closing discussion
SLACK = 10  # stated minutes may exceed the estimate by at most this
UNIT_PERIODS = tomllib.loads((st.NOTEBOOKS / "lessons.toml").read_text(encoding="utf-8")).get("periods")
WIDGET = re.compile(r"\bwidgets\.\w+\(")


def activity_minutes(path: Path) -> int:
    """The minutes of one lesson's activities, counted from its source."""
    key = st.KEYS[path.name]
    total = OPENING_AND_CLOSE
    for eid, ex in exercises(key).items():
        total += OWN_VIEW_MINUTES if is_own_view(eid) else EXERCISE_MINUTES[type(ex).__name__]
    code = "\n".join(c.source for c in read_lesson(path).cells if c.cell_type == "code")
    total += WIDGET_MINUTES * len(WIDGET.findall(code))
    if "label: capstone.decision" in path.read_text(encoding="utf-8"):
        total += DECISION_MINUTES
    return total


@pytest.fixture(scope="module")
def estimates(tmp_path_factory) -> dict[str, tuple[int, int, int]]:
    """Each lesson's (reading minutes, activity minutes, stated minutes)."""
    folder = st.editions(tmp_path_factory)
    out = {}
    for p in st.LESSONS:
        prose, output = reading_load(st.read(folder, "student", p), st.read(folder, "teacher", p))
        out[p.name] = (math.ceil((prose + output) / READING_SPEED), activity_minutes(p), st.MINUTES[p.name])
    return out


@pytest.mark.slow  # the words come from the executed teacher edition
def test_every_lesson_states_an_honest_time(estimates):
    lines = [f"{'lesson':40} {'reading':>7} {'activities':>10} {'estimate':>8} {'stated':>6}"]
    wrong = []
    for name, (reading, activities, stated) in estimates.items():
        estimate = reading + activities
        lines.append(f"{name:40} {reading:7d} {activities:10d} {estimate:8d} {stated:6d}")
        if not estimate <= stated <= estimate + SLACK:
            wrong.append(f"{name}: states {stated} minutes, estimate {estimate}")
    print("\n" + "\n".join(lines))
    assert not wrong, "; ".join(wrong)


def test_the_unit_is_stated_in_school_periods():
    from lessonkit.whats_next import periods, unit_plan

    counted = periods(sum(st.MINUTES.values()))
    assert UNIT_PERIODS == counted, f"lessons.toml says periods = {UNIT_PERIODS}; its lessons take {counted}"
    assert f"about {counted} school periods" in unit_plan()


@pytest.mark.parametrize("path", st.LESSONS, ids=[p.stem for p in st.LESSONS])
def test_a_lesson_longer_than_a_period_marks_its_parts(path):
    from lessonkit.whats_next import periods

    words = {2: "two", 3: "three", 4: "four"}
    text = path.read_text(encoding="utf-8")
    n = periods(st.MINUTES[path.name])
    for part in range(2, n + 1):
        assert f"**Part {words[part]} of {words[n]}" in text, f"{path.name}: mark where part {part} starts"


def test_the_activity_count_follows_the_exercises():
    """A lesson with one more written exercise is estimated six minutes longer."""
    path = st.NOTEBOOKS / "04-where-they-stand.md"
    base = activity_minutes(path)
    assert base >= OPENING_AND_CLOSE + OWN_VIEW_MINUTES + len(exercises("positions")) - 1


TIMING = re.compile(r"Suggested timing \((\d+) minutes in all[^)]*\)")


@pytest.mark.parametrize("path", st.LESSONS, ids=[p.stem for p in st.LESSONS])
def test_the_instructor_notes_timing_adds_up_to_the_stated_time(path):
    """A teacher plans from the instructor note: its suggested timing covers the stated minutes,
    part by part, and not only the parts the lesson had before it grew."""
    notes = [c.source for c in read_lesson(path).cells if "instructor" in c.metadata.get("tags", [])]
    found = [(m, note) for note in notes for m in TIMING.finditer(note)]
    assert len(found) == 1, f"{path.name}: one 'Suggested timing (N minutes in all)' in the instructor notes"
    (match, note), = found
    assert int(match[1]) == st.MINUTES[path.name], f"{path.name}: the timing says {match[1]} minutes"
    block = note[match.end():].split("\n\n")[0]
    parts = [int(n) for n in re.findall(r"\((\d+) minutes?\b", block)]
    assert len(parts) >= 5 and sum(parts) == st.MINUTES[path.name], f"{path.name}: the parts {parts} add up to {sum(parts)}"
