"""Dates written the way the lessons write them: "2 March 2025", "2 March", "2 Mar".

strftime has no portable code for a day without its leading zero (the dash flag exists
only in glibc), and its month names follow the machine's locale; this formatter is the
same on every system.
"""

from __future__ import annotations

import datetime as dt

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def long_date(day: dt.date, year: bool = True, short_month: bool = False) -> str:
    """A date as day, month name and year, in English, with no leading zero.

    Works for ``datetime.date``, ``datetime.datetime`` and pandas ``Timestamp``.

    >>> long_date(dt.date(2025, 3, 2))
    '2 March 2025'
    >>> long_date(dt.date(2025, 3, 2), year=False)
    '2 March'
    >>> long_date(dt.date(2025, 2, 28), year=False, short_month=True)
    '28 Feb'

    Raises ValueError for a missing date (None or pandas' NaT).
    """
    if day is None or day != day:  # NaT is not equal to itself
        raise ValueError("no date to write (the value is missing)")
    month = MONTHS[day.month - 1]
    text = f"{day.day} {month[:3] if short_month else month}"
    return f"{text} {day.year}" if year else text
