"""Step 1 of an import: the uploaded file as a table of text cells. PURE: bytes in, a
``Table`` out, with the spreadsheet's own row numbers (the heading row is row 1), the encoding
it was read with, and plain-English ``ImportFileError``s for anything unreadable (wrong encoding,
ragged rows, 50 MB ...) or too costly to read (``panel.imports.limits``: too many columns,
too big once unzipped ...), refused before the file is parsed.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

import pandas as pd

from core.templating import plural
from panel.imports.limits import (
    MAX_COLUMNS,
    ImportFileError,
    count_csv_columns,
    inspect_xlsx,
    too_many_columns,
)

MAX_FILE_MB = 50
MAX_FILE_BYTES = MAX_FILE_MB * 1024 * 1024
MAX_ROWS = 250_000
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024  # an .xlsx is a zip: refuse "zip bombs"
MAX_CELLS = 10_000_000  # rows x columns of a worksheet's grid (empty cells count)
CSV_EXTENSIONS = (".csv", ".txt", ".tsv")
EXCEL_EXTENSIONS = (".xlsx", ".xlsm")


@dataclass(frozen=True)
class Table:
    """A file's cells as text. ``rows`` has one column per heading (0, 1, ...) and is indexed
    by the row number the officer sees in a spreadsheet; completely blank rows are left out."""

    headers: tuple[str, ...]
    rows: pd.DataFrame
    file_format: str  # "CSV" or "Excel"
    encoding: str = ""  # how a CSV's bytes were read, e.g. "UTF-8"
    sheet: str = ""  # the worksheet an Excel file was read from

    @property
    def row_count(self) -> int:
        return len(self.rows)

    def column_name(self, index: int) -> str:
        return self.headers[index] or f"Column {column_letter(index)}"

    def describe(self) -> str:
        how = (f"as {self.encoding} text" if self.file_format == "CSV"
               else f"from the worksheet '{self.sheet}'")
        return (f"We read {plural(self.row_count, 'row')} and "
                f"{plural(len(self.headers), 'column')} {how}.")


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: the column's name in a spreadsheet."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def read_table(content: bytes, filename: str) -> Table:
    """A CSV (UTF-8, UTF-16 or Windows-1252; comma, semicolon or tab) or an .xlsx workbook."""
    size = len(content)
    if size > MAX_FILE_BYTES:
        raise ImportFileError(
            f"The file is {size / 1024 / 1024:.0f} MB. It must be smaller than {MAX_FILE_MB} MB: "
            "split it into smaller files and import them one at a time.")
    if size == 0:
        raise ImportFileError("The file is empty. Choose the file that has the panel in it.")
    name = filename.lower()
    if name.endswith(".xls"):
        raise ImportFileError("The file is an old-style Excel file (.xls). Save it as an Excel "
                              "Workbook (.xlsx) or as CSV and try again.")
    if name.endswith((".ods", ".numbers")):
        raise ImportFileError("The file must be a CSV or an Excel Workbook (.xlsx). Save it in "
                              "one of those formats and try again.")
    if content[:4] == b"PK\x03\x04":  # a zip: an .xlsx whatever its name says
        return _read_xlsx(content)
    if content[:4] == b"\xd0\xcf\x11\xe0":
        raise ImportFileError("The file is an old-style Excel file (.xls). Save it as an Excel "
                              "Workbook (.xlsx) or as CSV and try again.")
    return read_csv(content)


def _decode(content: bytes) -> tuple[str, str]:
    if content[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return content.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            pass
    else:
        try:
            return content.decode("utf-8-sig"), "UTF-8"
        except UnicodeDecodeError:
            pass
        try:
            return content.decode("cp1252"), "Windows-1252"
        except UnicodeDecodeError:
            pass
    raise ImportFileError(
        "We could not read the characters in the file. In Excel, choose Save As and "
        "'CSV UTF-8 (Comma delimited)', then upload the new file.")


def read_csv(content: bytes, delimiter: str | None = None) -> Table:
    """A CSV's cells; the delimiter (comma, semicolon or tab) is guessed from the first line
    unless given."""
    text, encoding = _decode(content)
    if "\x00" in text[:100_000]:
        raise ImportFileError("The file does not look like a CSV file. Save the spreadsheet as "
                              "CSV or as an Excel Workbook (.xlsx) and try again.")
    if text.count("\n") > MAX_ROWS + 1:
        raise _too_many_rows()
    if delimiter is None:
        end = text.find("\n")
        first_line = text[:end] if end >= 0 else text
        delimiter = max((",", ";", "\t"), key=first_line.count)
    columns = count_csv_columns(text, delimiter)
    if columns > MAX_COLUMNS:
        raise too_many_columns(columns)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, header=None, dtype=str,
                            keep_default_na=False, skip_blank_lines=False, quotechar='"',
                            engine="c", on_bad_lines="error")
    except pd.errors.EmptyDataError as error:
        raise ImportFileError("The file is empty. Choose the file that has the panel in it."
                              ) from error
    except pd.errors.ParserError as error:
        raise ImportFileError(_parser_message(str(error))) from error
    except csv.Error as error:  # pragma: no cover - the C engine reports through ParserError
        raise ImportFileError(f"The file is not a valid CSV file ({error}).") from error
    return _table(frame, "CSV", encoding=encoding)


def _parser_message(detail: str) -> str:
    match = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", detail)
    if match:
        expected, line, saw = (int(g) for g in match.groups())
        return (f"Row {line} has {saw} cells but the heading row has {expected}. Check that row "
                "for an extra comma or a missing quotation mark, or add headings for the "
                "extra columns.")
    if "EOF inside string" in detail or "EOF" in detail:
        return ("A quotation mark in the file is never closed, so we cannot tell where a cell "
                "ends. Check the file for a stray quotation mark.")
    return ("The file is not a valid CSV file. Open it in a spreadsheet, save it as CSV "
            "and try again.")


def _too_many_rows() -> ImportFileError:
    return ImportFileError(f"The file has more than {MAX_ROWS:,} rows. Split it into smaller "
                           "files and import them one at a time.")


def _read_xlsx(content: bytes) -> Table:
    """The first worksheet, once its size and extent are known to be safe to read (with
    calamine: a worksheet's grid is built whole, so its extent is checked first)."""
    extent = inspect_xlsx(content, MAX_UNZIPPED_BYTES)
    if extent.columns > MAX_COLUMNS:
        raise too_many_columns(extent.columns)
    if extent.rows > MAX_ROWS + 1:
        raise _too_many_rows()
    if extent.rows * extent.columns > MAX_CELLS:
        raise ImportFileError(
            f"The worksheet reaches row {extent.rows:,} and column "
            f"{column_letter(extent.columns - 1)}: {extent.rows * extent.columns:,} cells, most "
            "of them empty. Delete the empty rows and columns around the table (or copy the "
            "table into a new workbook), save it and try again.")
    try:
        with pd.ExcelFile(io.BytesIO(content), engine="calamine") as workbook:
            sheet = str(workbook.sheet_names[0])
            frame = pd.read_excel(workbook, sheet_name=sheet, header=None, dtype=str)
    except Exception as error:  # calamine raises many kinds for a broken workbook
        raise ImportFileError("We could not open the Excel file. Check that it opens in Excel, "
                              "save it as an Excel Workbook (.xlsx) and try again.") from error
    frame = frame.fillna("")
    return _table(frame, "Excel", sheet=sheet)


def _table(frame: pd.DataFrame, file_format: str, encoding: str = "", sheet: str = "") -> Table:
    if frame.empty:
        raise ImportFileError("The file is empty. Choose the file that has the panel in it.")
    frame = frame.fillna("").astype(str)
    frame.columns = range(frame.shape[1])
    headers = tuple(" ".join(str(h).split()) for h in frame.iloc[0])
    # Trailing columns with neither a heading nor any value are not columns.
    while len(headers) > 1 and not headers[-1] \
            and not (frame.iloc[1:, len(headers) - 1].str.strip() != "").any():
        headers = headers[:-1]
        frame = frame.iloc[:, :len(headers)]
    if len(headers) > MAX_COLUMNS:
        raise too_many_columns(len(headers))
    if not any(headers):
        raise ImportFileError("The first row must have the column headings, like 'Email "
                              "address' and 'Postcode'. Add them and try again.")
    rows = frame.iloc[1:]
    rows.index = pd.RangeIndex(2, len(rows) + 2, name="row")
    rows = rows[rows.apply(lambda column: column.str.strip() != "").any(axis=1)]
    if rows.empty:
        raise ImportFileError("The file has column headings but no rows below them.")
    if len(rows) > MAX_ROWS:
        raise _too_many_rows()
    return Table(headers=headers, rows=rows, file_format=file_format, encoding=encoding,
                 sheet=sheet)


def table_to_csv(table: Table) -> bytes:
    """The table as UTF-8 CSV that ``read_csv`` reads back with the same row numbers."""
    last = int(table.rows.index.max()) if len(table.rows) else 1
    grid = table.rows.reindex(range(2, last + 1), fill_value="")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.headers)
    writer.writerows(grid.itertuples(index=False, name=None))
    return out.getvalue().encode("utf-8")


