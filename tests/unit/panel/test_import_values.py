"""What a file's answers mean (the values step of an import): pure, no Flask, no database."""

from __future__ import annotations

import json

import pytest

from panel.imports.mapping import CategoryRef
from panel.imports.read import read_table
from panel.imports.values import (
    BLANK,
    distinct_values,
    guess_value,
    guess_values,
    parse_value_choices,
    unknown_values,
    value_param,
)
from panel.reference_data import DATA_DIR
from tests.unit.panel.test_imports import MAPPING, REFERENCE, check, person, problems, to_csv


def categories(key: str) -> tuple[CategoryRef, ...]:
    """A default question's answers, as shipped (``panel/data/dimensions.json``)."""
    item = next(d for d in json.loads((DATA_DIR / "dimensions.json").read_text())
                if d["key"] == key)
    return tuple(CategoryRef(c["key"], c["label"], c.get("group_label", ""),
                             c.get("prefer_not_to_say", False)) for c in item["categories"])


SEX, ETHNIC, AGE = categories("sex"), categories("ethnic_group"), categories("age_band")


# --- guessing one answer ------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "expected"), [
    ("Female", "female"), (" MALE ", "male"), ("male", "male"), ("prefer_not_to_say",
                                                                 "prefer_not_to_say"),
    ("M", "male"), ("m", "male"), ("F", "female"), ("f.", "female"), ("Man", "male"),
    ("Woman", "female"), ("PNTS", "prefer_not_to_say"), ("Rather not say", "prefer_not_to_say"),
    ("Don't want to say", "prefer_not_to_say"), ("Prefer not to answer", "prefer_not_to_say"),
    ("N/A", BLANK), ("Unknown", BLANK), ("-", BLANK), ("Not answered", BLANK),
    ("X", None), ("Other", None), ("1", None), ("Purple", None), ("", None),
])
def test_sex_answers_are_guessed_only_when_obvious(value, expected):
    assert guess_value(value, SEX) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("Asian or Asian British: Pakistani", "asian_pakistani"),
    ("Asian, Asian British or Asian Welsh: Pakistani", "asian_pakistani"),
    ("White: English, Welsh, Scottish, Northern Irish or British", "white_british"),
    ("White - Irish", "white_irish"),
    ("Mixed or Multiple ethnic groups: White and Asian", "mixed_white_asian"),
    ("Black, Black British, Caribbean or African: Caribbean", "black_caribbean"),
    ("Other ethnic group: Arab", "other_arab"),
    ("Pakistani", "asian_pakistani"),
    ("Black: Irish", None),  # the heading does not fit the answer
    ("White: Other", "white_other"),  # its key, loosely
    ("Asian", None), ("Prefer not to say", "prefer_not_to_say"),
])
def test_ons_ethnic_group_labels_are_matched_by_their_heading_and_answer(value, expected):
    assert guess_value(value, ETHNIC) == expected


def test_a_heading_settles_an_answer_two_groups_share():
    shared = (CategoryRef("white_other", "Other", "White"),
              CategoryRef("asian_other", "Other", "Asian or Asian British"))
    assert guess_value("Asian or Asian British: Other", shared) == "asian_other"
    assert guess_value("White - Other", shared) == "white_other"


@pytest.mark.parametrize(("value", "expected"), [
    ("25-34", "25_34"), ("25 – 34", "25_34"), ("75+", "75_plus"), ("16 to 24", "16_24"),
    ("25", None), ("1", None),
])
def test_age_ranges_written_another_way(value, expected):
    assert guess_value(value, AGE) == expected


def test_a_short_form_is_not_guessed_when_two_answers_could_be_meant():
    two_ms = (CategoryRef("male", "Male"), CategoryRef("m2", "Male"))
    assert guess_value("M", two_ms) is None


# --- numbered answers ---------------------------------------------------------------------------

def test_numbers_are_guessed_for_ordered_answers_when_the_column_numbers_them_all():
    guesses = guess_values([str(n) for n in range(1, 8)] + ["PNTS"], AGE)
    assert guesses == {"1": "16_24", "2": "25_34", "3": "35_44", "4": "45_54", "5": "55_64",
                       "6": "65_74", "7": "75_plus", "PNTS": "prefer_not_to_say"}


@pytest.mark.parametrize("values", [
    ["1", "2", "3"],  # fewer numbers than answers: which is which?
    ["1", "2", "3", "4", "5", "6", "7", "8"],  # more numbers than answers
    ["0", "1", "2", "3", "4", "5", "6"],  # counted from 0
    ["1", "2", "3", "4", "5", "6", "7", "Other"],  # something else too
])
def test_numbers_are_not_guessed_when_not_unambiguous(values):
    assert guess_values(values, AGE) == {value: None for value in values}


