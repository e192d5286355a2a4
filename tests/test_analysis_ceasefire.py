"""Lesson 5's code (its answers, the stance time line, the truce game chart), and lesson 7's
announcements and role cards."""

from lessonkit.game import TruceGame
from lessonkit.lessons import capstone


def test_ceasefire_answers_come_from_the_data():
    from lessonkit import load
    from lessonkit.lessons import ceasefire

    assert ceasefire.proposers()["the one-month partial truce"] == "France"
    assert set(ceasefire.proposers()) == set(ceasefire.PROPOSALS)
    order = ceasefire.events_by_date()
    assert order[0] == "partial-truce-proposal" and sorted(order) == sorted(ceasefire.ORDER_EVENTS)
    assert list(ceasefire.ORDER_EVENTS) != order  # the exercise shows them out of order
    dates = load("events").set_index("event_id").loc[order, "date"]
    assert dates.is_monotonic_increasing


def test_truce_exercise_answers_follow_the_game():
    from lessonkit.lessons import ceasefire

    penalty = ceasefire.smallest_penalty()
    game = ceasefire.PENALTY_GAME
    assert ("keep", "keep") in TruceGame(penalty=penalty, **game).equilibria()
    assert ("keep", "keep") not in TruceGame(penalty=penalty - 0.5, **game).equilibria()
    assert penalty not in {ceasefire.gain_alone(), ceasefire.gain_times_chance()}  # the traps are wrong answers
    holds = ceasefire.chances_that_hold()
    assert holds and holds != list(ceasefire.CHANCES) and set(holds) <= set(ceasefire.CHANCES)


def test_announcements_count_each_announcement_once_with_its_middle_version():
    uk = capstone.announcements("gbr", recipient="ukr").set_index("report_group")
    assert uk.loc["uk-era-loan-signed-2025-03-01", "amount_GBP"] == 2.26e9  # not the £2.6bn typo
    assert uk.loc["uk-era-loan-signed-2025-03-01", "versions"] == 6


def test_role_cards_exist_for_every_playable_actor():
    for actor in capstone.ROLE_ACTORS:
        card = capstone.role_card(actor)
        assert card["name"] and set(card["positions"]["actor_id"]) <= {actor}


def test_role_card_refuses_a_person():
    import pytest

    with pytest.raises(Exception, match="state or organisation"):
        capstone.role_card("starmer")


def test_new_figures_render_with_alt_text():
    from lessonkit.lessons import ceasefire

    chart = ceasefire.stance_timeline_chart("ceasefire", theme="ceasefire")
    assert chart.png.startswith(b"\x89PNG") and "Russia" in chart.alt
    games = ceasefire.truce_games_chart({"none": TruceGame(), "strong": TruceGame(penalty=10, verification=0.9)})
    assert "truce holds" in games.alt and "breaks down" in games.alt


def test_role_card_widget_shows_the_card():
    from lessonkit import widgets

    box = widgets.role_card_explorer("ita")
    assert "Role card: Italy" in box.children[-1].value


def test_capstone_new_money_leaves_out_the_loan_first_announced_in_2024():
    from lessonkit._exercises import exercises
    from lessonkit.lessons import capstone

    uk_total = exercises("capstone")["capstone.uk_total"]
    assert capstone.uk_new_money() == 1.6  # the £1.6bn of export finance only
    rate = capstone._eur(1.0)
    assert uk_total.expected() == 1.6 * rate  # asked in euros, at the 3 March rate
    assert uk_total.evaluate(round(1.6 * rate, 1)).status == "correct"
    counted_the_loan = uk_total.evaluate(round((1.6 + 2.26) * rate, 1))
    assert counted_the_loan.status == "incorrect" and "October 2024" in counted_the_loan.message
    in_pounds = uk_total.evaluate(1.6)
    assert in_pounds.status == "incorrect" and "convert it to euros" in in_pounds.message
