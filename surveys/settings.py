"""A survey's settings (title, why, closing date, when results are due, reminders, smallest
group shown), changed by an officer and audited by name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from core import audit
from core.extensions import db
from core.models import User
from surveys.models import Survey


@dataclass(frozen=True)
class SurveySettings:
    title: str
    why: str
    closes_on: date | None
    results_due_on: date | None
    reminder_days: list[int]
    suppress_below: int


def settings_of(survey: Survey) -> SurveySettings:
    return SurveySettings(survey.title, survey.engagement.why or "",
                          survey.closes_at.date() if survey.closes_at else None,
                          survey.results_due_on, list(survey.reminder_days or []),
                          survey.suppress_below)


def update_settings(actor: User, survey: Survey, settings: SurveySettings) -> list[str]:
    """Change the survey's settings; the names of those that changed (audited). A closing
    date means answers are taken until the end of that day."""
    before = settings_of(survey)
    changed = [name for name in SurveySettings.__dataclass_fields__
               if getattr(before, name) != getattr(settings, name)]
    survey.title, survey.engagement.why = settings.title, settings.why
    survey.closes_at = (datetime.combine(settings.closes_on, time(23, 59, 59))
                        if settings.closes_on else None)
    survey.results_due_on = settings.results_due_on
    survey.reminder_days = list(settings.reminder_days)
    survey.suppress_below = settings.suppress_below
    if changed:
        audit.record(actor, "survey_settings_changed", "survey", survey.id, changed=changed)
    db.session.commit()
    return changed
