"""Reading and checking an import file: pure pandas, no Flask, no database."""

from __future__ import annotations

import ast
import csv
import io

import pandas as pd
import pytest

from panel.imports import read
from panel.imports import validate as checking
from panel.imports.limits import ImportFileError
from panel.imports.mapping import (
    CategoryRef,
    DimensionRef,
    Reference,
    check_mapping,
    fields_for,
    suggest_mapping,
)
from panel.imports.read import column_letter, read_csv, read_table, table_to_csv
from panel.imports.report import errors_csv
from panel.imports.validate import validate
from panel.profile_rules import age_band
from tests.conftest import PROJECT_ROOT

WARDS = (CategoryRef("E05005150", "Bank Hall"), CategoryRef("E05005163", "Trinity (Burnley)"),
         CategoryRef("prefer_not_to_say", "Prefer not to say"))
DIMENSIONS = (
    DimensionRef("age_band", "Age", False, (
        CategoryRef("16_24", "16 to 24"), CategoryRef("25_34", "25 to 34"),
        CategoryRef("35_44", "35 to 44"), CategoryRef("75_plus", "75 or over"),
        CategoryRef("prefer_not_to_say", "Prefer not to say"))),
    DimensionRef("sex", "Sex", False, (
        CategoryRef("female", "Female"), CategoryRef("male", "Male"),
        CategoryRef("prefer_not_to_say", "Prefer not to say"))),
    DimensionRef("ethnic_group", "Ethnic group", True, (
        CategoryRef("asian_indian", "Indian"), CategoryRef("white_irish", "Irish"),
        CategoryRef("prefer_not_to_say", "Prefer not to say"))),
    DimensionRef("religion", "Religion", True, (
        CategoryRef("christian", "Christian (including Church of England, Catholic)"),
        CategoryRef("muslim", "Muslim"), CategoryRef("prefer_not_to_say", "Prefer not to say"))),
    DimensionRef("tenure", "Housing tenure", False, (
        CategoryRef("owns_outright", "Own it outright"),
        CategoryRef("private_rent_landlord", "Rent it from a private landlord or letting agency"),
        CategoryRef("prefer_not_to_say", "Prefer not to say"))),
)
REFERENCE = Reference(dimensions=DIMENSIONS, wards=WARDS,
                      postcode_wards={"BB112DL": "E05005163"},
                      existing_emails=frozenset({"taken@example.org"}), this_year=2026)
HEADER = ["Email", "First name", "Last name", "Address", "Postcode", "Ward", "Year of birth",
          "Sex", "Ethnic group", "Religion", "Consent", "Special category consent"]
MAPPING = dict(enumerate(["email", "first_name", "last_name", "address_line", "postcode", "ward",
                          "year_of_birth", "dimension:sex", "dimension:ethnic_group",
                          "dimension:religion", "membership_consent",
                          "special_category_consent"]))


def to_csv(rows: list[list[str]], header: list[str] = HEADER) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *rows])
    return out.getvalue().encode("utf-8")


def person(**changes: str) -> list[str]:
    row = {"Email": "ada@example.org", "First name": "Ada", "Last name": "Lovelace",
           "Address": "12 Colne Road", "Postcode": "BB11 2DL", "Ward": "", "Year of birth": "1990",
           "Sex": "Female", "Ethnic group": "", "Religion": "", "Consent": "yes",
           "Special category consent": ""}
    assert set(changes) <= set(row), set(changes) - set(row)
    row.update(changes)
    return [row[h] for h in HEADER]


def check(*rows: list[str], reference: Reference = REFERENCE) -> checking.Validation:
    return validate(read_table(to_csv(list(rows)), "panel.csv"), MAPPING, reference)


def problems(validation: checking.Validation) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.message) for e in validation.first_errors(1000)]


