"""The over-consultation policy's pure parts: the policy value, checking input, one resident's
position against the limit."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from panel.contact_policy import (
    DEFAULT_CAP,
    CapError,
    ContactCap,
    cap_problems,
    cap_status,
    parse_cap,
)

NOW = datetime(2026, 11, 25, 12, 0)
DAY = timedelta(days=1)


def test_the_default_is_three_in_ninety_days():
    assert ContactCap(max_contacts=3, days=90) == DEFAULT_CAP
    assert DEFAULT_CAP.describe() == "3 contacts in any 90 days"
    assert ContactCap(1, 30).describe() == "1 contact in any 30 days"
    assert DEFAULT_CAP.to_value() == {"max_contacts": 3, "days": 90}


@pytest.mark.parametrize("value", [
    None, 3, "3 in 90", {}, {"max_contacts": 3}, {"max_contacts": "3", "days": 90},
    {"max_contacts": 0, "days": 90}, {"max_contacts": 3, "days": 1000},
    {"max_contacts": True, "days": 90}, {"max_contacts": 3.5, "days": 90},
])
def test_a_stored_value_that_is_not_a_valid_policy_means_the_default(value):
    assert ContactCap.from_value(value) == DEFAULT_CAP


def test_a_valid_stored_value_is_read():
    assert ContactCap.from_value({"max_contacts": 5, "days": 30}) == ContactCap(5, 30)


@pytest.mark.parametrize("max_contacts,days,problems", [
    ("3", "90", {}),
    (" 20 ", "365", {}),
    ("1", "7", {}),
    ("", "", {"max_contacts": "Enter the most contacts per resident",
              "days": "Enter the number of days in the period"}),
    ("3.0", "90", {"max_contacts": "The most contacts must be a whole number, like 3"}),
    ("+3", "90", {"max_contacts": "The most contacts must be a whole number, like 3"}),
    ("３", "90", {"max_contacts": "The most contacts must be a whole number, like 3"}),
    ("21", "90", {"max_contacts": "The most contacts must be between 1 and 20"}),
    ("3", "ninety", {"days": "The number of days must be a whole number, like 90"}),
    ("3", "6", {"days": "The period must be between 7 and 365 days"}),
    ("3", "366", {"days": "The period must be between 7 and 365 days"}),
])
def test_parse_cap_says_what_is_wrong_with_each_field(max_contacts, days, problems):
    if problems:
        with pytest.raises(CapError) as caught:
            parse_cap(max_contacts, days)
        assert caught.value.problems == problems
    else:
        cap = parse_cap(max_contacts, days)
        assert cap == ContactCap(int(max_contacts), int(days)) and not cap_problems(cap)


def test_a_contact_counts_for_exactly_the_period():
    cap = ContactCap(3, 90)
    assert cap.window_start(NOW) == NOW - 90 * DAY
    times = [NOW - 90 * DAY, NOW - 89 * DAY, NOW - DAY, NOW, NOW + DAY]
    status = cap_status(times, NOW, cap)
    assert status.contacts == 3 and status.at_cap  # 90 days ago and tomorrow do not count
    assert status.clears_at == NOW - 89 * DAY + 90 * DAY


def test_below_the_limit_there_is_nothing_to_clear():
    status = cap_status([NOW - DAY, NOW - 2 * DAY], NOW, ContactCap(3, 90))
    assert (status.contacts, status.at_cap, status.clears_at) == (2, False, None)


def test_over_the_limit_it_clears_when_enough_have_dropped_out():
    times = [NOW - d * DAY for d in (1, 10, 20, 30, 40)]
    status = cap_status(times, NOW, ContactCap(3, 90))
    # 5 contacts, limit 3: below it (2 left) once the three oldest have dropped out
    assert status.contacts == 5 and status.clears_at == NOW - 20 * DAY + 90 * DAY
    assert cap_status(times, status.clears_at, ContactCap(3, 90)).at_cap is False
    assert cap_status(times, status.clears_at - timedelta(seconds=1), ContactCap(3, 90)).at_cap
