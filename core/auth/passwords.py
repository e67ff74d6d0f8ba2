"""The one password rule, for every form and the command line.

At least 12 characters, at most 200, no composition rules (no "one capital, one symbol"),
and not common or guessable: ``zxcvbn`` must rate it 3 or more out of 4, knowing the person's
name and email address. Pure: no Flask, no database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from zxcvbn import zxcvbn

MIN_LENGTH = 12
MAX_LENGTH = 200
MIN_SCORE = 3  # zxcvbn: 3 = "safely unguessable", about 10^8 guesses or more
# zxcvbn's time grows fast with length (tens of seconds for 200 random characters); the first
# 72 characters decide, as in zxcvbn's own default limit.
RATED_LENGTH = 72

TOO_SHORT = f"Your password must be at least {MIN_LENGTH} characters"
TOO_LONG = f"Your password must be {MAX_LENGTH} characters or fewer"
GUESSABLE = ("Your password is too easy to guess{because}. Choose a longer one: a few unrelated "
             "words make a strong password")
PERSONAL = ("Your password is too easy to guess because it uses your name or email address. "
            "Choose a few unrelated words instead")


class WeakPassword(ValueError):
    """A password broke the rule; the message says why, in plain English."""


def _personal_words(user_inputs: Iterable[str]) -> list[str]:
    """Names and email addresses, whole and in parts (``ada.lovelace@example.org`` gives
    ``ada``, ``lovelace``, ``adalovelace``, ``example``...)."""
    words: list[str] = []
    for value in user_inputs:
        value = (value or "").strip().lower()
        if not value:
            continue
        local = value.split("@", 1)[0]
        parts = [p for p in re.split(r"[^a-z0-9]+", value) if len(p) >= 3]
        words += [value, local, re.sub(r"[^a-z0-9]", "", local), re.sub(r"\s+", "", value),
                  *parts]
    return list(dict.fromkeys(w for w in words if w))


def _reason(result: dict) -> str:
    if any(match.get("dictionary_name") == "user_inputs" for match in result["sequence"]):
        return PERSONAL
    warning = result["feedback"].get("warning", "")
    because = {
        "This is a top-10 common password.": " because it is one of the most common passwords",
        "This is a top-100 common password.": " because it is one of the most common passwords",
        "This is a very common password.": " because it is a very common password",
        "This is similar to a commonly used password.":
            " because it is like a very common password",
        "Repeats like \"aaa\" are easy to guess.": " because it repeats the same characters",
        "Repeats like \"abcabcabc\" are only slightly harder to guess than \"abc\".":
            " because it repeats the same characters",
        "Sequences like abc or 6543 are easy to guess.": " because it uses a sequence",
        "Straight rows of keys are easy to guess.": " because it uses a row of keys",
        "Short keyboard patterns are easy to guess.": " because it uses a keyboard pattern",
        "Dates are often easy to guess.": " because it uses a date",
        "Recent years are easy to guess.": " because it uses a year",
        "A word by itself is easy to guess.": " because it is a single word",
        "Names and surnames by themselves are easy to guess.": " because it is a name",
        "Common names and surnames are easy to guess.": " because it uses a common name",
    }.get(warning, "")
    return GUESSABLE.format(because=because)


def password_problem(password: str | None, user_inputs: Iterable[str] = ()) -> str | None:
    """Why ``password`` breaks the rule, in plain English; None if it is acceptable."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        return TOO_SHORT
    if len(password) > MAX_LENGTH:
        return TOO_LONG
    if not password.strip():
        return GUESSABLE.format(because=" because it is only spaces")
    result = zxcvbn(password[:RATED_LENGTH], user_inputs=_personal_words(user_inputs),
                    max_length=RATED_LENGTH)
    if result["score"] < MIN_SCORE:
        return _reason(result)
    return None


def require_strong(password: str | None, user_inputs: Iterable[str] = ()) -> None:
    """Raise ``WeakPassword`` with the reason if ``password`` breaks the rule."""
    problem = password_problem(password, user_inputs)
    if problem is not None:
        raise WeakPassword(problem)