@pytest.mark.parametrize("module", ["limits", "read", "mapping", "validate", "report"])
def test_the_module_is_pure(module):
    tree = ast.parse((PROJECT_ROOT / "panel" / "imports" / f"{module}.py").read_text())
    modules = {node.module.split(".")[0] for node in ast.walk(tree)
               if isinstance(node, ast.ImportFrom) and node.module}
    modules |= {alias.name.split(".")[0] for node in ast.walk(tree)
                if isinstance(node, ast.Import) for alias in node.names}
    assert not modules & {"flask", "sqlalchemy", "flask_sqlalchemy", "werkzeug"}
    assert {"core.extensions", "panel.models", "core.accounts"}.isdisjoint(
        {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)})


# --- reading --------------------------------------------------------------------------------

def test_utf8_with_a_byte_order_mark():
    table = read_table("\ufeffEmail,Name\nzoë@example.org,Zoë\n".encode(), "x.csv")
    assert table.headers == ("Email", "Name") and table.encoding == "UTF-8"
    assert table.rows.loc[2].tolist() == ["zoë@example.org", "Zoë"]


def test_windows_1252_is_read_when_the_file_is_not_utf8():
    table = read_table("Email,Name,Note\nzoe@example.org,Zoë Brontë,£5 – “ok”\n".encode("cp1252"),
                       "x.csv")
    assert table.encoding == "Windows-1252"
    assert table.rows.loc[2].tolist() == ["zoe@example.org", "Zoë Brontë", "£5 – “ok”"]
    assert "as Windows-1252 text" in table.describe()


def test_utf16_from_excel_unicode_text():
    table = read_table("Email\tName\nzoe@example.org\tZoë\n".encode("utf-16"), "x.txt")
    assert table.encoding == "UTF-16" and table.rows.loc[2, 1] == "Zoë"


def test_bytes_that_are_no_known_text_encoding_are_refused_plainly():
    with pytest.raises(ImportFileError, match="could not read the characters"):
        read_table(b"Email\n\x81\x8d\x8f\x90\x9d\n", "x.csv")


def test_semicolons_and_tabs_are_delimiters_too():
    assert read_table(b"Email;Name\na@b.org;A\n", "x.csv").headers == ("Email", "Name")
    assert read_table(b"Email\tName\na@b.org\tA\n", "x.tsv").headers == ("Email", "Name")


def test_row_numbers_are_the_spreadsheet_rows_and_blank_rows_are_skipped():
    table = read_table(b"Email,Name\na@b.org,A\n\n,\nc@d.org,C\n", "x.csv")
    assert table.rows.index.tolist() == [2, 5]
    assert table.row_count == 2


@pytest.mark.parametrize(("content", "message"), [
    (b"", "The file is empty"),
    (b",\na,b\n", "The first row must have the column headings"),
    (b"Email,Name\n", "no rows below them"),
    (b"Email,Name\na,b\nc,d,e\n", "Row 3 has 3 cells but the heading row has 2"),
    (b'Email,Name\na,"b\n', "quotation mark"),
    (b"%PDF-1.7\x00\x00", "does not look like a CSV file"),
])
def test_malformed_csv_gets_a_plain_message(content, message):
    with pytest.raises(ImportFileError, match=message):
        read_table(content, "x.csv")


def test_files_over_50_mb_are_refused_before_being_read():
    with pytest.raises(ImportFileError, match="It must be smaller than 50 MB"):
        read_table(b"x" * (read.MAX_FILE_BYTES + 1), "big.csv")


def test_too_many_rows_are_refused(monkeypatch):
    monkeypatch.setattr(read, "MAX_ROWS", 3)
    with pytest.raises(ImportFileError, match="more than 3 rows"):
        read_table(b"Email\n" + b"a@b.org\n" * 5, "x.csv")


@pytest.mark.parametrize(("filename", "message"), [
    ("panel.xls", "old-style Excel"), ("panel.ods", "CSV or an Excel Workbook")])
