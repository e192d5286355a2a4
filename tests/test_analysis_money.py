"""Lesson 3 (money): one row per announcement, the money figures, its exercises' answers and
traps, and the reveal of its prediction."""

import pytest

from lessonkit import analysis
from lessonkit._data import load
from lessonkit._errors import LessonkitError
from lessonkit._keys import key_for
from lessonkit.lessons import money


def test_per_announcement_keeps_one_row_per_report_group_in_the_currency():
    rows = analysis.per_announcement(analysis.pledges(donor="gbr", include_seed=False), "GBP")
    assert rows["report_group"].is_unique
    assert set(rows["currency"]) == {"GBP"}


def test_per_announcement_takes_the_middle_version_so_a_typo_does_not_decide():
    loan = analysis.per_announcement(analysis.versions("uk-era-loan-signed-2025-03-01")
                                     .assign(report_group="g", announced=None), "GBP")
    amounts = sorted(analysis.versions("uk-era-loan-signed-2025-03-01").query("currency == 'GBP'")["amount"])
    assert loan["amount"].iloc[0] == amounts[(len(amounts) - 1) // 2]


def test_per_announcement_rejects_an_unknown_currency():
    with pytest.raises(LessonkitError, match="currency must be one of"):
        analysis.per_announcement(analysis.pledges(), "JPY")


def test_versions_in_gbp_are_close_to_each_other():
    values = money.versions_in_gbp()
    assert values.max() / values.min() < 1.05


def test_money_charts_render_with_alt_text():
    chart = money.versions_chart("uk-lmm-export-finance-2025-03-02", "GBP")
    assert chart.png.startswith(b"\x89PNG") and "versions" in chart.alt
    rows = analysis.per_announcement(analysis.pledges(donor="gbr", include_seed=False), "GBP")
    chart = money.announcement_chart(rows, "GBP", log=True)
    assert chart.png.startswith(b"\x89PNG") and "logarithmic" in chart.alt


def test_per_unit_divides_amount_by_quantity_and_names_a_row_without_them():
    pledges = load("pledges")
    row = pledges[pledges["amount"].notna() & pledges["quantity"].notna()].iloc[0]
    assert money.per_unit(row["pledge_id"]) == pytest.approx(row["amount"] / row["quantity"])
    no_quantity = pledges.loc[pledges["quantity"].isna(), "pledge_id"].iloc[0]
    with pytest.raises(LessonkitError, match=no_quantity):
        money.per_unit(no_quantity)


@pytest.mark.parametrize("label", ["money.euros", "money.per_missile", "money.instalment"])
def test_every_trap_of_a_money_exercise_is_wrong_and_earns_its_own_hint(label):
    exercise = key_for("money")[label]
    assert exercise.traps, label
    messages = set()
    for trap, says in exercise.traps:
        value = trap() if callable(trap) else trap
        verdict = exercise.evaluate(value)
        assert verdict.status == "incorrect" and verdict.message == says, (label, value)
        messages.add(says)
    assert len(messages) == len(exercise.traps)


def test_the_kinds_to_match_are_five_different_kinds():
    pairs = key_for("money")["money.kinds"].expected()
    assert len(pairs) == 5 and len(set(pairs.values())) == 5


def test_the_reveal_sets_the_guess_beside_the_price_the_headline_implies():
    price = money.price_per_missile()
    assert price == pytest.approx(load("pledges").set_index("pledge_id").loc[money.DEAL, "amount"]
                                  / load("pledges").set_index("pledge_id").loc[money.DEAL, "quantity"])
    assert f"£{price:,.0f}" in money.reveal_price(None) and "not saved a guess" in money.reveal_price(None)
    assert "close" in money.reveal_price(price)
    assert "4.0 times your guess" in money.reveal_price(price / 4)
    assert "about 2.0 times what the headline implies" in money.reveal_price(price * 2)
