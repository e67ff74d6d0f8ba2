"""Invitation waves: a quota sample from the panel, over-sampled by the expected response rate,
each person invited by email with their personal link; closing registration.

A wave is drawn first (``draw_wave``: the quota module's survey mode, events-only pool, the
event's target set and questions, one per household; through the officer-approved design when
the event has one, so an organiser never uses a special-category quota otherwise), then shown
("N people will be invited; M left out and why"), then sent by a job (``start_wave``) that
makes each registration, queues the email through the outbox and records the contact, which the
over-consultation limit counts. Nobody is invited twice to the same event. A top-up wave aims
at the quotas the interested could not meet (``Event.selection["unmet"]``).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime
from email.utils import make_msgid
from typing import Any, ClassVar

from flask import current_app, render_template
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from core import audit, links, mail
from core.errors import DomainError
from core.extensions import db
from core.jobs import runner as jobs
from core.models import Job, JobStatus, Message, MessageStatus, User, utcnow
from core.templating import plural
from core.uk_time import span
from events.models import (
    Event,
    EventStatus,
    InvitationWave,
    Registration,
    RegistrationSource,
    RegistrationStatus,
    SessionPlace,
)
from events.registrations import new_token
from panel.models import Category, Contact, Dimension, Resident, TargetSet
from quota import services as quota_services
from quota.access import design_spec, sees_special_category
from quota.disclosure import NOT_KNOWN
from quota.models import MemberRole, Sample, SampleDesign, SampleMember, SampleMode
from quota.pool import SampleSpec, build_pool, reachable_residents

PURPOSE = "event_invitation"
JOB_KIND = "events.invitation_wave"
BATCH = 500  # people per batch of inserts (and between progress updates)
TIMES_INTERESTED = 2  # aim for about twice as many interested as places
MAX_WAVE = 20_000
LEFT_OUT = {
    "already_registered": "already invited to or registered for this event",
    "cannot_be_asked": "can no longer be asked (left or paused the panel, or account closed)",
    "no_email": "asked not to be contacted by email",
    "not_needed": "not in a group the room still needs",
}


class WaveError(DomainError):
    """A wave cannot be drawn or sent; the message says why in plain English."""


def suggested_size(capacity: int, response_rate: int, places: int | None = None) -> int:
    """How many to invite to have about twice as many interested as ``places`` (the
    capacity): ceil(places x 2 / rate)."""
    places = capacity if places is None else places
    rate = min(max(response_rate, 1), 100)
    return max(1, math.ceil(places * TIMES_INTERESTED * 100 / rate))


def reference(event: Event) -> str:
    return f"event:{event.id}"


def unmet_quotas(event: Event) -> list[tuple[str, str, int]]:
    """The quotas the interested could not meet, as selection left them: (question, answer,
    people needed), panel questions only (a screening answer cannot be drawn from the panel)."""
    rows = (event.selection or {}).get("unmet") or []
    out = []
    for row in rows:
        if isinstance(row, list | tuple) and len(row) == 3 and isinstance(row[2], int) \
                and row[2] > 0 and isinstance(row[0], str) and isinstance(row[1], str):
            out.append((row[0], row[1], row[2]))
    return out


def check_can_draw(event: Event, top_up: bool) -> None:
    if event.status == EventStatus.CANCELLED:
        raise WaveError("This event was cancelled, so nobody can be invited.")
    if top_up:
        if event.status not in (EventStatus.RECRUITING, EventStatus.SELECTING):
            raise WaveError("A top-up wave can be sent only while recruiting or selecting.")
        if not unmet_quotas(event):
            raise WaveError("Selection has not found any quota the interested cannot meet, "
                            "so there is nothing for a top-up wave to aim at.")
    elif event.status != EventStatus.RECRUITING:
        raise WaveError("Invitations can be sent only while the event is recruiting."
                        if event.status != EventStatus.SELECTING else
                        "Registration is closed. To reach groups the room still needs, send "
                        "a top-up wave from the selection page.")
    if not event.sessions:
        raise WaveError("Add the event's sessions before inviting anyone.")


def _panel_dimensions(keys: list[str]) -> tuple[str, ...]:
    live = set(db.session.scalars(select(Dimension.key).where(Dimension.key.in_(keys),
                                                              Dimension.retired_at.is_(None))))
    return tuple(k for k in keys if k in live)


def _target_set_id(event: Event) -> int:
    if event.target_set_id is not None:
        return event.target_set_id
    found = db.session.scalar(select(TargetSet.id).where(TargetSet.is_default.is_(True)))
    if found is None:
        raise WaveError("There is no target set to draw the wave against. Ask an officer to "
                        "add one.")
    return found


def design_of(event: Event) -> SampleDesign | None:
    return db.session.get(SampleDesign, event.design_id) if event.design_id else None


def size_fixed_by_design(actor: User, event: Event) -> int | None:
    """An organiser drawing through an officer's design draws it as approved (its size)."""
    design = design_of(event)
    if design is None or sees_special_category(actor):
        return None
    return design_spec(design).size


