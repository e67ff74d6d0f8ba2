"""Pure rules for profile answers that are worked out rather than asked directly."""

from __future__ import annotations

import re

PREFER_NOT_TO_SAY = "prefer_not_to_say"
SPECIAL_CATEGORY_NOTE = (
    "This is special category data under UK GDPR: we only keep your answer if you have "
    "given your explicit consent."
)

# (category key, youngest age in the band); a band runs to the next band's youngest age - 1.
AGE_BANDS = (("16_24", 16), ("25_34", 25), ("35_44", 35), ("45_54", 45), ("55_64", 55),
             ("65_74", 65), ("75_plus", 75))
YOUNGEST_MEMBER_AGE = 16
OLDEST_YEAR_OF_BIRTH = 1900

# The two-question Equality Act definition of disability (GSS harmonised standard).
CONDITION_OPTIONS = (("yes", "Yes"), ("no", "No"), (PREFER_NOT_TO_SAY, "Prefer not to say"))
REDUCED_OPTIONS = (("a_lot", "Yes, a lot"), ("a_little", "Yes, a little"),
                   ("not_at_all", "Not at all"), (PREFER_NOT_TO_SAY, "Prefer not to say"))


def age_band(year_of_birth: int | None, this_year: int) -> str | None:
    """The age band key for someone born in ``year_of_birth`` (age reached this year)."""
    if year_of_birth is None:
        return None
    age = this_year - year_of_birth
    if age < YOUNGEST_MEMBER_AGE:
        return None
    band = AGE_BANDS[0][0]
    for key, youngest in AGE_BANDS:
        if age >= youngest:
            band = key
    return band


def disability_category(condition: str | None, reduced: str | None) -> str | None:
    """Disabled under the Equality Act: a 12-month condition that reduces day-to-day activities.

    None when the first question is unanswered; "Prefer not to say" if either answer says so.
    """
    if not condition:
        return None
    if condition == PREFER_NOT_TO_SAY:
        return PREFER_NOT_TO_SAY
    if condition == "no":
        return "not_disabled"
    if not reduced:
        return None
    if reduced == PREFER_NOT_TO_SAY:
        return PREFER_NOT_TO_SAY
    return "disabled" if reduced in {"a_lot", "a_little"} else "not_disabled"


UK_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$")


def normalise_postcode(postcode: str) -> str:
    """Upper case without spaces: ``bb10 1ab`` → ``BB101AB``."""
    return re.sub(r"\s+", "", postcode or "").upper()


def format_postcode(postcode: str) -> str:
    """The usual written form: ``BB101AB`` → ``BB10 1AB``."""
    code = normalise_postcode(postcode)
    return f"{code[:-3]} {code[-3:]}" if len(code) > 3 else code


def is_valid_postcode(postcode: str) -> bool:
    return bool(UK_POSTCODE.match(normalise_postcode(postcode)))