def test_other_spreadsheet_formats_are_named(filename, message):
    with pytest.raises(ImportFileError, match=message):
        read_table(b"whatever", filename)


def xlsx(frame: pd.DataFrame, sheet: str = "Panel") -> bytes:
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False, sheet_name=sheet, engine="openpyxl")
    return buffer.getvalue()


def test_xlsx_round_trip():
    frame = pd.DataFrame({"Email": ["ada@example.org", None, "bob@example.org"],
                          "Year of birth": [1990, None, 1985.0], "Consent": [True, None, False],
                          "Name": ["Zoë", None, "O'Brien"]})
    table = read_table(xlsx(frame), "panel.xlsx")
    assert table.file_format == "Excel" and table.sheet == "Panel"
    assert table.headers == ("Email", "Year of birth", "Consent", "Name")
    assert table.rows.index.tolist() == [2, 4]  # the blank row 3 is left out
    assert table.rows.loc[2].tolist() == ["ada@example.org", "1990", "True", "Zoë"]
    assert table.rows.loc[4].tolist() == ["bob@example.org", "1985", "False", "O'Brien"]
    assert "from the worksheet 'Panel'" in table.describe()


def test_an_xlsx_whatever_its_name_and_a_broken_one():
    frame = pd.DataFrame({"Email": ["ada@example.org"]})
    assert read_table(xlsx(frame), "panel.csv").file_format == "Excel"
    with pytest.raises(ImportFileError, match="could not open the Excel file"):
        read_table(b"PK\x03\x04" + b"\x00" * 50, "panel.xlsx")


def test_the_stored_copy_reads_back_with_the_same_rows_and_numbers():
    table = read_table(b"Email,Name;x,Note\na@b.org,A,\"two\nlines\"\n\n,,\nc@d.org,C,=1\n",
                       "x.csv")
    again = read_csv(table_to_csv(table), delimiter=",")
    assert again.headers == table.headers
    assert again.rows.index.tolist() == table.rows.index.tolist() == [2, 5]
    assert again.rows.equals(table.rows)


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == [
        "A", "Z", "AA", "AB", "ZZ", "AAA"]


# --- columns --------------------------------------------------------------------------------

def test_mapping_is_suggested_from_headings_keys_and_labels():
    headers = ["E-mail", "Forename", "Surname", "Address line 1", "Post Code", "Ward name",
               "YOB", "SEX", "ethnicity", "Religion", "Housing tenure", "Consent given",
               "Agreed to join", "Special category consent", "Notes", "Email address"]
    assert suggest_mapping(headers, fields_for(REFERENCE)) == {
        0: "email", 1: "first_name", 2: "last_name", 3: "address_line", 4: "postcode",
        5: "ward", 6: "year_of_birth", 7: "dimension:sex", 8: "dimension:ethnic_group",
        9: "dimension:religion", 10: "dimension:tenure", 12: "membership_consent",
        13: "special_category_consent"}  # each field once: the second email column is left


def test_required_columns_and_columns_chosen_twice():
    fields = fields_for(REFERENCE)
    problems = check_mapping({0: "email", 1: "first_name", 2: "first_name"},
                             ["Email", "First", "Given", "Other"], fields)
    messages = [(p.column, p.message) for p in problems]
    assert (2, "First name is already chosen for column B (First). Choose it for one column "
               "only") in messages
    assert any(m.startswith("Choose the column that has the last name") and c == 3
               for c, m in messages)
    assert any("agreed to join the panel" in m for _, m in messages)
    assert check_mapping(MAPPING, HEADER, fields) == []
    assert check_mapping({**MAPPING, 11: "nonsense"}, HEADER, fields)[0].message \
        == "Choose what is in this column from the list"


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
                    "like Bank Hall or E05005150"),
        (2, "Sex", "This is not an answer to 'Sex'. Use one of: Female; Male; "
                   "Prefer not to say"),
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