def wave_spec(actor: User, event: Event, size: int, top_up: bool = False
              ) -> tuple[SampleSpec, SampleDesign | None]:
    """The quota spec for a wave and the design it goes through (None: no design)."""
    number = len(waves_of(event)) + 1
    name = f"{event.title[:120]}: {'top-up ' if top_up else ''}invitation wave {number}"
    design = design_of(event)
    if design is not None:
        spec = replace(design_spec(design), name=name)
        if sees_special_category(actor):
            spec, design = replace(spec, size=size), None
    else:
        spec = SampleSpec(name=name, mode=SampleMode.SURVEY, target_set_id=_target_set_id(event),
                          dimensions=_panel_dimensions(list(event.dimensions or [])), size=size,
                          tolerance=1, household=event.one_per_household, events_only=True)
    if top_up:
        spec = _aimed_at_unmet(event, spec)
    return spec, design


def _aimed_at_unmet(event: Event, spec: SampleSpec) -> SampleSpec:
    """Only the groups still needed count: at least the people needed (over-sampled) from
    each, anyone else allowed but not required (and then left out of the invitations)."""
    unmet = [(d, c, n) for d, c, n in unmet_quotas(event) if d in spec.dimensions]
    if not unmet:
        raise WaveError("The groups the room still needs are answers to the event's own "
                        "questions, which the panel has not answered: a top-up wave cannot "
                        "aim at them. Use the public registration link instead.")
    pool = build_pool(replace(spec, size=1)).pool
    found = {(d, c): sum(1 for v in pool.profiles[d] if v == c) for d, c, _ in unmet}
    wanted = {(d, c): min(found[(d, c)],
                          suggested_size(1, event.expected_response_rate, places=n))
              for d, c, n in unmet}
    if not any(wanted.values()):
        raise WaveError("Nobody on the panel who could be invited is in the groups the room "
                        "still needs.")
    size = min(sum(wanted.values()), len(pool))
    overrides: list[tuple[str, str, int, int]] = []
    for dimension in spec.dimensions:
        keys = [*db.session.scalars(select(Category.key).join(Category.dimension).where(
            Dimension.key == dimension, Category.prefer_not_to_say.is_(False))), NOT_KNOWN]
        for key in keys:
            overrides.append((dimension, key, min(wanted.get((dimension, key), 0), size), size))
    return replace(spec, size=size, tolerance=0, overrides=tuple(overrides))


def waves_of(event: Event) -> list[InvitationWave]:
    return list(db.session.scalars(select(InvitationWave).where(
        InvitationWave.event_id == event.id).order_by(InvitationWave.id)))


