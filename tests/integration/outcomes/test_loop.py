"""Closing the loop (SQLite and PostgreSQL): who is emailed when a response or an update is
published (those who took part and may be emailed, as they chose: at once, in the weekly
digest, or never), never as a contact the over-consultation limit counts; the digest never
sends twice; a resident's data download and erasure cover their answers and their choice."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from core import scheduling
from core.extensions import db
from core.models import Message, Role
from outcomes import loop, services
from outcomes.feedback import erase_feedback
from outcomes.models import Feedback, FeedbackKind, LoopFrequency, LoopPreference
from outcomes.progress import ActionStatus
from outcomes.services import ActionText, ResponseText, UpdateText
from panel.data_export import export_csv, export_data
from panel.engagements import Engagement, SpectrumLevel
from panel.membership import erase_resident
from panel.models import Contact, ResidentStatus
from surveys.models import Response, Survey

pytestmark = pytest.mark.clock("2026-12-07 10:00")
NOW = datetime(2026, 12, 7, 10, 0)


@pytest.fixture
def officer(make_user):
    return make_user(Role.OFFICER)


@pytest.fixture
def consulted(app, member):
    """A closed engagement whose survey was answered by residents of every kind."""
    engagement = Engagement(title="Future of our libraries", topic="Libraries",
                            level=SpectrumLevel.CONSULT, starts_on=date(2026, 9, 1),
                            ends_on=date(2026, 10, 31), announced_at=datetime(2026, 9, 1))
    survey = Survey(engagement=engagement, title="Libraries survey")
    other = Survey(engagement=Engagement(title="Parks", level=SpectrumLevel.CONSULT),
                   title="Another survey")
    db.session.add_all([survey, other])
    db.session.flush()
    people = {}
    for name, fields in {
            "at_once": {}, "weekly": {}, "never": {}, "paused": {"status": ResidentStatus.PAUSED},
            "withdrawn": {"status": ResidentStatus.WITHDRAWN},
            "invited": {"status": ResidentStatus.INVITED},
            "no_email": {"contact_by_email": False}, "closed": {}, "unsent": {},
            "elsewhere": {}}.items():
        resident = member(f"{name}@example.org", first_name=name.title(), **fields)
        people[name] = resident
        db.session.add(Response(
            survey_id=(other if name == "elsewhere" else survey).id, resident_id=resident.id,
            submitted_at=None if name == "unsent" else datetime(2026, 10, 1)))
    people["closed"].user.is_active_account = False
    db.session.add_all([LoopPreference(resident_id=people["weekly"].id,
                                       frequency=LoopFrequency.WEEKLY,
                                       last_digest_at=datetime(2026, 12, 1)),
                        LoopPreference(resident_id=people["never"].id,
                                       frequency=LoopFrequency.NEVER)])
    db.session.commit()
    return engagement, people


def _to() -> list[str]:
    return sorted(m.to_address for m in db.session.scalars(select(Message)))


def _publish(officer, engagement, when=NOW):
    services.save_draft(officer, engagement, ResponseText(summary="You said: open on Sundays."))
    return services.publish_response(officer, engagement, when)


def test_a_published_response_emails_at_once_those_who_took_part_and_may_hear(
        officer, consulted):
    engagement, people = consulted
    _publish(officer, engagement)
    assert _to() == ["at_once@example.org", "paused@example.org"]
    message = db.session.scalar(select(Message).where(Message.to_address == "at_once@example.org"))
    assert message.subject == "What happened to your views: Future of our libraries"
    assert f"/outcomes/{engagement.id}" in message.body_text
    assert "The council published its response." in message.body_text
    assert "/account/what-happened" in message.body_text and "/unsubscribe/" in message.body_text
    assert "Dear At_Once" in message.body_text
    # never a contact: the over-consultation limit does not count these
    assert db.session.scalars(select(Contact)).all() == []


def test_a_bulk_change_is_one_email_each_listing_every_action(officer, consulted):
    engagement, people = consulted
    _publish(officer, engagement)
    first = services.add_action(officer, engagement, ActionText("Open on Sundays", "Libraries"))
    second = services.add_action(officer, engagement, ActionText("More e-books", "Libraries"))
    services.publish_action(officer, first, NOW)
    services.publish_action(officer, second, NOW)
    db.session.execute(Message.__table__.delete())
    db.session.commit()
    updates = services.bulk_status(officer, [first, second], UpdateText(
        ActionStatus.DONE, note="Both done."), NOW + timedelta(days=1))
    assert _to() == ["at_once@example.org", "paused@example.org"]
    body = db.session.scalar(select(Message.body_text).where(
        Message.to_address == "at_once@example.org"))
    assert "Open on Sundays: done. Both done." in body and "More e-books: done." in body
    assert all(u.announced_at == NOW + timedelta(days=1) for u in updates)
    assert db.session.scalars(select(Contact)).all() == []


def test_a_single_update_is_told_at_once(officer, consulted):
    engagement, _people = consulted
    action = services.add_action(officer, engagement, ActionText("Open on Sundays", "Libraries"))
    services.publish_action(officer, action, NOW)
    db.session.execute(Message.__table__.delete())
    db.session.commit()
    update = services.draft_update(officer, action, UpdateText(ActionStatus.IN_PROGRESS,
                                                               note="Staff hired."))
    assert _to() == []                         # a draft tells nobody
    services.publish_update(officer, update, NOW)
    assert _to() == ["at_once@example.org", "paused@example.org"]
    services.publish_update(officer, update, NOW)          # a second click sends nothing more
    assert len(_to()) == 2


def test_the_weekly_digest_lists_the_weeks_changes_once(officer, consulted):
    engagement, people = consulted
    _publish(officer, engagement, datetime(2026, 12, 2, 9, 0))
    action = services.add_action(officer, engagement, ActionText("Open on Sundays", "Libraries"))
    services.publish_action(officer, action, datetime(2026, 12, 3, 9, 0))
    db.session.execute(Message.__table__.delete())
    db.session.commit()

    assert loop.send_digests(NOW) == 1
    assert _to() == ["weekly@example.org"]
    message = db.session.scalar(select(Message))
    assert message.subject == "What happened to your views this week"
    assert "2 December: The council published its response." in message.body_text
    assert "3 December: Open on Sundays: planned. Action added." in message.body_text
    assert f"/outcomes/{engagement.id}" in message.body_text
    assert db.session.get(LoopPreference, people["weekly"].id).last_digest_at == NOW

    assert loop.send_digests(NOW) == 0                 # twice: nothing sent twice
    assert loop.send_digests(NOW + timedelta(days=7)) == 0     # nothing new: no email
    assert len(_to()) == 1
    assert db.session.scalars(select(Contact)).all() == []


def test_the_digest_is_a_weekly_schedule(app, officer, consulted):
    engagement, _people = consulted
    _publish(officer, engagement, datetime(2026, 12, 2, 9, 0))
    db.session.execute(Message.__table__.delete())
    db.session.commit()
    lines, ok = scheduling.run_due(NOW)
    assert ok and "outcome-digest: 1 weekly summary of what happened queued" in lines
    lines, ok = scheduling.run_due(NOW + timedelta(days=1))
    assert not any(line.startswith("outcome-digest") for line in lines)
    assert _to() == ["weekly@example.org"]


def test_choosing_weekly_starts_from_now_and_never_stops_the_emails(officer, consulted):
    engagement, people = consulted
    loop.set_frequency(people["at_once"].user, people["at_once"], LoopFrequency.NEVER, NOW)
    loop.set_frequency(people["paused"].user, people["paused"], LoopFrequency.WEEKLY, NOW)
    _publish(officer, engagement, NOW + timedelta(hours=1))
    assert _to() == []
    loop.send_digests(NOW + timedelta(days=7))
    assert _to() == ["paused@example.org", "weekly@example.org"]


def test_a_residents_download_and_erasure_cover_their_feedback(officer, consulted):
    engagement, people = consulted
    resident = people["at_once"]
    db.session.add(Feedback(resident_id=resident.id, engagement_id=engagement.id,
                            kind=FeedbackKind.LISTENED, answer="partly", comment="Mostly."))
    loop.set_frequency(resident.user, resident, LoopFrequency.WEEKLY, NOW)
    data = export_data(resident)
    assert data["outcome_feedback"] == [{
        "engagement": "Future of our libraries", "question": "Did you feel listened to?",
        "action": "", "answer": "Partly", "comment": "Mostly.",
        "answered_at": data["outcome_feedback"][0]["answered_at"]}]
    assert data["what_happened_emails"][0]["how_we_tell_you"] == "In a weekly summary"
    assert "Did you feel listened to?" in export_csv(resident)
    assert export_data(people["never"])["outcome_feedback"] == []

    erase_feedback(people["weekly"])       # an eraser removes only that resident's rows
    assert db.session.scalar(select(Feedback)) is not None
    erase_resident(resident.user, resident)
    assert db.session.scalars(select(Feedback)).all() == []
    assert db.session.get(LoopPreference, resident.id) is None
