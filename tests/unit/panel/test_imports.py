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
from panel.imports.validate import validate
from panel.imports.values import ValueChoices
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


def check(*rows: list[str], reference: Reference = REFERENCE,
          choices: ValueChoices | None = None) -> checking.Validation:
    return validate(read_table(to_csv(list(rows)), "panel.csv"), MAPPING, reference,
                    choices=choices)


def problems(validation: checking.Validation) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.message) for e in validation.first_errors(1000)]


@pytest.mark.parametrize("module", ["limits", "read", "mapping", "validate", "report", "values"])
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