def draw_wave(actor: User, event: Event, size: int, top_up: bool = False) -> InvitationWave:
    """Draw the wave's sample (stored, audited) and the wave, not yet sent. Commits."""
    check_can_draw(event, top_up)
    if not 1 <= size <= MAX_WAVE:
        raise WaveError(f"Enter a number of people between 1 and {MAX_WAVE:,}.")
    fixed = size_fixed_by_design(actor, event)
    spec, design = wave_spec(actor, event, fixed or size, top_up)
    try:
        sample = quota_services.draw_sample(actor, spec, design)
    except DomainError as error:
        db.session.rollback()
        raise WaveError(f"No wave was drawn. {error}") from error
    wave = InvitationWave(event_id=event.id, sample_id=sample.id, size=spec.size, top_up=top_up,
                          created_by_id=actor.id)
    db.session.add(wave)
    db.session.flush()
    audit.record(actor, "event_wave_drawn", "event", event.id, wave=wave.id, sample=sample.id,
                 size=spec.size, top_up=top_up)
    db.session.commit()
    return wave


@dataclass(frozen=True)
class WavePlan:
    """Who sending the wave would invite (resident ids, in order) and who it leaves out."""

    invite: list[int]
    left_out: dict[str, int] = field(default_factory=dict)
    pool_size: int = 0
    pool_left_out: dict[str, int] = field(default_factory=dict)

    def sentences(self) -> list[str]:
        return [f"{n:,} {'person' if n == 1 else 'people'} {LEFT_OUT[why]}"
                for why, n in self.left_out.items() if n]

    @property
    def left_out_total(self) -> int:
        return sum(self.left_out.values())


def plan(wave: InvitationWave, now: datetime | None = None) -> WavePlan:
    """The same rules as the job, nothing written."""
    now = now or utcnow()
    sample = db.session.get(Sample, wave.sample_id) if wave.sample_id else None
    if sample is None:
        return WavePlan([], {})
    drawn = [m.resident_id for m in sample.members_with(MemberRole.SELECTED)
             if m.resident_id is not None]
    registered = set(db.session.scalars(select(Registration.resident_id).where(
        Registration.event_id == wave.event_id, Registration.resident_id.is_not(None))))
    reachable = set(db.session.scalars(reachable_residents(now).where(Resident.id.in_(drawn))))
    emailable = set(db.session.scalars(select(Resident.id).where(
        Resident.id.in_(drawn), Resident.contact_by_email.is_(True))))
    needed = _in_needed_groups(wave, sample) if wave.top_up else None
    left_out: Counter[str] = Counter()
    invite: list[int] = []
    for resident_id in drawn:
        reason = ("already_registered" if resident_id in registered else
                  "cannot_be_asked" if resident_id not in reachable else
                  "no_email" if resident_id not in emailable else
                  "not_needed" if needed is not None and resident_id not in needed else None)
        if reason:
            left_out[reason] += 1
        else:
            invite.append(resident_id)
    return WavePlan(invite, {why: left_out[why] for why in LEFT_OUT},
                    pool_size=sample.pool_size or 0,
                    pool_left_out=dict((sample.report or {}).get("left_out") or {}))


def _in_needed_groups(wave: InvitationWave, sample: Sample) -> set[int]:
    unmet = {(d, c) for d, c, _ in unmet_quotas(wave.event)}
    inputs = sample.inputs or {}
    ids, profiles = inputs.get("ids", []), inputs.get("profiles", {})
    return {int(pid) for i, pid in enumerate(ids)
            if any((d, values[i]) in unmet for d, values in profiles.items())}


def running_or_done_job(wave: InvitationWave) -> Job | None:
    return db.session.get(Job, wave.job_id) if wave.job_id else None