def test_sex_numbered_1_and_2_is_not_guessed():
    """Surveys number sex both ways (1 Male in 2011, 1 Female in 2021): not obvious."""
    assert guess_values(["1", "2"], SEX) == {"1": None, "2": None}


# --- the column's answers -----------------------------------------------------------------------

def test_distinct_values_in_the_order_first_seen_compared_loosely():
    table = read_table(to_csv([person(Sex="M"), person(Sex=" m "), person(Sex=""),
                               person(Sex="Female"), person(Sex="F"), person(Sex="-")]),
                       "x.csv")
    assert distinct_values(table, 7) == ["M", "Female", "F", "-"]


def test_unknown_values_list_what_is_not_an_answer_with_rows_and_guesses():
    table = read_table(to_csv([person(Sex="M"), person(Sex="m"), person(Sex="Female"),
                               person(Sex="Purple", Ward="Narnia"),
                               person(**{"Ethnic group": "Asian or Asian British: Indian"})]),
                       "x.csv")
    found = {c.field: c for c in unknown_values(table, MAPPING, REFERENCE)}
    assert set(found) == {"dimension:sex", "ward", "dimension:ethnic_group"}
    sex = found["dimension:sex"]
    assert (sex.column, sex.question, sex.more) == (7, "Sex", 0)
    assert [(v.index, v.value, v.rows, v.guess) for v in sex.values] == [
        (0, "M", 2, "male"), (2, "Purple", 1, None)]
    assert [(v.value, v.guess) for v in found["ward"].values] == [("Narnia", None)]
    assert [(v.value, v.guess) for v in found["dimension:ethnic_group"].values] == [
        ("Asian or Asian British: Indian", "asian_indian")]


def test_free_text_lists_the_first_answers_and_counts_the_rest():
    rows = [person(Email=f"p{n}@example.org", Religion=f"belief {n}") for n in range(5_000)]
    table = read_table(to_csv(rows), "x.csv")
    religion = next(c for c in unknown_values(table, MAPPING, REFERENCE)
                    if c.field == "dimension:religion")
    assert len(religion.values) == 50 and religion.more == 4_950 and religion.free_text
    assert religion.distinct == 5_000


# --- the officer's choices, applied -------------------------------------------------------------

def test_chosen_values_are_applied_and_the_rest_stay_problems():
    rows = [person(Sex="M"), person(Email="b@example.org", Sex="X"),
            person(Email="c@example.org", Sex="?"), person(Email="d@example.org", Sex="m")]
    table = read_table(to_csv(rows), "x.csv")
    # distinct answers: M (0), X (1), ? (2)
    choices = parse_value_choices({value_param(7, 0): "male", value_param(7, 2): BLANK,
                                   value_param(7, 1): ""}, table, MAPPING, REFERENCE)
    assert choices == {"dimension:sex": {"m": "male", "?": BLANK}}
    result = check(*rows, choices=choices)
    assert problems(result) == [(3, "Sex", "'X' is not an answer to Sex. Choose what it means "
                                           "on the values page, or fix the file")]
    assert result.valid["answer:sex"].tolist()[0] == "male"
    assert result.valid.loc[4, "answer:sex"] != result.valid.loc[4, "answer:sex"]  # blank (NaN)
    assert result.valid.loc[5, "answer:sex"] == "male"


def test_choices_that_are_not_the_questions_answers_are_ignored():
    table = read_table(to_csv([person(Sex="M")]), "x.csv")
    assert parse_value_choices({value_param(7, 0): "asian_indian", value_param(7, 9): "male",
                                value_param(0, 0): "male", "value_x_0": "male"},
                               table, MAPPING, REFERENCE) == {}


def test_a_ward_left_blank_is_worked_out_from_the_postcode():
    rows = [person(Ward="Somewhere"), person(Email="b@example.org", Ward="Somewhere",
                                             Postcode="BB10 1AA")]
    table = read_table(to_csv(rows), "x.csv")
    choices = parse_value_choices({value_param(5, 0): BLANK}, table, MAPPING, REFERENCE)
    result = check(*rows, choices=choices)
    assert result.valid.loc[2, "ward"] == "E05005163"
    assert problems(result) == [(3, "Ward", "Enter the ward: we could not work it out from "
                                            "the postcode")]
