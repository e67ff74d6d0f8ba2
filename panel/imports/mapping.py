"""Step 2 of an import: which column holds which field. PURE. ``fields_for`` lists what a
column can hold (personal details, one per profile question, consents); ``suggest_mapping``
recognises headings; ``check_mapping`` says what is missing or chosen twice. ``Reference`` is
what the rows are then checked against (the service reads it from the database).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from panel.imports.read import column_letter


@dataclass(frozen=True)
class CategoryRef:
    key: str
    label: str
    group_label: str = ""  # "Asian or Asian British" (ethnic group's ONS headings)
    prefer_not_to_say: bool = False


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


def norm_text(text: str) -> str:
    """Compare headings and answers loosely: case, punctuation and spacing do not matter."""
    text = str(text).lower().replace("&", " and ")
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


def match_text(values: pd.Series, lookup: Mapping[str, str]) -> pd.Series:
    """Each value's entry in ``lookup`` (keyed by ``norm_text`` text), NaN where there is none.
    Worked out once per distinct value: answer columns repeat a few values many times."""
    found = {value: lookup.get(norm_text(value)) for value in values.unique()}
    return values.map(found).astype(object)


def suggest_mapping(headers: Sequence[str], fields: Sequence[Field]) -> dict[int, str]:
    """Column index -> field key for the headings we recognise (each field used once)."""
    by_alias: dict[str, str] = {}
    for f in fields:
        for alias in (f.key, f.label, *f.aliases):
            by_alias.setdefault(norm_text(alias), f.key)
    mapping: dict[int, str] = {}
    used: set[str] = set()
    for index, header in enumerate(headers):
        key = by_alias.get(norm_text(header))
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


