"""The money lesson's helpers: one row per announcement, and the two money figures."""

import pytest

from lessonkit import analysis, plots
from lessonkit._errors import LessonkitError
from lessonkit.keys import money


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
    chart = plots.versions_chart("uk-lmm-export-finance-2025-03-02", "GBP")
    assert chart.png.startswith(b"\x89PNG") and "versions" in chart.alt
    rows = analysis.per_announcement(analysis.pledges(donor="gbr", include_seed=False), "GBP")
    chart = plots.announcement_chart(rows, "GBP", log=True)
    assert chart.png.startswith(b"\x89PNG") and "logarithmic" in chart.alt
