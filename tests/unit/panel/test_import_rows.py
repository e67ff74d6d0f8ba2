"""Checking the rows of an import file, continued from ``test_imports``: pure pandas, no Flask,
no database."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from panel.imports import validate as checking
from panel.imports.read import read_table
from panel.imports.report import errors_csv
from panel.imports.validate import validate
from panel.profile_rules import age_band
from tests.unit.panel.test_imports import (
    MAPPING,
    REFERENCE,
    check,
    person,
    problems,
    to_csv,
)

# --- rows -----------------------------------------------------------------------------------

def test_a_good_row_is_cleaned_for_writing():
    result = check(person(Email=" Ada@Example.ORG ", Postcode="bb112dl", Sex="FEMALE",
                          **{"First name": "  Ada   Augusta "}))
    assert problems(result) == [] and result.valid_count == 1
    row = result.valid.loc[2]
    assert row["email"] == "ada@example.org" and row["first_name"] == "Ada Augusta"
    assert row["postcode"] == "BB11 2DL" and row["ward"] == "E05005163"
    assert row["answer:sex"] == "female" and row["answer:age_band"] == "35_44"
    assert row["year_of_birth"] == 1990 and len(row["household_key"]) == 64


def test_categories_match_keys_or_labels_whatever_the_case():
    result = check(person(Sex="prefer not to say", Ward="trinity"),
                   person(Email="b@example.org", Sex="Male", Ward="bank hall ward"),
                   person(Email="c@example.org", Sex="MALE", Ward="E05005150",
                          Postcode="BB10 1AA"))
    assert problems(result) == []
    assert result.valid["answer:sex"].tolist() == ["prefer_not_to_say", "male", "male"]
    assert result.valid["ward"].tolist() == ["E05005163", "E05005163", "E05005150"]


def test_unknown_categories_and_wards_are_named():
    result = check(person(Sex="Purple", Ward="Narnia", Postcode="BB10 1AA"))
    assert problems(result) == [
        (2, "Ward", "This is not a ward in the borough. Use the ward's name or its ONS code, "
                    "like Bank Hall or E05005150, or choose what it means on the values page"),
        (2, "Sex", "'Purple' is not an answer to Sex. Choose what it means on the values page, "
                   "or fix the file"),
    ]


def test_the_ward_comes_from_the_postcode_lookup_or_must_be_given():
    result = check(person(Postcode="BB10 1AA"), person(Email="b@example.org", Postcode="XX"))
    assert problems(result) == [
        (2, "Ward", "Enter the ward: we could not work it out from the postcode"),
        (3, "Postcode", "Enter a real postcode, like BB11 2DL"),
    ]
    without_ward = {k: v for k, v in MAPPING.items() if v != "ward"}
    table = read_table(to_csv([person(Postcode="BB10 1AA")]), "x.csv")
    result = validate(table, without_ward, REFERENCE)
    assert problems(result)[0][1:] == (
        "Postcode", "We could not work out the ward from this postcode. Add a column with "
                    "each person's ward (its name or ONS code)")


def test_required_values_email_format_and_lengths():
    result = check(person(Email="", **{"First name": "", "Last name": "x" * 81},
                          Address="", Postcode=""),
                   person(Email="not an email"))
    assert problems(result) == [
        (2, "Email", "Enter an email address"),
        (2, "First name", "Enter a first name"),
        (2, "Last name", "Last name must be 80 characters or fewer"),
        (2, "Address", "Enter the first line of the address"),
        (2, "Postcode", "Enter a postcode"),
        (3, "Email", "Enter an email address in the correct format, like name@example.com"),
    ]


@pytest.mark.parametrize(("year", "message"), [
    ("19x0", "Enter the year of birth as 4 numbers, like 1980"),
    ("2015", "Panel members must be 16 or older: enter a year of birth of 2010 or earlier"),
    ("1899", "Enter a year of birth after 1900"),
])
def test_year_of_birth_range(year, message):
    assert problems(check(person(**{"Year of birth": year}))) == [(2, "Year of birth", message)]


def test_year_of_birth_is_optional_and_gives_the_age_band():
    result = check(person(**{"Year of birth": ""}),
                   person(Email="b@example.org", **{"Year of birth": "1940.0"}))
    assert problems(result) == []
    assert pd.isna(result.valid.loc[2, "answer:age_band"])
    assert result.valid.loc[3, "answer:age_band"] == "75_plus"


def test_age_bands_agree_with_the_joining_rule():
    years = pd.Series([float(y) for y in range(1890, 2027)] + [float("nan")])
    bands = checking._age_bands(years, 2026)
    assert bands.tolist() == [age_band(None if pd.isna(y) else int(y), 2026) for y in years]


def test_membership_consent_must_be_yes():
    result = check(person(Consent="No"), person(Email="b@example.org", Consent=""),
                   person(Email="c@example.org", Consent="perhaps"),
                   person(Email="d@example.org", Consent="Y"))
    assert problems(result) == [
        (2, "Consent", "This person has not agreed to join the panel, so they cannot be "
                       "imported"),
        (3, "Consent", "Say whether this person agreed to join the panel: only people who "
                       "agreed can be imported"),
        (4, "Consent", "Enter yes or no"),
    ]
    assert result.valid.index.tolist() == [5]


def test_special_category_answers_are_kept_only_with_consent():
    result = check(
        person(**{"Ethnic group": "Indian", "Religion": "christian",
                  "Special category consent": "Yes"}),
        person(Email="b@example.org", **{"Ethnic group": "Irish", "Religion": "Muslim",
                                         "Special category consent": "no"}),
        person(Email="c@example.org", **{"Ethnic group": "Irish"}))
    assert problems(result) == []
    valid = result.valid
    assert valid.loc[2, "answer:ethnic_group"] == "asian_indian"
    assert valid.loc[2, "answer:religion"] == "christian"  # label without its bracketed end
    assert valid["answer:ethnic_group"].iloc[1:].isna().all()
    assert valid["answer:religion"].iloc[1:].isna().all()
    assert valid["special_consent"].tolist() == ["yes", "no", ""]
    assert result.withheld_answers == 3


def test_an_unknown_special_category_answer_is_a_problem_even_without_consent():
    assert problems(check(person(**{"Ethnic group": "Martian"})))[0][1] == "Ethnic group"


def test_duplicate_emails_in_the_file_refuse_every_copy():
    result = check(person(), person(Email="ADA@example.org"), person(Email="bob@example.org"),
                   person(Email="ada@example.org "))
    assert problems(result) == [
        (2, "Email", "This email address is also on rows 3 and 5. Keep one row for each person"),
        (3, "Email", "This email address is also on rows 2 and 5. Keep one row for each person"),
        (5, "Email", "This email address is also on rows 2 and 3. Keep one row for each person"),
    ]
    assert result.valid.index.tolist() == [4]
    assert [(d.email, d.rows, d.has_account) for d in result.duplicates] == [
        ("ada@example.org", (2, 3, 5), False)]


def test_many_copies_of_one_email_are_summarised():
    rows = [person() for _ in range(8)]
    message = problems(check(*rows))[0][2]
    assert message == ("This email address is also on rows 3, 4, 5 and 4 more. Keep one row for "
                       "each person")


def test_existing_accounts_are_duplicates_too():
    result = check(person(Email="Taken@example.org"))
    assert problems(result) == [(2, "Email",
                                 "There is already an account with this email address")]
    assert result.duplicates[0].has_account


def test_counts_and_problems_by_kind():
    result = check(person(), person(Email="x"), person(Email="y", Sex="?"),
                   person(Email="z@example.org", Sex="?"))
    assert (result.rows, result.valid_count, result.invalid_count, result.error_count) == (
        4, 1, 3, 4)
    assert [(k.column, k.rows) for k in result.problem_kinds()] == [("Email", 2), ("Sex", 2)]
    assert result.problem_kinds()[1].sentence == (
        "2 rows have an answer to 'Sex' that is not one of its answers")


def test_progress_is_reported_in_chunks():
    seen: list[int] = []
    rows = [person(Email=f"p{i}@example.org") for i in range(5)]
    validate(read_table(to_csv(rows), "x.csv"), MAPPING, REFERENCE, progress=seen.append,
             chunk_rows=2)
    assert seen == [2, 4, 5]


def test_the_error_report_is_a_csv_a_spreadsheet_will_not_run():
    result = check(person(Email="=HYPERLINK(\"http://evil\")"), person(Email="b@example.org",
                                                                        Sex="@SUM(1)"))
    report = errors_csv(result)
    assert report.startswith("\ufeffRow,Column,Value,Problem\r\n")
    lines = list(csv.reader(io.StringIO(report.lstrip("\ufeff"))))
    assert lines[1][:3] == ["2", "Email", "'=HYPERLINK(\"http://evil\")"]
    assert lines[2][:3] == ["3", "Sex", "'@SUM(1)"]
