"""Invitation waves: drawn, checked, sent by a job (registrations, emails, contacts), never twice;
top-up waves; closing registration (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.jobs.runner import run_pending_jobs
from core.models import Job, JobStatus, Message, Role, User
from events import waves
from events.models import (
    EventStatus,
    InvitationWave,
    Registration,
    RegistrationStatus,
    SessionPlace,
)
from panel.demo import seed_demo
from panel.models import Contact, Resident
from quota.models import SampleMember
from tests.conftest import csrf_token_from


@pytest.fixture
def demo(app):
    return seed_demo(seed=5, residents=400)


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


@pytest.fixture
def organiser(make_user) -> User:
    return make_user(Role.ORGANISER)


@pytest.fixture
def event(demo, make_event, organiser):
    return make_event(capacity=6, sessions=2, organiser=organiser, expected_response_rate=40,
                      dimensions=["age_band", "sex"])


def test_the_suggested_size_gives_twice_as_many_interested_as_places():
    assert waves.suggested_size(12, 30) == 80      # ceil(12 x 2 / 0.3)
    assert waves.suggested_size(6, 40) == 30
    assert waves.suggested_size(10, 100) == 20
    assert waves.suggested_size(10, 0) == 2000     # a rate of 0 counts as 1%


def test_a_wave_is_drawn_checked_and_sent_once(event, organiser, sign_in):
    client = sign_in(organiser)
    page = client.get(f"/events/{event.id}/invitations")
    assert page.status_code == 200
    assert "We suggest 30" in page.get_data(as_text=True)
    token = csrf_token_from(client, f"/events/{event.id}/invitations")
    drawn = client.post(f"/events/{event.id}/invitations", data={"size": "30",
                                                                 "csrf_token": token})
    assert drawn.status_code == 303, drawn.get_data(as_text=True)[:2000]
    wave = db.session.scalar(select(InvitationWave))
    assert wave.size == 30 and not wave.top_up and wave.job_id is None
    confirm = client.get(drawn.headers["Location"])
    assert "30 people will be invited" in confirm.get_data(as_text=True)
    assert count(Registration) == 0  # nothing sent yet
    send = f"/events/{event.id}/invitations/{wave.id}/send"
    first = client.post(send, data={"csrf_token": token})
    again = client.post(send, data={"csrf_token": token})   # a double click
    assert first.status_code == again.status_code == 303
    assert first.headers["Location"] == again.headers["Location"]
    assert count(Job, Job.kind == waves.JOB_KIND) == 1
    run_pending_jobs()
    job = db.session.scalar(select(Job).where(Job.kind == waves.JOB_KIND))
    assert job.status == JobStatus.DONE, job.message
    assert job.result["invited"] == 30
    registrations = db.session.scalars(select(Registration)).all()
    assert len(registrations) == 30
    assert all(r.status == RegistrationStatus.INVITED and r.wave_id == wave.id and r.token
               and r.invited_at for r in registrations)
    assert count(SessionPlace) == 60
    assert count(Message, Message.subject.like("Parks workshop: would you like%")) == 30
    assert count(Contact, Contact.purpose == "event_invitation",
                 Contact.reference == f"event:{event.id}") == 30
    assert count(SampleMember, SampleMember.invited_at.is_not(None)) == 30
    page = client.get(f"/jobs/{job.id}")
    assert "30 invitations sent" in page.get_data(as_text=True)
    registration = registrations[0]
    resident = registration.resident
    [email] = db.session.scalars(select(Message).where(
        Message.to_address == resident.user.email)).all()
    assert f"Dear {resident.first_name}," in email.body_text
    assert f"/events/r/{registration.token}" in email.body_text
    assert "/unsubscribe/" in email.body_text or "unsubscribe" in email.body_text.lower()
    assert "\x00" not in email.body_text and "Saturday 20 March 2027" in email.body_text
    assert len({m.message_id for m in db.session.scalars(select(Message))}) == 30


def test_nobody_is_invited_twice_to_the_same_event(event, organiser):
    first = waves.draw_wave(organiser, event, 30)
    waves.start_wave(organiser, first)
    run_pending_jobs()
    invited = set(db.session.scalars(select(Registration.resident_id)))
    second = waves.draw_wave(organiser, event, 30)
    plan = waves.plan(second)
    assert not invited & set(plan.invite)
    waves.start_wave(organiser, second)
    run_pending_jobs()
    ids = db.session.scalars(select(Registration.resident_id)).all()
    assert len(ids) == len(set(ids)) == 30 + len(plan.invite)


def test_someone_already_registered_is_left_out_with_the_reason(event, organiser):
    wave = waves.draw_wave(organiser, event, 20)
    drawn = waves.plan(wave).invite
    resident = db.session.get(Resident, drawn[0])
    db.session.add(Registration(event_id=event.id, resident_id=resident.id, token="t-1",
                                status=RegistrationStatus.INTERESTED))
    other = db.session.get(Resident, drawn[1])
    other.contact_by_email = False
    db.session.commit()
    plan = waves.plan(wave)
    assert plan.left_out["already_registered"] == 1
    assert plan.left_out["no_email"] == 1
    assert len(plan.invite) == len(drawn) - 2
    assert "1 person already invited to or registered for this event" in plan.sentences()


def test_another_events_organiser_cannot_see_or_send_its_waves(event, login):
    other = login(Role.ORGANISER)
    assert other.get(f"/events/{event.id}/invitations").status_code == 403
    token = csrf_token_from(other, "/")
    assert other.post(f"/events/{event.id}/invitations",
                      data={"size": "5", "csrf_token": token}).status_code == 403
    assert other.post(f"/events/{event.id}/close-registration",
                      data={"csrf_token": token}).status_code == 403
    assert count(InvitationWave) == 0


def test_a_bad_size_is_refused_plainly(event, organiser, sign_in):
    client = sign_in(organiser)
    token = csrf_token_from(client, f"/events/{event.id}/invitations")
    for bad in ("", "abc", "0", "-3", "99999999999999999999", "1e3"):
        page = client.post(f"/events/{event.id}/invitations",
                           data={"size": bad, "csrf_token": token})
        assert page.status_code == 422, bad
        assert "There is a problem" in page.get_data(as_text=True)
    assert count(InvitationWave) == 0


def test_waves_only_while_recruiting(event, organiser):
    event.status = EventStatus.SELECTING
    db.session.commit()
    with pytest.raises(waves.WaveError, match="Registration is closed"):
        waves.draw_wave(organiser, event, 10)
    event.status = EventStatus.CANCELLED
    db.session.commit()
    with pytest.raises(waves.WaveError, match="cancelled"):
        waves.draw_wave(organiser, event, 10)


def test_a_top_up_wave_draws_only_the_groups_still_needed_and_reopens(event, organiser):
    first = waves.draw_wave(organiser, event, 30)
    waves.start_wave(organiser, first)
    run_pending_jobs()
    event.status = EventStatus.SELECTING
    event.selection = {"unmet": [["age_band", "16_24", 2]]}
    db.session.commit()
    with pytest.raises(waves.WaveError):
        waves.draw_wave(organiser, event, 10, top_up=False)
    wave = waves.draw_wave(organiser, event, 1, top_up=True)
    assert wave.top_up
    plan = waves.plan(wave)
    assert plan.invite
    ages = dict(db.session.execute(_age_query(plan.invite)).all())
    assert set(ages.values()) == {"16_24"}
    already = set(db.session.scalars(select(Registration.resident_id)))
    assert not already & set(plan.invite)
    waves.start_wave(organiser, wave)
    assert event.status == EventStatus.RECRUITING


def _age_query(ids):
    from panel.models import Category, Dimension, ProfileAnswer
    return (select(ProfileAnswer.resident_id, Category.key).join(ProfileAnswer.category)
            .join(ProfileAnswer.dimension)
            .where(Dimension.key == "age_band", ProfileAnswer.resident_id.in_(ids)))


def test_closing_registration_early_and_on_time(event, organiser, sign_in, make_event):
    client = sign_in(organiser)
    token = csrf_token_from(client, f"/events/{event.id}/invitations")
    closed = client.post(f"/events/{event.id}/close-registration", data={"csrf_token": token})
    assert closed.status_code == 303
    db.session.refresh(event)
    assert event.status == EventStatus.SELECTING
    again = client.post(f"/events/{event.id}/close-registration", data={"csrf_token": token})
    assert again.status_code == 303   # twice: nothing more happens
    due = make_event(registration_closes_at=datetime(2027, 3, 1, 9, 0))
    later = make_event(registration_closes_at=datetime(2027, 4, 1, 9, 0))
    assert waves.close_due_registrations(datetime(2027, 3, 2)) == 1
    assert waves.close_due_registrations(datetime(2027, 3, 2)) == 0   # idempotent
    db.session.refresh(due)
    db.session.refresh(later)
    assert due.status == EventStatus.SELECTING and later.status == EventStatus.RECRUITING


def test_an_organiser_cannot_draw_on_special_category_questions_without_a_design(
        demo, make_event, organiser, make_user):
    event = make_event(organiser=organiser, dimensions=["sex", "ethnic_group"])
    with pytest.raises(waves.WaveError, match="officer"):
        waves.draw_wave(organiser, event, 20)
    assert count(InvitationWave) == 0
    officer = make_user(Role.OFFICER)
    assert waves.draw_wave(officer, event, 20).size == 20
