"""Reading and checking a panel file to import (CSV or XLSX). PURE: bytes and plain data in,
pandas and plain data out; no Flask, no database (``panel.import_service`` does the I/O).

1. ``read_table(content, filename)``: the file as text cells, with the spreadsheet's own row
   numbers (the heading row is row 1), the encoding it was read with, and plain-English
   ``ImportFileError``s for anything unreadable (wrong encoding, ragged rows, 50 MB ...) or too
   costly to read (``panel.import_limits``: too many columns, too big once unzipped ...),
   refused before the file is parsed.
2. ``suggest_mapping`` / ``check_mapping``: which column holds which field.
3. ``validate(table, mapping, reference)``: every row checked, nothing written. Returns the
   cleaned valid rows, one ``RowError`` per problem (row, column, value, message, and its
   kind, so ``problem_kinds`` can say "12,345 rows have no email address"), duplicate email
   addresses, and how many special-category answers are not kept for want of consent.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.spreadsheet import safe_cell
from panel.households import household_key
from panel.import_limits import (
    MAX_COLUMNS,
    ImportFileError,
    count_csv_columns,
    inspect_xlsx,
    too_many_columns,
)
from panel.profile import (
    AGE_BANDS,
    OLDEST_YEAR_OF_BIRTH,
    UK_POSTCODE,
    YOUNGEST_MEMBER_AGE,
    format_postcode,
)

MAX_FILE_MB = 50
MAX_FILE_BYTES = MAX_FILE_MB * 1024 * 1024
MAX_ROWS = 250_000
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024  # an .xlsx is a zip: refuse "zip bombs"
MAX_CELLS = 10_000_000  # rows x columns of a worksheet's grid (empty cells count)
SHOWN_PROBLEMS = 1_000  # on the check page; the downloadable report has every one
CSV_EXTENSIONS = (".csv", ".txt", ".tsv")
EXCEL_EXTENSIONS = (".xlsx", ".xlsm")

# The WHATWG (HTML) definition of a valid email address.
EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
YES = frozenset({"yes", "y", "true", "1", "agreed", "agree", "consented", "given", "x"})
NO = frozenset({"no", "n", "false", "0", "declined", "refused", "not given", "withdrawn"})


# --- reading -------------------------------------------------------------------------------

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
        return (f"We read {self.row_count:,} rows and {len(self.headers)} columns "
                f"{how}.")


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


# --- what the file's columns are -------------------------------------------------------------

@dataclass(frozen=True)
class CategoryRef:
    key: str
    label: str


@dataclass(frozen=True)
class DimensionRef:
    key: str
    label: str
    special_category: bool
    categories: tuple[CategoryRef, ...]


@dataclass(frozen=True)
class Reference:
    """What the rows are checked against (the service reads it from the database)."""

    dimensions: tuple[DimensionRef, ...]  # profile questions, not the ward
    wards: tuple[CategoryRef, ...]  # key: ONS code, label: name
    postcode_wards: Mapping[str, str]  # postcode without spaces -> ward key
    existing_emails: Collection[str]  # already have an account (lower case)
    this_year: int


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    required: bool = False
    aliases: tuple[str, ...] = ()


EMAIL_FIELD = "email"
MEMBERSHIP_CONSENT = "membership_consent"
SPECIAL_CONSENT = "special_category_consent"
DIMENSION_PREFIX = "dimension:"
PERSON_FIELDS = (
    Field("email", "Email address", True, ("email", "e mail", "email address",
                                           "e mail address", "emailaddress", "mail")),
    Field("first_name", "First name", True, ("first name", "firstname", "forename",
                                             "forenames", "given name", "first")),
    Field("last_name", "Last name", True, ("last name", "lastname", "surname", "family name",
                                           "last")),
    Field("address_line", "Address line 1", True, ("address", "address line 1",
                                                   "address line1", "address 1", "address1",
                                                   "street address", "street", "address line")),
    Field("postcode", "Postcode", True, ("postcode", "post code", "postal code", "postcode zip",
                                         "zip", "zip code")),
    Field("ward", "Ward (name or ONS code)", False, ("ward", "ward name", "ward code",
                                                    "electoral ward")),
    Field("year_of_birth", "Year of birth", False, ("year of birth", "birth year", "yob",
                                                    "born", "year born")),
)
CONSENT_FIELDS = (
    Field(MEMBERSHIP_CONSENT, "Agreed to join the panel (yes or no)", True,
          ("membership consent", "consent", "consented", "panel consent", "agreed to join",
           "consent to join", "joined with consent", "membership consent given")),
    Field(SPECIAL_CONSENT, "Agreed we may keep special category answers (yes or no)", False,
          ("special category consent", "special consent", "explicit consent",
           "sensitive data consent", "special category data consent",
           "consent special category", "consent to special category data")),
)
DIMENSION_ALIASES = {
    "age_band": ("age band", "age group", "age range"),
    "ethnic_group": ("ethnicity", "ethnic origin", "ethnic background"),
    "disability": ("disabled", "disability status"),
    "tenure": ("tenure", "housing"),
    "economic_activity": ("economic activity", "employment status", "work status",
                          "employment"),
    "religion": ("religion or belief", "faith", "belief"),
    "sexual_orientation": ("sexuality",),
}


def fields_for(reference: Reference) -> list[Field]:
    """Everything a column can hold: personal details, one per profile question, consents."""
    return [
        *PERSON_FIELDS,
        *(Field(f"{DIMENSION_PREFIX}{d.key}", f"Profile: {d.label}", False,
                (d.key, d.label, *DIMENSION_ALIASES.get(d.key, ())))
          for d in reference.dimensions),
        *CONSENT_FIELDS,
    ]


def _norm(text: str) -> str:
    """Compare headings and answers loosely: case, punctuation and spacing do not matter."""
    text = str(text).lower().replace("&", " and ")
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


def _match(values: pd.Series, lookup: Mapping[str, str]) -> pd.Series:
    """Each value's entry in ``lookup`` (keyed by ``_norm`` text), NaN where there is none.
    Worked out once per distinct value: answer columns repeat a few values many times."""
    found = {value: lookup.get(_norm(value)) for value in values.unique()}
    return values.map(found).astype(object)


def suggest_mapping(headers: Sequence[str], fields: Sequence[Field]) -> dict[int, str]:
    """Column index -> field key for the headings we recognise (each field used once)."""
    by_alias: dict[str, str] = {}
    for f in fields:
        for alias in (f.key, f.label, *f.aliases):
            by_alias.setdefault(_norm(alias), f.key)
    mapping: dict[int, str] = {}
    used: set[str] = set()
    for index, header in enumerate(headers):
        key = by_alias.get(_norm(header))
        if key and key not in used:
            mapping[index] = key
            used.add(key)
    return mapping


@dataclass(frozen=True)
class MappingProblem:
    column: int | None  # the column the message belongs beside
    message: str


def check_mapping(mapping: Mapping[int, str], headers: Sequence[str],
                  fields: Sequence[Field]) -> list[MappingProblem]:
    """Every required field has exactly one column; no field has two."""
    labels = {f.key: f.label for f in fields}
    problems: list[MappingProblem] = []
    first_use: dict[str, int] = {}
    for index in sorted(mapping):
        key = mapping[index]
        if not key:
            continue
        if key not in labels:
            problems.append(MappingProblem(index, "Choose what is in this column from the list"))
        elif key in first_use:
            other = first_use[key]
            problems.append(MappingProblem(
                index, f"{labels[key]} is already chosen for column {column_letter(other)} "
                       f"({headers[other] or 'no heading'}). Choose it for one column only"))
        else:
            first_use[key] = index
    unmapped = [i for i in range(len(headers)) if not mapping.get(i)]
    for f in fields:
        if f.required and f.key not in first_use:
            where = unmapped[0] if unmapped else 0
            problems.append(MappingProblem(where, _missing_message(f)))
    return problems


def _missing_message(f: Field) -> str:
    if f.key == MEMBERSHIP_CONSENT:
        return ("Choose the column that says each person agreed to join the panel. Only people "
                "who agreed can be imported: if the file has no such column, add one")
    return (f"Choose the column that has the {f.label.lower()}. If the file does not have one, "
            "add it to the file and upload it again")


# --- checking the rows ------------------------------------------------------------------------

@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    value: str
    message: str


@dataclass(frozen=True)
class Duplicate:
    email: str
    rows: tuple[int, ...]
    has_account: bool


@dataclass
class Validation:
    """The outcome of checking every row (nothing has been written)."""

    rows: int
    valid: pd.DataFrame  # cleaned rows that can be imported, indexed by row number
    errors: pd.DataFrame  # row, position, column, value, message; sorted
    duplicates: list[Duplicate] = field(default_factory=list)
    withheld_answers: int = 0  # special-category answers not kept: no consent on that row
    dimension_keys: tuple[str, ...] = ()

    @property
    def valid_count(self) -> int:
        return len(self.valid)

    @property
    def invalid_count(self) -> int:
        return self.rows - len(self.valid)

    @property
    def error_count(self) -> int:
        return len(self.errors)

    def first_errors(self, limit: int = SHOWN_PROBLEMS) -> list[RowError]:
        head = self.errors.head(limit)
        return [RowError(int(r), c, v, m) for r, c, v, m in zip(
            head["row"], head["column"], head["value"], head["message"], strict=True)]

    def problem_kinds(self) -> list[ProblemKind]:
        """How many rows have each kind of problem, most first (then in column order)."""
        if self.errors.empty:
            return []
        counts = self.errors.groupby(["position", "column", "kind"], observed=True,
                                     sort=False).size().reset_index(name="rows")
        counts = counts.sort_values(["rows", "position"], ascending=[False, True], kind="stable")
        return [ProblemKind(c, k, int(n)) for c, k, n in zip(
            counts["column"], counts["kind"], counts["rows"], strict=True)]


@dataclass(frozen=True)
class ProblemKind:
    column: str
    what: str  # "no email address": what the rows have
    rows: int

    @property
    def sentence(self) -> str:
        """'12,345 rows have no email address'."""
        if self.what.startswith("says "):
            verb = "says" if self.rows == 1 else "say"
            return f"{self.rows:,} {'row' if self.rows == 1 else 'rows'} {verb}{self.what[4:]}"
        return f"{self.rows:,} {'row has' if self.rows == 1 else 'rows have'} {self.what}"


ERROR_COLUMNS = ["row", "position", "column", "value", "message", "kind"]
Progress = Callable[[int], None]


@dataclass
class _Context:
    table: Table
    columns: dict[str, int]  # field key -> column index
    reference: Reference
    errors: list[pd.DataFrame] = field(default_factory=list)

    def cells(self, part: pd.DataFrame, key: str) -> pd.Series | None:
        index = self.columns.get(key)
        return None if index is None else part[index].str.strip()

    def add(self, key: str, mask: pd.Series, values: pd.Series,
            message: str | pd.Series, kind: str) -> None:
        """Rows where ``mask`` is true have this problem: ``message`` says what is wrong with
        the cell, ``kind`` what such rows have, for counting ("no email address")."""
        if not mask.any():
            return
        index = self.columns[key]
        rows = mask.index[mask.to_numpy()]
        messages = message[mask] if isinstance(message, pd.Series) else message
        self.errors.append(pd.DataFrame({
            "row": rows, "position": index, "column": self.table.column_name(index),
            "value": values[mask].to_numpy(), "message": messages, "kind": kind},
            columns=ERROR_COLUMNS))


def validate(table: Table, mapping: Mapping[int, str], reference: Reference,
             progress: Progress | None = None, chunk_rows: int = 20_000) -> Validation:
    """Check every row against the rules for joining the panel; write nothing.

    A row can be imported only if it has no problem. Rows that share an email address with
    another row are all refused (we cannot tell which is right), as are rows whose email
    address already has an account. Special-category answers are left out (not an error)
    unless the row says yes to special-category consent. ``progress(rows_checked)`` is
    called after each chunk of rows.
    """
    columns = {key: index for index, key in mapping.items() if key}
    context = _Context(table, columns, reference)
    emails = context.cells(table.rows, EMAIL_FIELD)
    if emails is None:
        raise ValueError("check_mapping first: the email column is required")
    emails = emails.str.lower()
    duplicated = (emails != "") & emails.duplicated(keep=False)
    existing = emails.isin(list(reference.existing_emails)) & (emails != "")
    duplicate_messages = _duplicate_messages(emails[duplicated])

    parts = []
    for start in range(0, table.row_count, chunk_rows):
        part = table.rows.iloc[start:start + chunk_rows]
        parts.append(_check_part(part, context, duplicated, duplicate_messages, existing))
        if progress is not None:
            progress(min(start + chunk_rows, table.row_count))

    errors = (pd.concat(context.errors, ignore_index=True) if context.errors
              else pd.DataFrame({c: pd.Series(dtype=object) for c in ERROR_COLUMNS}))
    errors = errors.sort_values(["row", "position"], kind="stable").reset_index(drop=True)
    clean = pd.concat(parts)
    ok = ~clean.index.isin(errors["row"].unique())
    return Validation(
        rows=table.row_count, valid=clean.loc[ok].drop(columns="_withheld"), errors=errors,
        duplicates=_duplicates(emails, duplicated, existing),
        withheld_answers=int(clean.loc[ok, "_withheld"].sum()),
        dimension_keys=tuple(d.key for d in reference.dimensions))


def _duplicate_messages(emails: pd.Series) -> dict[int, str]:
    """For each row whose email address is also on other rows: which rows."""
    messages: dict[int, str] = {}
    for rows in emails.groupby(emails, sort=False).groups.values():
        rows = [int(r) for r in rows]
        for row in rows:
            others = [r for r in rows[:4] if r != row][:3]
            more = len(rows) - 1 - len(others)
            listed = _and([f"{r:,}" for r in others] + ([f"{more:,} more"] if more else []))
            messages[row] = (f"This email address is also on row{'s' if len(rows) > 2 else ''} "
                             f"{listed}. Keep one row for each person")
    return messages


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _duplicates(emails: pd.Series, duplicated: pd.Series, existing: pd.Series
                ) -> list[Duplicate]:
    mask = duplicated | existing
    found = [Duplicate(str(email), tuple(int(r) for r in rows), bool(existing[rows[0]]))
             for email, rows in emails[mask].groupby(emails[mask], sort=False).groups.items()]
    return sorted(found, key=lambda d: d.rows[0])


def _check_part(part: pd.DataFrame, ctx: _Context, duplicated: pd.Series,
                duplicate_messages: dict[int, str], existing: pd.Series) -> pd.DataFrame:
    """The cleaned values of these rows (problems go to ``ctx.errors``)."""
    ref = ctx.reference
    clean = pd.DataFrame(index=part.index)

    # Email address
    raw = ctx.cells(part, EMAIL_FIELD)
    email = raw.str.lower()
    blank = email == ""
    ctx.add(EMAIL_FIELD, blank, raw, "Enter an email address", "no email address")
    wrong = ~blank & ~email.str.fullmatch(EMAIL.pattern)
    ctx.add(EMAIL_FIELD, wrong, raw,
            "Enter an email address in the correct format, like name@example.com",
            "an email address in the wrong format")
    ctx.add(EMAIL_FIELD, ~wrong & (email.str.len() > 254), raw,
            "Email address must be 254 characters or fewer", "an email address that is too long")
    dup = duplicated.loc[part.index]
    ctx.add(EMAIL_FIELD, dup, raw, pd.Series(
        [duplicate_messages.get(int(r), "") for r in part.index], index=part.index),
        "an email address that is also on another row")
    ctx.add(EMAIL_FIELD, existing.loc[part.index], raw,
            "There is already an account with this email address",
            "an email address that already has an account")
    clean["email"] = email

    # Name and address
    for key, what, name, most, blank_kind, long_kind in (
            ("first_name", "a first name", "First name", 80, "no first name",
             "a first name longer than 80 characters"),
            ("last_name", "a last name", "Last name", 80, "no last name",
             "a last name longer than 80 characters"),
            ("address_line", "the first line of the address", "Address", 200, "no address",
             "an address longer than 200 characters")):
        value = ctx.cells(part, key)
        if value is None:
            clean[key] = ""
            continue
        value = value.str.split().str.join(" ")
        ctx.add(key, value == "", value, f"Enter {what}", blank_kind)
        ctx.add(key, value.str.len() > most, value, f"{name} must be {most} characters or fewer",
                long_kind)
        clean[key] = value

    # Postcode and ward: the postcode lookup first (as on joining), else the ward given
    raw_postcode = ctx.cells(part, "postcode")
    if raw_postcode is None:
        raw_postcode = pd.Series("", index=part.index, dtype=object)
    postcode = raw_postcode.str.replace(r"\s+", "", regex=True).str.upper()
    real = postcode.str.fullmatch(UK_POSTCODE.pattern)
    if "postcode" in ctx.columns:
        ctx.add("postcode", postcode == "", raw_postcode, "Enter a postcode", "no postcode")
        ctx.add("postcode", (postcode != "") & ~real, raw_postcode,
                "Enter a real postcode, like BB11 2DL", "a postcode that is not a real postcode")
    clean["postcode"] = postcode.map({p: format_postcode(p) for p in postcode.unique()})
    ward = postcode.map(ref.postcode_wards)
    ward_value = ctx.cells(part, "ward")
    if ward_value is not None:
        chosen = _match(ward_value, _lookup(ref.wards))
        example = ref.wards[0] if ref.wards else CategoryRef("E05005150", "Bank Hall")
        ctx.add("ward", (ward_value != "") & chosen.isna(), ward_value,
                "This is not a ward in the borough. Use the ward's name or its ONS code, "
                f"like {example.label} or {example.key}", "a ward that is not in the borough")
        ward = ward.where(ward.notna(), chosen)
        ctx.add("ward", ward.isna() & (ward_value == "") & real, ward_value,
                "Enter the ward: we could not work it out from the postcode",
                "no ward, and a postcode we could not find the ward of")
    elif "postcode" in ctx.columns:
        ctx.add("postcode", ward.isna() & real, raw_postcode,
                "We could not work out the ward from this postcode. Add a column with each "
                "person's ward (its name or ONS code)", "a postcode we could not find the ward of")
    clean["ward"] = ward

    # Year of birth (it decides the age band)
    raw_year = ctx.cells(part, "year_of_birth")
    year = pd.Series(np.nan, index=part.index, dtype="float64")
    if raw_year is not None:
        text = raw_year.str.replace(r"\.0+$", "", regex=True)
        number = text.str.fullmatch(r"\d{4}")
        ctx.add("year_of_birth", (text != "") & ~number, raw_year,
                "Enter the year of birth as 4 numbers, like 1980",
                "a year of birth that is not 4 numbers")
        year = pd.to_numeric(text.where(number), errors="coerce").astype("float64")
        youngest = ref.this_year - YOUNGEST_MEMBER_AGE
        ctx.add("year_of_birth", year > youngest, raw_year,
                f"Panel members must be 16 or older: enter a year of birth of {youngest} "
                "or earlier", "a year of birth of someone under 16")
        ctx.add("year_of_birth", year < OLDEST_YEAR_OF_BIRTH, raw_year,
                f"Enter a year of birth after {OLDEST_YEAR_OF_BIRTH}",
                f"a year of birth before {OLDEST_YEAR_OF_BIRTH}")
    clean["year_of_birth"] = year

    # Consents: membership must be yes; special category decides what is kept
    raw_consent = ctx.cells(part, MEMBERSHIP_CONSENT)
    if raw_consent is not None:
        yes, no = _consent(ctx, raw_consent, MEMBERSHIP_CONSENT)
        ctx.add(MEMBERSHIP_CONSENT, raw_consent == "", raw_consent,
                "Say whether this person agreed to join the panel: only people who agreed "
                "can be imported", "nothing to say whether the person agreed to join the panel")
        ctx.add(MEMBERSHIP_CONSENT, no, raw_consent,
                "This person has not agreed to join the panel, so they cannot be imported",
                "says the person did not agree to join the panel")
    raw_special = ctx.cells(part, SPECIAL_CONSENT)
    if raw_special is not None:
        special_yes, special_no = _consent(ctx, raw_special, SPECIAL_CONSENT)
        clean["special_consent"] = np.where(special_yes, "yes",
                                            np.where(special_no, "no", ""))
    else:
        special_yes = pd.Series(False, index=part.index)
        clean["special_consent"] = ""

    # Profile answers (category keys)
    withheld = pd.Series(0, index=part.index)
    for dimension in ref.dimensions:
        key = f"{DIMENSION_PREFIX}{dimension.key}"
        value = ctx.cells(part, key)
        answer = pd.Series(np.nan, index=part.index, dtype=object)
        if value is not None:
            answer = _match(value, _lookup(dimension.categories))
            ctx.add(key, (value != "") & answer.isna(), value, _unknown(dimension),
                    f"an answer to '{dimension.label}' that is not one of its answers")
            if dimension.special_category:
                withheld += (answer.notna() & ~special_yes).astype(int)
                answer = answer.where(special_yes)
        if dimension.key == "age_band":
            answer = _age_bands(year, ref.this_year).where(year.notna(), answer)
        clean[f"answer:{dimension.key}"] = answer
    clean["_withheld"] = withheld

    keys = pd.Series("", index=part.index, dtype=object)
    ok = (clean["address_line"] != "") & (clean["postcode"] != "")
    keys[ok] = [household_key(a, p) for a, p in zip(
        clean.loc[ok, "address_line"], clean.loc[ok, "postcode"], strict=True)]
    clean["household_key"] = keys
    return clean


def _consent(ctx: _Context, raw: pd.Series, key: str) -> tuple[pd.Series, pd.Series]:
    """(yes, no) per row; a blank is neither; anything else is a problem."""
    value = _match(raw, {v: v for v in (*YES, *NO)})
    yes, no = value.isin(YES), value.isin(NO)
    ctx.add(key, (raw != "") & ~yes & ~no, raw, "Enter yes or no",
            f"something other than yes or no in '{ctx.table.column_name(ctx.columns[key])}'")
    return yes, no


def _age_bands(year: pd.Series, this_year: int) -> pd.Series:
    """The age band key for each year of birth (``panel.profile.age_band``, vectorised)."""
    youngest = np.array([age for _key, age in AGE_BANDS])
    keys = np.array([key for key, _age in AGE_BANDS] + [None], dtype=object)
    age = this_year - year.to_numpy(dtype="float64", na_value=np.nan)
    band = np.searchsorted(youngest, age, side="right") - 1
    band[np.isnan(age) | (band < 0)] = len(AGE_BANDS)  # no band: None
    return pd.Series(keys[band], index=year.index, dtype=object)


def _lookup(categories: Iterable[CategoryRef]) -> dict[str, str]:
    """Loose text -> category key: the key, the label, and the label without a bracketed
    ending ("Trinity (Burnley)" → "trinity", also "trinity ward") when no other category
    shares that shorter form."""
    exact: dict[str, str] = {}
    shorter: dict[str, set[str]] = {}
    for category in categories:
        exact.setdefault(_norm(category.key), category.key)
        exact.setdefault(_norm(category.label), category.key)
        short = _norm(re.sub(r"\s*\(.*\)\s*$", "", category.label))
        if short:
            shorter.setdefault(short, set()).add(category.key)
    for short, keys in shorter.items():
        if len(keys) == 1:
            exact.setdefault(short, next(iter(keys)))
            exact.setdefault(f"{short} ward", next(iter(keys)))
    return exact


def _unknown(dimension: DimensionRef, shown: int = 6) -> str:
    labels = [c.label for c in dimension.categories]
    listed = "; ".join(labels[:shown])
    more = f"; and {len(labels) - shown} more" if len(labels) > shown else ""
    return f"This is not an answer to '{dimension.label}'. Use one of: {listed}{more}"


# --- the error report -----------------------------------------------------------------------

def errors_csv(validation: Validation) -> str:
    """Every problem, one line each: the row as numbered in the spreadsheet, the column's
    heading, the value and what is wrong."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Row", "Column", "Value", "Problem"])
    errors = validation.errors
    writer.writerows(zip(errors["row"].astype(int), errors["column"].map(safe_cell),
                         errors["value"].map(safe_cell), errors["message"], strict=True))
    return "\ufeff" + out.getvalue()  # Excel reads UTF-8 with a byte order mark
