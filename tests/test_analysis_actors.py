"""Lesson 2 (actors): head counts under different rules, and the answer key."""

import pytest

from lessonkit import analysis
from lessonkit._data import load
from lessonkit._exercises import exercises


def _attending_people():
    actors = load("actors")
    return actors[(actors["kind"] == "person") & (actors["at_summit"] == "attended")]


def test_head_count_by_default_counts_every_attending_person():
    assert analysis.head_count() == len(_attending_people())


def test_each_rule_leaves_out_only_whom_it_names():
    people = _attending_people()
    kinds = load("actors").set_index("actor_id")["kind"]
    assert analysis.head_count(host=False) == len(people[people["represents"] != "gbr"])
    assert analysis.head_count(exclude=("can",)) == len(people[people["represents"] != "can"])
    assert analysis.head_count(organisations=False) == \
        len(people[people["represents"].map(kinds) != "organisation"])
    ministers = people["role"].str.contains("Minister") & ~people["role"].str.contains("Prime Minister")
    assert analysis.head_count(ministers=False) == len(people[~ministers])


def test_every_attending_state_has_someone_at_the_table():
    states = analysis.attendance("state")
    came = states[states["at_summit"] == "attended"]
    assert came["represented_by"].notna().all()


@pytest.mark.parametrize("exercise_id", ["actors.states", "actors.n_states"])
def test_the_counting_exercises_agree(exercise_id):
    names = exercises("actors")["actors.states"].expected()
    assert names == sorted(names)
    assert exercises("actors")["actors.n_states"].expected() == len(names)


def test_lesson_map_reads_the_order_list():
    lessons = analysis.lesson_map()
    assert list(lessons["lesson"]) == list(range(len(lessons)))
    assert lessons.set_index("key").loc["actors", "minutes"] == 40


def test_say_cites_a_later_change_of_role_to_its_own_source():
    from lessonkit import say

    said = say("{actors:trudeau:role}. {actors:trudeau:later_note} ({actors:trudeau:later_date|date})")
    assert said.sources == ("cp24-20250302-trudeau", "independent-20250314-carney")
    assert "(outgoing) [1]" in said.text and "14 March 2025 [2]" in said.text
