"""UK times, either side of a clock change (BST starts 28 March 2027, ends 31 October 2027)."""

from __future__ import annotations

from datetime import date, datetime, time

from core.uk_time import clock, day, from_uk, span, when


def test_ten_in_the_morning_is_ten_utc_in_winter_and_nine_utc_in_summer():
    assert from_uk(date(2027, 3, 20), time(10)) == datetime(2027, 3, 20, 10)
    assert from_uk(date(2027, 4, 3), time(10)) == datetime(2027, 4, 3, 9)


def test_shown_in_uk_time_gov_uk_style():
    assert clock(datetime(2027, 4, 3, 9)) == "10am"
    assert clock(datetime(2027, 4, 3, 13, 30)) == "2:30pm"
    assert clock(datetime(2027, 4, 3, 11)) == "midday"
    assert clock(datetime(2027, 1, 3, 0)) == "midnight"
    assert day(datetime(2027, 4, 3, 23, 30)) == "Sunday 4 April 2027"
    assert when(datetime(2027, 3, 20, 10)) == "Saturday 20 March 2027 at 10am"
    assert span(datetime(2027, 4, 3, 9), datetime(2027, 4, 3, 12)) == \
        "Saturday 3 April 2027, 10am to 1pm"
    assert span(datetime(2027, 4, 3, 21), datetime(2027, 4, 4, 9)) == \
        "Saturday 3 April 2027 at 10pm to Sunday 4 April 2027 at 10am"
    assert clock(None) == day(None) == when(None) == ""