def start_wave(actor: User, wave: InvitationWave) -> Job:
    """Queue the sending as a job (its progress on /jobs/<id>). A second click, or a second
    request at the same moment, gets the same job."""
    if wave.job_id is not None:
        job = db.session.get(Job, wave.job_id)
        if job is not None:
            return job
    event = wave.event
    check_can_draw(event, wave.top_up)
    job = jobs.enqueue(JOB_KIND, actor, {"wave_id": wave.id, "event_id": event.id},
                       message="Waiting to start sending invitations")
    db.session.flush()
    claimed = db.session.execute(
        update(InvitationWave).where(InvitationWave.id == wave.id,
                                     InvitationWave.job_id.is_(None))
        .values(job_id=job.id).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:  # another request got there first: theirs is the job
        db.session.rollback()
        db.session.refresh(wave)
        existing = db.session.get(Job, wave.job_id) if wave.job_id else None
        if existing is None:
            raise WaveError("This wave is already being sent.")
        return existing
    if wave.top_up and event.status == EventStatus.SELECTING:
        event.status = EventStatus.RECRUITING  # a top-up reopens registration
        audit.record(actor, "event_registration_reopened", "event", event.id, wave=wave.id)
    audit.record(actor, "event_wave_started", "event", event.id, wave=wave.id, job=job.id)
    db.session.commit()
    db.session.refresh(wave)
    return job


def job_wave(job: Job) -> InvitationWave | None:
    wave_id = job.params.get("wave_id")
    return db.session.get(InvitationWave, wave_id) if isinstance(wave_id, int) else None


def job_details(job: Job) -> dict[str, Any]:
    wave = job_wave(job)
    return {"wave": wave, "event": wave.event if wave else None,
            "invited": job.result.get("invited", 0) if job.status == JobStatus.DONE else None,
            "left_out": job.result.get("left_out", {}) if job.status == JobStatus.DONE else {},
            "reasons": LEFT_OUT}


def job_caption(job: Job) -> str:
    wave = job_wave(job)
    return wave.event.title if wave else ""


def may_view_job(actor: User, job: Job) -> bool:
    from events.access import may_manage_event
    wave = job_wave(job)
    return wave is not None and may_manage_event(actor, wave.event)


def run_wave_job(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    wave = job_wave(job)
    actor = db.session.get(User, job.created_by_id) if job.created_by_id else None
    if wave is None or actor is None:
        raise jobs.JobFailed("The wave or the person who started it has been removed.")
    try:
        invited, left_out = invite(actor, wave, progress)
        db.session.flush()
    except WaveError as error:
        raise jobs.JobFailed(str(error)) from error
    except IntegrityError as error:
        raise jobs.JobFailed("Someone on this wave was being invited to the event at the same "
                             "moment by another job, so this one stopped and sent nothing. "
                             "Nobody was invited twice.") from error
    return {"invited": invited, "left_out": left_out,
            "summary": f"Finished: {plural(invited, 'invitation')} sent."}


def invite(actor: User, wave: InvitationWave, progress: jobs.Progress | None = None,
           now: datetime | None = None) -> tuple[int, dict[str, int]]:
    """Make each registration (with a place row per session), queue each email in the outbox
    and record each contact, in the caller's transaction (not committed). Rows are written in
    batches (a wave of thousands is seconds, not minutes); the unique (event, resident) pair
    refuses a second invitation whatever happens at the same time."""
    now = now or utcnow()
    event = wave.event
    if event.status == EventStatus.CANCELLED:
        raise WaveError("This event was cancelled, so nobody was invited.")
    the_plan = plan(wave, now)
    total = len(the_plan.invite)
    if progress is not None:
        progress(0, total=total, message=f"Inviting {plural(total, 'person', 'people')}")
    letter = _Letter.of(event)
    sessions = [s.id for s in event.sessions]
    for start in range(0, total, BATCH):
        batch = the_plan.invite[start:start + BATCH]
        residents = db.session.execute(
            select(Resident.id, Resident.first_name, User.email).join(Resident.user)
            .where(Resident.id.in_(batch))).all()
        tokens = {resident_id: new_token() for resident_id, _, _ in residents}
        made = db.session.execute(
            insert(Registration).returning(Registration.id, Registration.resident_id,
                                           sort_by_parameter_order=True),
            [{"event_id": event.id, "resident_id": r, "wave_id": wave.id,
              "source": RegistrationSource.WAVE, "token": tokens[r],
              "status": RegistrationStatus.INVITED, "invited_at": now, "created_at": now}
             for r, _, _ in residents]).all()
        if sessions:
            db.session.execute(insert(SessionPlace), [
                {"registration_id": registration_id, "session_id": session_id,
                 "available": False}
                for registration_id, _ in made for session_id in sessions])
        db.session.execute(insert(Contact), [
            {"resident_id": r, "at": now, "channel": "email", "purpose": PURPOSE,
             "reference": reference(event)} for r, _, _ in residents])
        db.session.execute(insert(Message), [
            letter.message(email, first_name, tokens[r], r, now)
            for r, first_name, email in residents])
        if wave.sample_id is not None:
            db.session.execute(
                update(SampleMember).where(SampleMember.sample_id == wave.sample_id,
                                           SampleMember.resident_id.in_(batch))
                .values(invited_at=now).execution_options(synchronize_session=False))
        done = min(start + BATCH, total)
        if progress is not None and progress.visible_while_writing:
            progress(done, message=f"{done:,} of {plural(total, 'person', 'people')} invited")
    audit.record(actor, "event_invitations_sent", "event", event.id, wave=wave.id,
                 invited=total, left_out=the_plan.left_out)
    return total, the_plan.left_out


@dataclass(frozen=True)
class _Letter:
    """The invitation email, rendered once with markers where each person's own name and
    links go (a template per person is most of the time a large wave takes)."""

    subject: str
    body: str
    domain: str

    NAME: ClassVar[str] = "\x00first_name\x00"
    LINK: ClassVar[str] = "\x00link\x00"
    STOP: ClassVar[str] = "\x00unsubscribe\x00"

    @classmethod
    def of(cls, event: Event) -> _Letter:
        text = render_template("email/event_invitation.txt", event=event,
                               first_name=cls.NAME, details=email_details(event),
                               link=cls.LINK, unsubscribe_link=cls.STOP,
                               account_link=mail.absolute_url("event_links.my_events"))
        first, _, body = text.partition("\n")
        domain = current_app.config["MAIL_FROM"].rpartition("@")[2].rstrip(">") or "localhost"
        return cls(first.removeprefix("Subject: ").strip(), body.lstrip("\n"), domain)

    def message(self, email: str, first_name: str, token: str, resident_id: int,
                now: datetime) -> dict[str, Any]:
        stop = mail.absolute_url("unsubscribe.stop_emails_page", token=links.make(
            links.UNSUBSCRIBE, {"resident": resident_id}))
        body = (self.body.replace(self.NAME, first_name or "resident")
                .replace(self.LINK, mail.absolute_url("event_links.respond", token=token))
                .replace(self.STOP, stop))
        return {"to_address": email, "subject": self.subject, "body_text": body,
                "message_id": make_msgid(domain=self.domain), "status": MessageStatus.PENDING,
                "attempts": 0, "next_attempt_at": now, "last_error": "", "created_at": now}


def email_details(event: Event) -> list[str]:
    """The sessions as lines for an email."""
    lines = []
    for session in event.sessions:
        where = "Online" if session.online else ", ".join(
            p for p in (session.venue, session.address) if p)
        lines.append(f"{span(session.starts_at, session.ends_at)}: {where}")
    return lines


def close_registration(actor: User | None, event: Event, now: datetime | None = None) -> bool:
    """RECRUITING -> SELECTING (the interested are then selected). False if it was not
    recruiting (closing twice changes nothing). Commits."""
    closed = db.session.execute(
        update(Event).where(Event.id == event.id, Event.status == EventStatus.RECRUITING)
        .values(status=EventStatus.SELECTING).execution_options(synchronize_session=False))
    if closed.rowcount != 1:
        db.session.rollback()
        return False
    audit.record(actor, "event_registration_closed", "event", event.id,
                 early=bool(event.registration_closes_at and
                            (now or utcnow()) < event.registration_closes_at))
    db.session.commit()
    db.session.refresh(event)
    return True


def close_due_registrations(now: datetime | None = None) -> int:
    """The schedule: close registration for every event whose closing time has passed."""
    now = now or utcnow()
    due = list(db.session.scalars(select(Event).where(
        Event.status == EventStatus.RECRUITING, Event.registration_closes_at.is_not(None),
        Event.registration_closes_at <= now)))
    return sum(1 for event in due if close_registration(None, event, now))


def closing_summary() -> str:
    count = close_due_registrations()
    return f"Registration closed for {plural(count, 'event')}"
