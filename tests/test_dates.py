"""Dates read the same on every system: "2 March 2025", never a glibc-only strftime code."""

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest

from lessonkit import analysis
from lessonkit._dates import MONTHS, long_date

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("month", range(1, 13))
def test_every_month_in_english_whatever_the_locale(month):
    day = dt.date(2025, month, 9)
    name = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
            "October", "November", "December"][month - 1]
    assert long_date(day) == f"9 {name} 2025"
    assert long_date(day, year=False) == f"9 {name}"
    assert long_date(day, short_month=True) == f"9 {name[:3]} 2025"
    assert long_date(day, year=False, short_month=True) == f"9 {name[:3]}"
    assert MONTHS[month - 1] == name


@pytest.mark.parametrize("value", [dt.date(2025, 3, 2), dt.datetime(2025, 3, 2, 23, 59),
                                   pd.Timestamp("2025-03-02"), pd.Timestamp("2025-03-02").date()])
def test_dates_datetimes_and_timestamps(value):
    assert long_date(value) == "2 March 2025"


def test_two_digit_days_and_the_last_day_of_the_year():
    assert long_date(dt.date(2024, 12, 31)) == "31 December 2024"


@pytest.mark.parametrize("missing", [None, pd.NaT])
def test_a_missing_date_is_a_clear_error(missing):
    with pytest.raises(ValueError, match="no date to write"):
        long_date(missing)


def test_lessons_reach_the_formatter_through_analysis():
    assert analysis.long_date is long_date


def test_figure_date_axes_read_day_and_short_month():
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    from lessonkit.plots import _day_month_axis

    fig, ax = plt.subplots()
    _day_month_axis(ax)
    try:
        assert ax.xaxis.get_major_formatter()(mdates.date2num(dt.datetime(2025, 3, 2)), 0) == "2 Mar"
    finally:
        plt.close(fig)


def test_no_glibc_only_date_codes_in_the_package_or_the_lessons():
    """strftime's dash flag (a day without a leading zero) is glibc-only: it fails on Windows."""
    code = re.compile(r"%-[a-zA-Z]")
    files = [*(ROOT / "src" / "lessonkit").rglob("*.py"), *(ROOT / "notebooks").glob("*.md"),
             *(ROOT / "docs").glob("*.md"), *(ROOT / "apps").glob("*.md")]
    found = [f"{f.relative_to(ROOT)}:{n}" for f in files
             for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1)
             if code.search(line)]
    assert not found, f"use lessonkit._dates.long_date instead of strftime's %-d codes: {found}"
