"""Step 3 of an import: ``validate(table, mapping, reference)`` checks every row, writing
nothing. PURE. Returns the cleaned valid rows, one ``RowError`` per problem (row, column, value,
message, and its kind, so ``problem_kinds`` can say "12,345 rows have no email address"),
duplicate email addresses, and how many special-category answers are not kept for want of
consent.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from panel.households import household_key
from panel.imports.mapping import (
    DIMENSION_PREFIX,
    EMAIL_FIELD,
    MEMBERSHIP_CONSENT,
    SPECIAL_CONSENT,
    CategoryRef,
    DimensionRef,
    Reference,
    match_text,
    norm_text,
)
from panel.imports.read import Table
from panel.imports.values import WARD_FIELD, ValueChoices, apply_choices, lookup
from panel.profile_rules import (
    AGE_BANDS,
    OLDEST_YEAR_OF_BIRTH,
    UK_POSTCODE,
    YOUNGEST_MEMBER_AGE,
    format_postcode,
)

SHOWN_PROBLEMS = 1_000  # on the check page; the downloadable report has every one

# The WHATWG (HTML) definition of a valid email address.
EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
YES = frozenset({"yes", "y", "true", "1", "agreed", "agree", "consented", "given", "x"})
NO = frozenset({"no", "n", "false", "0", "declined", "refused", "not given", "withdrawn"})


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
    choices: ValueChoices = field(default_factory=dict)
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
             progress: Progress | None = None, chunk_rows: int = 20_000,
             choices: ValueChoices | None = None) -> Validation:
    """Check every row against the rules for joining the panel; write nothing.

    ``choices`` are what the officer said the file's own answers mean ("M" is Male, "-" is
    not answered: ``panel.imports.values``); other answers that are not a question's own are
    problems.

    A row can be imported only if it has no problem. Rows that share an email address with
    another row are all refused (we cannot tell which is right), as are rows whose email
    address already has an account. Special-category answers are left out (not an error)
    unless the row says yes to special-category consent. ``progress(rows_checked)`` is
    called after each chunk of rows.
    """
    columns = {key: index for index, key in mapping.items() if key}
    context = _Context(table, columns, reference, dict(choices or {}))
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
        chosen, left_blank = _answers(ctx, ward_value, WARD_FIELD, ref.wards)
        ward_value = ward_value.mask(left_blank, "")
        example = ref.wards[0] if ref.wards else CategoryRef("E05005150", "Bank Hall")
        ctx.add("ward", (ward_value != "") & chosen.isna(), ward_value,
                "This is not a ward in the borough. Use the ward's name or its ONS code, "
                f"like {example.label} or {example.key}, or choose what it means on the "
                "values page", "a ward that is not in the borough")
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
            answer, left_blank = _answers(ctx, value, key, dimension.categories)
            wrong = (value != "") & answer.isna() & ~left_blank
            messages = {v: _unknown(v, dimension) for v in value[wrong].unique()}
            ctx.add(key, wrong, value, value.map(messages),
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
    value = match_text(raw, {v: v for v in (*YES, *NO)})
    yes, no = value.isin(YES), value.isin(NO)
    ctx.add(key, (raw != "") & ~yes & ~no, raw, "Enter yes or no",
            f"something other than yes or no in '{ctx.table.column_name(ctx.columns[key])}'")
    return yes, no


def _age_bands(year: pd.Series, this_year: int) -> pd.Series:
    """The age band key for each year of birth (``panel.profile_rules.age_band``, vectorised)."""
    youngest = np.array([age for _key, age in AGE_BANDS])
    keys = np.array([key for key, _age in AGE_BANDS] + [None], dtype=object)
    age = this_year - year.to_numpy(dtype="float64", na_value=np.nan)
    band = np.searchsorted(youngest, age, side="right") - 1
    band[np.isnan(age) | (band < 0)] = len(AGE_BANDS)  # no band: None
    return pd.Series(keys[band], index=year.index, dtype=object)


def _answers(ctx: _Context, cells: pd.Series, key: str, categories: Iterable[CategoryRef]
             ) -> tuple[pd.Series, pd.Series]:
    """Each cell's category key (the question's own answers, else what the officer chose it
    means; NaN if neither) and whether the officer chose to leave it blank. Worked out once
    per distinct cell."""
    known = lookup(categories)
    found = {cell: known.get(norm_text(cell)) for cell in cells.unique() if cell != ""}
    answers, blank = apply_choices(found, ctx.choices.get(key, {}))
    return cells.map(answers).astype(object), cells.isin(blank)


def _unknown(value: str, dimension: DimensionRef) -> str:
    return (f"'{value}' is not an answer to {dimension.label}. Choose what it means on the "
            "values page, or fix the file")

