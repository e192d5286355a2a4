"""Lesson 1 (context): its answer key agrees with the events table."""

from lessonkit._data import load
from lessonkit._exercises import exercises
from lessonkit.keys import context


def test_the_events_to_order_have_distinct_dates():
    dates = load("events").set_index("event_id").loc[list(context.ORDER_EVENTS), "date"]
    assert dates.is_unique, "two events on one day would make the order ambiguous"


def test_every_cause_comes_before_its_effect():
    dates = load("events").set_index("event_id")["date"]
    pairs = exercises("context")["context.cause"].expected()
    assert set(pairs) == set(context.EFFECTS) and set(pairs.values()) == set(context.CAUSES)
    for effect, cause in pairs.items():
        assert dates[cause] <= dates[effect], (effect, cause)


def test_the_gap_is_a_whole_number_of_days_forwards():
    assert exercises("context")["context.days"].expected() > 0


def test_no_cause_pair_rests_on_events_that_only_happened_alongside():
    summaries = load("events").set_index("event_id")["summary"]
    pairs = exercises("context")["context.cause"].expected()
    for effect in pairs:
        assert "alongside" not in summaries[effect], f"{effect}: 'alongside' is not a response"
