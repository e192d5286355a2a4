"""Lesson 2 (actors): head counts under different rules, its exercises, and the reveal of its
prediction."""

import pytest

from lessonkit import analysis
from lessonkit._data import load
from lessonkit._keys import key_for
from lessonkit.lessons import actors as at_table
from lessonkit.lessons import start


def _attending_people():
    actors = load("actors")
    return actors[(actors["kind"] == "person") & (actors["at_summit"] == "attended")]


def test_head_count_by_default_counts_every_attending_person():
    assert at_table.head_count() == len(_attending_people())


def test_each_rule_leaves_out_only_whom_it_names():
    people = _attending_people()
    kinds = load("actors").set_index("actor_id")["kind"]
    assert at_table.head_count(host=False) == len(people[people["represents"] != "gbr"])
    assert at_table.head_count(exclude=("can",)) == len(people[people["represents"] != "can"])
    assert at_table.head_count(organisations=False) == \
        len(people[people["represents"].map(kinds) != "organisation"])
    ministers = people["role"].str.contains("Minister") & ~people["role"].str.contains("Prime Minister")
    assert at_table.head_count(ministers=False) == len(people[~ministers])


def test_every_attending_state_has_someone_at_the_table():
    states = analysis.attendance("state")
    came = states[states["at_summit"] == "attended"]
    assert came["represented_by"].notna().all()


def test_the_counting_exercises_agree():
    key = key_for("actors")
    names = key["actors.states"].expected()
    assert names == sorted(names) and len(names) == at_table.counting_rules()["states at the table (not people)"]
    assert key["actors.more_people"].expected() == len(_attending_people()) - len(names)


@pytest.mark.parametrize("slip, says", [(at_table.people_at_table, "number of people"),
                                        (at_table.n_states, "number of states"),
                                        (at_table.more_counting_organisation_rows, "organisation rows")])
def test_each_counting_slip_gets_its_own_hint(slip, says):
    verdict = key_for("actors")["actors.more_people"].evaluate(slip())
    assert verdict.status == "incorrect" and says in verdict.message


def test_the_reveal_names_the_rules_that_give_the_guess():
    rules = at_table.counting_rules()
    for n in set(rules.values()):
        text = at_table.reveal_count(n)
        assert all(rule in text for rule, m in rules.items() if m == n), text
    far = max(rules.values()) + 10
    assert f"No rule above gives {far}" in at_table.reveal_count(far)
    assert "not saved a guess" in at_table.reveal_count(None)


def test_lessons_in_order_reads_the_order_list():
    lessons = start.lessons_in_order()
    assert list(lessons["lesson"]) == list(range(len(lessons)))
    import tomllib
    from pathlib import Path

    order = tomllib.loads((Path(__file__).resolve().parents[1] / "notebooks" / "lessons.toml").read_text())["lesson"]
    assert lessons.set_index("key").loc["actors", "minutes"] == next(e["minutes"] for e in order if e["key"] == "actors")


def test_say_cites_a_later_change_of_role_to_its_own_source():
    from lessonkit import say

    said = say("{actors:trudeau:role}. {actors:trudeau:later_note} ({actors:trudeau:later_date|date})")
    assert said.sources == ("cp24-20250302-trudeau", "independent-20250314-carney")
    assert "(outgoing) [1]" in said.text and "14 March 2025 [2]" in said.text
