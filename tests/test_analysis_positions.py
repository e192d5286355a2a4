"""Lesson 4's code: the matrix for a subset, changes over time, the summit's split on troops,
the quotes to attribute, and the short tables shown after the exercises."""

import pytest

from lessonkit import analysis, load
from lessonkit._errors import LessonkitError
from lessonkit.lessons import positions


def test_matrix_for_a_subset_has_only_those_actors():
    m = analysis.position_matrix(["gbr", "rus"])
    assert set(m.index) == {"United Kingdom", "Russia"}


def test_changed_positions_lists_only_actors_with_more_than_one_stance():
    changed = positions.changed_positions()
    assert len(changed) > 0, "the data no longer makes this case"
    for _, r in changed.iterrows():
        assert len(set(r["history"].split(" → "))) > 1
        assert r["first"] <= r["last"]


def test_latest_stance_in_the_matrix_is_the_last_in_the_history():
    m = analysis.position_matrix()
    for _, r in positions.changed_positions().iterrows():
        assert m.loc[r["actor"], r["topic"]] == r["history"].split(" → ")[-1]


def test_attendee_stances_hold_only_actors_at_the_summit():
    actors = load("actors")
    present = set(actors.loc[actors["at_summit"] == "attended", "name"])
    stances = positions.attendee_stances()
    names = [n for group in stances.values() for n in group]
    assert names and set(names) <= present and len(names) == len(set(names))
    assert "United States" in analysis.disagreements("european-troops")["supports"]  # left out: not at the summit
    assert "United States" not in names


def test_allies_not_supporting_were_all_at_the_summit():
    names = positions.attended_not_supporting()
    supporters = set(analysis.disagreements("european-troops")["supports"])
    assert names == sorted(names) and names and not set(names) & supporters
    assert set(names) | set(positions.attendee_stances()["supports"]) == \
        {n for group in positions.attendee_stances().values() for n in group}


def test_the_troop_split_counts_what_attendee_stances_holds_and_names_nobody():
    stances = positions.attendee_stances()
    text = positions.troop_split()
    total = sum(len(v) for v in stances.values())
    assert f"of the {total} states" in text and f"{len(stances['supports'])} said 'supports'" in text
    assert not any(name in text for group in stances.values() for name in group)  # the allies answer stays hidden


def test_every_quote_to_attribute_has_a_distinct_speaker_and_none_is_printed_with_it():
    answer = positions.speakers()
    assert list(answer) == ["A", "B", "C", "D", "E"] and len(set(answer.values())) == 5
    shown = positions.quotes_to_match()
    quotes_part, speakers_part = shown.split("\n\nSpeakers: ")
    assert speakers_part.split("; ") == sorted(answer.values())
    assert not any(name in quotes_part for name in answer.values())


def test_who_said_accepts_the_full_name_and_the_surname():
    full, surname = positions.who_said()
    assert full.endswith(surname) and " " in full


def test_the_us_voices_point_different_ways_as_the_exercise_says():
    """positions.us_voices asks which summary is fair; its answer (b) holds only while the rows
    say that Trump supports, Hegseth sets conditions, and Vance and Witkoff oppose."""
    rows = load("positions").set_index("position_id").loc[list(positions.US_VOICES)]
    stance = {positions.speaker_name(p).split()[-1]: rows.loc[p, "stance"] for p in positions.US_VOICES}
    assert stance == {"Trump": "supports", "Hegseth": "conditional", "Vance": "opposes", "Witkoff": "opposes"}
    shown = positions.us_voices().split("; ")
    by_date = [positions.speaker_name(p) for p in rows.sort_values("date").index]
    assert sorted(shown) == sorted(by_date) and shown != by_date, "printed out of date order"


def test_reactions_hold_only_the_actors_asked_for():
    rus = positions.reactions(positions.RUSSIAN)
    by_actor = analysis.positions()
    expected = by_actor[by_actor["actor_id"].isin(positions.RUSSIAN)]
    assert len(rus) == len(expected) > 0
    assert list(rus.columns) == ["date", "speaker", "topic", "stance", "source"]
    assert rus["speaker"].notna().all()


def test_quotes_show_a_few_rows_of_one_speaker_and_refuse_an_unknown_one():
    starmer = positions.quotes("Keir Starmer")
    assert 0 < len(starmer) < len(positions.quotes()) and set(starmer["speaker"]) == {"Keir Starmer"}
    assert positions.quotes(topic="ceasefire")["topic"].eq("Ceasefire").all()
    with pytest.raises(LessonkitError, match="no quote by 'Kier Starmer'.*Keir Starmer"):
        positions.quotes("Kier Starmer")
