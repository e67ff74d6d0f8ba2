"""An officer sets a survey's closing date, when the results are due, the reminders and the
smallest group shown; bad input is explained next to the field and nothing is lost; the
dates reach residents (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import AuditEvent, Role, utcnow
from surveys.models import Survey
from tests.conftest import csrf_token_from
from tests.integration.surveys.test_builder import create

GOOD = {"title": "Libraries survey", "why": "We must save £400,000.",
        "first_reminder": "5", "second_reminder": "10", "suppress_below": "12"}


@pytest.fixture
def officer(login):
    return login(Role.OFFICER)


def day_fields(name: str, day: date | None) -> dict[str, list[str]]:
    """A GOV.UK date input's three boxes (day, month, year) share the field's name."""
    parts = (day.day, day.month, day.year) if day else ("", "", "")
    return {name: [str(part) for part in parts]}


def save(client, survey: Survey, **fields):
    url = f"/surveys/{survey.id}/settings"
    return client.post(url, data={**fields, "csrf_token": csrf_token_from(client, url)})


def filled_in(page: str, name: str) -> tuple[str, str, str]:
    """The day, month and year a GOV.UK date input shows, as a person would read them."""
    return tuple(re.search(rf'<input[^>]*id="{name}-{part}"[^>]*>', page)[0]
                 .split('value="')[1].split('"')[0] for part in ("day", "month", "year"))


@pytest.mark.clock("2027-02-03 10:00")  # closes 5 March: a day and month below 10
def test_an_officer_sets_the_dates_reminders_and_threshold(officer):
    survey = create(officer)
    closes, due = date(2027, 3, 5), date(2027, 4, 4)
    saved = save(officer, survey, **GOOD, **day_fields("closes_on", closes),
                 **day_fields("results_due_on", due))
    assert saved.status_code == 303, saved.get_data(as_text=True)[:3000]
    db.session.expire_all()
    survey = db.session.get(Survey, survey.id)
    assert survey.closes_at.date() == closes and survey.closes_at.hour == 23
    assert survey.results_due_on == due and survey.reminder_days == [5, 10]
    assert survey.suppress_below == 12 and survey.engagement.why == "We must save £400,000."
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "survey_settings_changed"))
    assert set(event.detail["changed"]) == {"why", "closes_on", "results_due_on",
                                             "reminder_days", "suppress_below"}
    editor = officer.get(f"/surveys/{survey.id}").get_data(as_text=True)
    assert f"{closes:%-d %B %Y}" in editor and "5 and 10 days after the invitation" in editor
    again = officer.get(f"/surveys/{survey.id}/settings").get_data(as_text=True)
    assert filled_in(again, "closes_on") == ("5", "3", "2027")  # as typed: no leading zeros
    assert filled_in(again, "results_due_on") == ("4", "4", "2027")
    assert 'value="12"' in again  # filled in again


def test_no_reminders_and_no_dates_are_allowed(officer):
    survey = create(officer)
    saved = save(officer, survey, **{**GOOD, "first_reminder": "", "second_reminder": ""},
                 **day_fields("closes_on", None), **day_fields("results_due_on", None))
    assert saved.status_code == 303
    db.session.expire_all()
    survey = db.session.get(Survey, survey.id)
    assert survey.reminder_days == [] and survey.closes_at is None


@pytest.mark.parametrize(("fields", "message"), [
    ({"closes_on": ["31", "2", "2030"]},
     "The closing date must be a real date, for example 27 3 2027"),
    ({"closes_on": ["", "2", "2030"]},
     "The closing date must include a day, month and year"),
    ({**day_fields("closes_on", date(2020, 1, 1))},
     "The closing date must be today or in the future"),
    ({**day_fields("closes_on", date(2030, 5, 1)), **day_fields("results_due_on",
                                                                 date(2030, 4, 1))},
     "The results cannot be due before the survey closes"),
    ({"first_reminder": "10", "second_reminder": "5"},
     "The second reminder must come after the first"),
    ({"first_reminder": "", "second_reminder": "5"},
     "Enter the first reminder, or leave both empty"),
    ({"first_reminder": "a week"},
     "Enter the days before the first reminder as a whole number, like 7"),
    ({"suppress_below": "2"}, "The smallest group must be between 5 and 1,000 people"),
    ({"title": ""}, "Enter a title for the survey"),
])
def test_bad_settings_are_explained_and_nothing_is_saved(officer, fields, message):
    survey = create(officer)
    before = (survey.title, survey.reminder_days, survey.suppress_below, survey.closes_at)
    refused = save(officer, survey, **{**GOOD, **fields})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "There is a problem" in page and page.count(message) == 2  # summary and field
    db.session.expire_all()
    survey = db.session.get(Survey, survey.id)
    assert (survey.title, survey.reminder_days, survey.suppress_below,
            survey.closes_at) == before


def test_settings_are_for_officers(officer, client):
    survey = create(officer)
    officer.post("/sign-out", data={"csrf_token": csrf_token_from(officer, "/")})
    assert client.get(f"/surveys/{survey.id}/settings").status_code in (302, 401)


def test_a_closing_date_now_past_stays_while_other_settings_change(officer):
    survey = create(officer)
    survey.closes_at = utcnow().replace(hour=23) - timedelta(days=5)  # it was set earlier
    db.session.commit()
    past = survey.closes_at.date()
    saved = save(officer, survey, **{**GOOD, "title": "Libraries survey 2026"},
                 **day_fields("closes_on", past))
    assert saved.status_code == 303, saved.get_data(as_text=True)[:2000]
    db.session.expire_all()
    assert db.session.get(Survey, survey.id).title == "Libraries survey 2026"
    moved = save(officer, survey, **GOOD, **day_fields("closes_on", past - timedelta(days=1)))
    assert moved.status_code == 422  # a new date in the past is still refused
