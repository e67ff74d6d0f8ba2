"""After the event (SQLite and PostgreSQL): held only once the last session has ended; the
feedback survey made and sent with the surveys module to the attendees on the panel, once;
themes added, changed, reordered and removed, shown publicly under "You said" only for a held
event."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import Message
from events.models import EventStatus, EventTheme, RegistrationStatus
from panel.engagements import Engagement
from surveys.models import Audience, Invitation, Survey, SurveyState
from tests.integration.events.attendance.conftest import audited, post

S = RegistrationStatus
pytestmark = pytest.mark.clock("2027-03-21 09:00")


@pytest.fixture
def event(make_event, organiser):
    return make_event(organiser=organiser)


def after(event):
    return f"/events/{event.id}/after"


@pytest.mark.clock("2027-03-20 12:00")
def test_not_held_before_the_last_session_ends(as_organiser, event):
    client = as_organiser()
    assert "Mark as held" not in client.get(after(event)).get_data(as_text=True)
    post(client, f"/events/{event.id}/held", after(event))
    db.session.expire_all()
    assert event.status == EventStatus.RECRUITING


def test_held_then_feedback_sent_once_to_attendees_on_the_panel(
        as_organiser, event, make_registration):
    came = make_registration(event, S.ATTENDED)
    make_registration(event, S.NO_SHOW)
    client = as_organiser()
    post(client, f"/events/{event.id}/feedback-survey", after(event))
    assert event.feedback_survey_id is None                   # not held yet
    post(client, f"/events/{event.id}/held", after(event))
    db.session.expire_all()
    assert event.status == EventStatus.HELD and audited("event_held")
    response = post(client, f"/events/{event.id}/feedback-survey", after(event))
    assert response.status_code == 302
    db.session.expire_all()
    survey = db.session.get(Survey, event.feedback_survey_id)
    assert survey.engagement_id == event.engagement_id and survey.state == SurveyState.OPEN
    assert survey.audience == Audience.SAMPLE
    assert [q.text for q in survey.questions] == ["Did you feel listened to?",
                                                  "What could we do better?"]
    invited = db.session.scalars(select(Invitation.resident_id)).all()
    assert invited == [came.resident_id]
    assert db.session.query(Message).filter_by(to_address=came.resident.user.email).count() == 1
    post(client, f"/events/{event.id}/feedback-survey", after(event))
    assert db.session.query(Survey).count() == 1 and db.session.query(Invitation).count() == 1
    assert "was sent on" in client.get(after(event)).get_data(as_text=True)


def test_themes_are_added_changed_reordered_and_removed(as_organiser, event):
    client = as_organiser()
    for title in ("More benches", "Longer opening hours", "Safer paths"):
        response = post(client, f"/events/{event.id}/themes", after(event), title=title,
                        detail=f"About {title.lower()}.")
        assert response.status_code == 302
    bad = post(client, f"/events/{event.id}/themes", after(event), title="", detail="kept")
    assert bad.status_code == 422 and "Enter the theme" in bad.get_data(as_text=True)
    assert "kept" in bad.get_data(as_text=True)

    def titles():
        db.session.expire_all()
        return [t.title for t in event.themes]

    assert titles() == ["More benches", "Longer opening hours", "Safer paths"]
    last = event.themes[2]
    post(client, f"/events/{event.id}/themes/{last.id}/move", after(event), direction="up")
    assert titles() == ["More benches", "Safer paths", "Longer opening hours"]
    address = f"/events/{event.id}/themes/{last.id}"
    post(client, address, address, title="Safer, lit paths", detail="")
    assert titles() == ["More benches", "Safer, lit paths", "Longer opening hours"]
    assert post(client, address, address, title="x" * 201).status_code == 422
    post(client, f"/events/{event.id}/themes/{event.themes[0].id}/remove", after(event))
    assert titles() == ["Safer, lit paths", "Longer opening hours"]
    assert [t.position for t in event.themes] == [0, 1]
    assert len(audited("event_theme_added")) == 3


def test_themes_are_public_only_once_the_event_is_held(client, event):
    engagement = db.session.get(Engagement, event.engagement_id)
    engagement.announced_at = engagement.created_at
    event.themes.append(EventTheme(title="More benches", detail="Older people asked most."))
    db.session.commit()
    page = client.get(f"/outcomes/{engagement.id}")
    assert page.status_code == 200 and "More benches" not in page.get_data(as_text=True)
    event.status = EventStatus.HELD
    db.session.commit()
    text = client.get(f"/outcomes/{engagement.id}").get_data(as_text=True)
    assert "More benches" in text and "Older people asked most." in text
    assert event.title in text
