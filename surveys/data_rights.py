"""A resident's survey answers in their data download, and what erasing them removes.

Download: every response of theirs, with each question and their answer in words.
Erasure: answers in progress are deleted; sent answers stay as anonymous statistics (the
database already unlinks them from the resident), but their own words go: written answers are
deleted and the text of an "Other (please say)" is blanked, since words can identify someone.
Both are declared to the host in ``surveys.feature`` (its data sections and erasers).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.extensions import db
from panel.models import Resident
from surveys.models import Question, Response
from surveys.question_spec import AGREE_SCALE, OTHER

WRITTEN = ("short_text", "long_text")
SCALE = dict(AGREE_SCALE)


def responses_section(resident: Resident) -> tuple[str, list[dict[str, Any]]]:
    rows = []
    for response in db.session.scalars(select(Response).where(
            Response.resident_id == resident.id).order_by(Response.started_at, Response.id)):
        for answer in sorted(response.answers, key=lambda a: (a.question.section.position,
                                                              a.question.position)):
            rows.append({"survey": response.survey.title, "sent_at": response.submitted_at,
                         "question": answer.question.text,
                         "answer": in_words(answer.question, answer.value)})
    return "survey_answers", rows


def in_words(question: Question, value: Any) -> str:
    """An answer as the resident would say it (for their download and "check your answers")."""
    if value is None:
        return "Not answered"
    labels = {key: label for key, label in question.options}
    kind = question.kind
    if kind == "single":
        return f"Other: {value['other']}" if isinstance(value, dict) else labels.get(value, value)
    if kind == "multiple":
        return ", ".join(f"Other: {value['other']}" if c == OTHER else labels.get(c, c)
                         for c in value["choices"])
    if kind == "agree":
        return SCALE.get(value, value)
    if kind == "matrix":
        return "; ".join(f"{text}: {SCALE.get(value[key], value[key])}"
                         for key, text in question.statements if key in value)
    if kind == "ranking":
        return ", ".join(f"{n}. {labels.get(item, item)}" for n, item in enumerate(value, 1))
    return str(value)


def erase_survey_words(resident: Resident) -> None:
    for response in db.session.scalars(select(Response).where(
            Response.resident_id == resident.id)):
        if not response.submitted:
            db.session.delete(response)
            continue
        for answer in list(response.answers):
            if answer.question.kind in WRITTEN:
                response.answers.remove(answer)
            elif isinstance(answer.value, dict) and answer.value.get("other"):
                answer.value = {**answer.value, "other": ""}
    db.session.flush()
