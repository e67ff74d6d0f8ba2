from __future__ import annotations

import pytest

from panel.profile_rules import (
    age_band,
    disability_category,
    format_postcode,
    is_valid_postcode,
    normalise_postcode,
)


@pytest.mark.parametrize("year,band", [
    (2010, "16_24"), (2002, "16_24"), (2001, "25_34"), (1992, "25_34"), (1991, "35_44"),
    (1962, "55_64"), (1961, "65_74"), (1952, "65_74"), (1951, "75_plus"), (1920, "75_plus"),
    (2011, None), (None, None),
])
def test_age_band_from_year_of_birth(year, band):
    assert age_band(year, this_year=2026) == band


@pytest.mark.parametrize("condition,reduced,category", [
    ("yes", "a_lot", "disabled"),
    ("yes", "a_little", "disabled"),
    ("yes", "not_at_all", "not_disabled"),
    ("no", None, "not_disabled"),
    ("no", "a_lot", "not_disabled"),  # the second question is not asked after "No"
    ("yes", "prefer_not_to_say", "prefer_not_to_say"),
    ("prefer_not_to_say", None, "prefer_not_to_say"),
    ("yes", None, None),
    (None, None, None),
])
def test_equality_act_disability(condition, reduced, category):
    assert disability_category(condition, reduced) == category


def test_postcodes():
    assert normalise_postcode(" bb10 1ab ") == "BB101AB"
    assert format_postcode("bb101ab") == "BB10 1AB"
    assert is_valid_postcode("BB11 2DL") and is_valid_postcode("E8 1DY")
    assert not is_valid_postcode("BB11") and not is_valid_postcode("12345")
