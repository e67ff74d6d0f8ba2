"""Uploads that would cost too much are refused before the heavy work, with a plain message:
too many columns, too big once unzipped (even when the zip lies about it), too many rows or
mostly empty space in a worksheet. And a page of problems shows counts by kind."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pandas as pd
import pytest

from panel.imports import limits as import_limits
from panel.imports import read
from panel.imports import validate as checking
from panel.imports.limits import ImportFileError
from panel.imports.read import read_table
from panel.imports.report import errors_csv
from panel.imports.validate import validate
from tests.unit.panel.test_imports import MAPPING, REFERENCE, person, to_csv, xlsx

MB = 1024 * 1024


class ParsedTooSoon(BaseException):
    """Not an ``Exception``: the reader's own ``except Exception`` must not turn it into a
    message."""


@pytest.fixture
def no_heavy_reading(monkeypatch):
    """The file must be refused before pandas parses it."""
    def refuse(*_args, **_kwargs):
        raise ParsedTooSoon("the file was parsed before it was refused")
    monkeypatch.setattr(pd, "read_csv", refuse)
    monkeypatch.setattr(pd, "read_excel", refuse)
    monkeypatch.setattr(pd, "ExcelFile", refuse)


def wide_csv(columns: int) -> bytes:
    return (",".join(f"h{i}" for i in range(columns)) + "\n"
            + ",".join("1" for _ in range(columns)) + "\n").encode()


# --- columns --------------------------------------------------------------------------------

def test_a_csv_with_20000_columns_is_refused_from_its_heading_row(no_heavy_reading):
    with pytest.raises(ImportFileError) as refused:
        read_table(wide_csv(20_000), "wide.csv")
    assert str(refused.value).startswith(
        "This file has 20,000 columns. The most a file can have is 200.")


def test_200_columns_are_allowed_and_201_are_not():
    assert len(read_table(wide_csv(200), "x.csv").headers) == 200
    with pytest.raises(ImportFileError, match="This file has 201 columns"):
        read_table(wide_csv(201), "x.csv")


def test_semicolon_files_are_counted_by_their_own_delimiter(no_heavy_reading):
    content = (";".join(f"h{i}" for i in range(300)) + "\n").encode()
    with pytest.raises(ImportFileError, match="This file has 300 columns"):
        read_table(content, "x.csv")


def test_an_xlsx_with_too_many_columns_is_refused_before_it_is_read(no_heavy_reading):
    frame = pd.DataFrame([[1] * 250], columns=[f"h{i}" for i in range(250)])
    content = xlsx(frame)
    with pytest.raises(ImportFileError, match="This file has 250 columns. The most a file can"):
        read_table(content, "wide.xlsx")


def test_an_xlsx_with_a_cell_far_beyond_the_table_is_refused(no_heavy_reading):
    frame = pd.DataFrame({"Email": ["ada@example.org"]})
    far = _with_sheet_xml(xlsx(frame), lambda sheet: sheet.replace(
        b"</sheetData>", b'<row r="9"><c r="XFD9" t="inlineStr"><is><t>x</t></is></c></row>'
                         b"</sheetData>"))
    with pytest.raises(ImportFileError, match="This file has 16,384 columns"):
        read_table(far, "far.xlsx")
    deep = _with_sheet_xml(xlsx(frame), lambda sheet: sheet.replace(
        b"</sheetData>", b'<row r="1048576"><c r="A1048576"><v>1</v></c></row></sheetData>'))
    with pytest.raises(ImportFileError, match="more than 250,000 rows"):
        read_table(deep, "deep.xlsx")


def test_a_mostly_empty_worksheet_is_refused(no_heavy_reading, monkeypatch):
    monkeypatch.setattr(read, "MAX_CELLS", 1_000)
    frame = pd.DataFrame({"Email": ["ada@example.org"]})
    sparse = _with_sheet_xml(xlsx(frame), lambda sheet: sheet.replace(
        b"</sheetData>", b'<row r="900"><c r="CV900"><v>1</v></c></row></sheetData>'))
    with pytest.raises(ImportFileError, match="most of them empty"):
        read_table(sparse, "sparse.xlsx")


def test_empty_formatted_cells_do_not_count_as_columns():
    frame = pd.DataFrame({"Email": ["ada@example.org"]})
    styled = _with_sheet_xml(xlsx(frame), lambda sheet: sheet.replace(
        b"</sheetData>", b'<row r="3"><c r="ZZ3" s="0"/></row></sheetData>'))
    assert read_table(styled, "styled.xlsx").headers == ("Email",)


# --- the unzipped size ----------------------------------------------------------------------

def big_zip(unzipped: int, declared: int | None = None) -> bytes:
    """A workbook whose first sheet is ``unzipped`` bytes of XML once inflated; ``declared``
    rewrites the sizes the zip states (in both headers) to lie about it."""
    frame = pd.DataFrame({"Email": ["ada@example.org"]})
    padding = b"<!--" + b" " * max(unzipped - 8, 0) + b"-->"
    content = _with_sheet_xml(xlsx(frame), lambda sheet: sheet.replace(b"<sheetData", padding
                                                                       + b"<sheetData", 1))
    return content if declared is None else _lie_about_sizes(content, declared)


def test_the_limit_is_100_mb():
    assert read.MAX_UNZIPPED_BYTES == 100 * MB


def test_an_xlsx_over_the_limit_once_unzipped_is_refused_from_its_directory(
        no_heavy_reading, monkeypatch):
    monkeypatch.setattr(read, "MAX_UNZIPPED_BYTES", 2 * MB)
    with pytest.raises(ImportFileError) as refused:
        read_table(big_zip(3 * MB), "big.xlsx")
    assert "This Excel file is 3 MB once opened. The most it can be is 2 MB." in str(
        refused.value)


def test_an_xlsx_that_lies_about_its_size_is_refused_by_what_it_really_holds(
        no_heavy_reading, monkeypatch):
    monkeypatch.setattr(read, "MAX_UNZIPPED_BYTES", 2 * MB)
    lying = big_zip(3 * MB, declared=1000)
    archive = zipfile.ZipFile(io.BytesIO(lying))
    assert sum(info.file_size for info in archive.infolist()) < 2 * MB  # what it says
    with pytest.raises(ImportFileError,
                       match="This Excel file is more than 2 MB once opened"):
        read_table(lying, "lying.xlsx")


def test_an_xlsx_under_the_limit_is_read(monkeypatch):
    monkeypatch.setattr(read, "MAX_UNZIPPED_BYTES", 2 * MB)
    assert read_table(big_zip(MB), "fine.xlsx").headers == ("Email",)


def test_a_zip_of_thousands_of_parts_is_refused(no_heavy_reading):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for number in range(import_limits.MAX_ZIP_PARTS + 1):
            archive.writestr(f"part{number}.xml", "")
    with pytest.raises(ImportFileError, match="could not open the Excel file"):
        read_table(out.getvalue(), "parts.xlsx")


# --- problems: the first 1,000, and how many of each kind -------------------------------------

def test_problems_are_counted_by_kind_in_plain_words():
    rows = [person(**{"Email": f"p{n}@example.org", "First name": ""}) for n in range(12)]
    rows += [person(**{"Email": "", "Postcode": "nowhere"}) for _ in range(3)]
    rows += [person(**{"Email": "taken@example.org", "Consent": "no"})]
    validation = validate(read_table(to_csv(rows), "x.csv"), MAPPING, REFERENCE)
    assert [k.sentence for k in validation.problem_kinds()] == [
        "12 rows have no first name",
        "3 rows have no email address",
        "3 rows have a postcode that is not a real postcode",
        "1 row has an email address that already has an account",
        "1 row says the person did not agree to join the panel",
    ]
    assert validation.problem_kinds()[0].column == "First name"


def test_the_page_list_stops_at_1000_and_the_report_has_them_all():
    rows = [person(**{"Email": "", "First name": "", "Postcode": "x"}) for _ in range(500)]
    validation = validate(read_table(to_csv(rows), "x.csv"), MAPPING, REFERENCE)
    assert validation.error_count == 1_500
    assert len(validation.first_errors()) == checking.SHOWN_PROBLEMS == 1_000
    assert errors_csv(validation).count("\r\n") == 1_501


# --- helpers: rewrite a workbook's sheet; make its zip lie ------------------------------------

def _with_sheet_xml(content: bytes, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = change(data)
            target.writestr(info.filename, data)
    return out.getvalue()


def _lie_about_sizes(content: bytes, declared: int) -> bytes:
    """Every part's uncompressed size (local header and central directory) set to
    ``declared``: the deflated data are unchanged."""
    data = bytearray(content)
    for info in zipfile.ZipFile(io.BytesIO(content)).infolist():
        struct.pack_into("<I", data, info.header_offset + 22, declared)
    position = 0
    while (position := data.find(b"PK\x01\x02", position)) != -1:
        struct.pack_into("<I", data, position + 24, declared)
        position += 4
    assert zlib.crc32(b"") == 0  # (the CRCs are left as they were: only the sizes lie)
    return bytes(data)


def test_a_workbook_whose_first_sheet_cannot_be_told_has_every_part_checked(no_heavy_reading):
    frame = pd.DataFrame({"Email": ["ada@example.org"]})

    def wide_without_relationships(content: bytes) -> bytes:
        source = zipfile.ZipFile(io.BytesIO(content))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                data = source.read(info)
                if info.filename == "xl/_rels/workbook.xml.rels":
                    data = data.replace(b"Relationship ", b"Relation ")
                if info.filename == "xl/worksheets/sheet1.xml":
                    data = data.replace(b"</sheetData>", b'<row r="5"><c r="ZZ5"><v>1</v></c>'
                                                         b"</row></sheetData>")
                target.writestr(info.filename, data)
        return out.getvalue()

    with pytest.raises(ImportFileError, match="This file has 702 columns"):
        read_table(wide_without_relationships(xlsx(frame)), "odd.xlsx")
