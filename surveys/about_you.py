"""The optional "About you" page at the end of a survey anyone may answer (a public link).

Members' answers are weighted and compared with the borough through their profile; someone
answering an open consultation has no profile, so they are offered the panel's own profile
questions (every live one, each with its "Prefer not to say"), all optional. Their answers
are kept with their anonymous response in the same shape as a member's profile snapshot
(dimension key -> category key), so results, weighting and crosstabs treat both alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from core.extensions import db
from panel.dimensions import live_answers
from panel.models import Dimension
from surveys.question_spec import QuestionSpec

PREFIX = "about_"  # field names: never the same as a survey question's key (q1, q2, ...)
HINT = "Optional."
QUESTIONS = {  # dimensions worked out for members, asked directly here
    "age_band": "Which age group are you in?",
    "ward": "Which ward do you live in?",
    "disability": "Are you disabled?",
}
DISABILITY_HINT = ("Optional. A physical or mental health condition or illness lasting or "
                   "expected to last 12 months or more, that reduces your ability to carry out "
                   "day-to-day activities.")


def dimensions() -> list[Dimension]:
    return list(db.session.scalars(select(Dimension).where(Dimension.retired_at.is_(None))
                                   .order_by(Dimension.position)))


def specs() -> list[QuestionSpec]:
    """One optional single-choice question per live profile dimension that has answers."""
    made = []
    for dimension in dimensions():
        options = tuple((c.key, c.label) for c in live_answers(dimension))
        if not options:
            continue
        text = QUESTIONS.get(dimension.key) or dimension.question or dimension.label
        hint = DISABILITY_HINT if dimension.key == "disability" else HINT
        made.append(QuestionSpec(key=PREFIX + dimension.key, kind="single", text=text,
                                 hint=hint, options=options))
    return made


def profile_from(answers: Mapping[str, Any]) -> dict[str, str]:
    """Answers from the page (field name -> option value) as a profile snapshot."""
    return {key[len(PREFIX):]: value for key, value in answers.items()
            if key.startswith(PREFIX) and isinstance(value, str) and value}


def answers_from_profile(profile: Mapping[str, str]) -> dict[str, str]:
    """The inverse, to fill the page again."""
    return {PREFIX + key: value for key, value in (profile or {}).items()}


def in_words(profile: Mapping[str, str]) -> list[tuple[str, str]]:
    """(question, answer) for the check page, in the page's order."""
    asked = specs()
    out = []
    for spec in asked:
        value = (profile or {}).get(spec.key[len(PREFIX):])
        out.append((spec.text, dict(spec.options).get(value, "Not answered")
                    if value else "Not answered"))
    return out
