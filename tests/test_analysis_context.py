"""Lesson 1 (context): its exercises agree with the events table, and its reveal sets the
student's guess beside the data."""

import pytest

from lessonkit._data import load
from lessonkit._keys import key_for
from lessonkit.lessons import context


def _key():
    return key_for("context")


def test_the_events_to_order_have_distinct_dates():
    dates = load("events").set_index("event_id").loc[list(context.ORDER_EVENTS), "date"]
    assert dates.is_unique, "two events on one day would make the order ambiguous"


def test_the_order_exercise_asks_for_exactly_the_events_it_names():
    order = _key()["context.order"].expected()
    assert sorted(order) == sorted(context.ORDER_EVENTS)
    dates = load("events").set_index("event_id")["date"]
    assert list(dates[order]) == sorted(dates[order])


def test_every_cause_comes_before_its_effect():
    dates = load("events").set_index("event_id")["date"]
    pairs = _key()["context.cause"].expected()
    assert len(pairs) == 3 and len(set(pairs.values())) == 3
    for effect, cause in pairs.items():
        assert dates[cause] <= dates[effect], (effect, cause)


def test_the_gap_is_a_whole_number_of_days_forwards_and_the_trap_counts_one_more():
    days = _key()["context.days"]
    assert days.expected() > 0
    assert days.evaluate(context.gap_days_counting_both()).message.startswith("you counted both")


def test_no_cause_pair_rests_on_events_that_only_happened_alongside():
    summaries = load("events").set_index("event_id")["summary"]
    pairs = _key()["context.cause"].expected()
    for effect in pairs:
        assert "alongside" not in summaries[effect], f"{effect}: 'alongside' is not a response"


def _pause_days():
    dates = load("events").set_index("event_id")["date"]
    return (dates["us-aid-pause"] - dates["london-summit"]).days


@pytest.mark.parametrize("guess", [None, ..., ""])
def test_the_reveal_without_a_guess_still_shows_the_data_and_asks_for_one(guess):
    text = context.reveal_pause(guess)
    assert f"{_pause_days()} day" in text and "not saved a guess" in text


def test_the_reveal_sets_a_guess_beside_the_data():
    days = _pause_days()
    assert "exactly right" in context.reveal_pause(days)
    later = context.reveal_pause(days + 5)
    assert "You guessed" in later and "5 days more" in later and "sooner than you expected" in later
    assert "Your guess was 'a week'" in context.reveal_pause("a week")
