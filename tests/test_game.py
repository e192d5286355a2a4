"""The truce game: payoffs follow the rules, and guarantees that are seen change the outcome."""

import pytest

from lessonkit.game import TruceGame, smallest_stable_penalty


def test_without_guarantees_the_truce_breaks_down():
    assert TruceGame(penalty=0).equilibria() == [("break", "break")]


def test_strong_verified_guarantees_make_the_truce_hold():
    assert TruceGame(penalty=10, verification=0.9).equilibria() == [("keep", "keep")]


def test_the_threshold_is_gain_over_chance_seen():
    for gain, chance in ((4, 0.5), (6, 0.75), (2, 1.0)):
        assert smallest_stable_penalty(gain=gain, verification=chance) == gain / chance


def test_a_break_never_seen_cannot_be_deterred():
    with pytest.raises(Exception, match="verification 0"):
        smallest_stable_penalty(gain=4, verification=0)


def test_unknown_moves_are_refused():
    with pytest.raises(ValueError):
        TruceGame().payoff("wait", "keep")


def test_at_the_threshold_the_verdict_explains_the_tie():
    game = TruceGame(gain=4, penalty=8, verification=0.5)
    assert len(game.equilibria()) == 4
    verdict = game.verdict()
    assert "tie" in verdict and "8 \u00d7 0.5 = 4" in verdict and "(4 points)" in verdict


def test_off_the_threshold_there_is_no_tie():
    assert not TruceGame(gain=4, penalty=8.5, verification=0.5).at_threshold()
    assert "tie" not in TruceGame(gain=4, penalty=8.5, verification=0.5).verdict()
