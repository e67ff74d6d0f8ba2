"""Imported members are *invited to confirm*: a welcome email with a signed link, then a page
where they give their consents and set a password. Until they confirm they are ``invited``:
never sampled or invited to surveys (``quota.pool.reachable_residents`` takes only active or
paused members), and their special-category answers from the file are deleted unless they give
that consent themselves.

1. ``start_welcome``: an officer sends the welcome emails, as a job with progress.
2. ``run_welcome`` (the job): one email through the outbox to each invited member, once per
   run (a later run reaches whoever has still not confirmed). Not a contact for the
   over-consultation limit: it asks nothing of them but to confirm, so no ``Contact`` row.
3. ``invited_resident`` / ``confirm``: the link's page.
4. ``send_new_link``: an expired link's owner asks for a new one by email address.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import joinedload

from core import audit, links, mail
from core.accounts import find_user_by_email
from core.auth.passwords import password_problem
from core.errors import DomainError
from core.extensions import db
from core.jobs import runner as jobs
from core.models import Job, JobStatus, User, utcnow
from panel.membership import FieldError, record_consent
from panel.models import ConsentKind, Dimension, ProfileAnswer, Resident, ResidentStatus

JOB_KIND = "panel_welcome"
LINK_WORKS_FOR = timedelta(days=30)
PROGRESS_EVERY = 250
NEW_LINK_EVERY = timedelta(minutes=10)  # an expired link's owner may ask again after this


@dataclass(frozen=True)
class Confirmations:
    """What the officer sees: imported members who confirmed, and who have not yet."""

    confirmed: int
    invited: int
    never_emailed: int


def confirmations() -> Confirmations:
    counts = dict(db.session.execute(
        select(Resident.status, func.count()).where(Resident.source == "import")
        .group_by(Resident.status)).all())
    never = db.session.scalar(select(func.count()).select_from(Resident).where(
        Resident.status == ResidentStatus.INVITED, Resident.welcomed_at.is_(None))) or 0
    invited = counts.pop(ResidentStatus.INVITED, 0)
    return Confirmations(confirmed=sum(counts.values()), invited=invited, never_emailed=never)


def _invited_ids() -> list[int]:
    return list(db.session.scalars(
        select(Resident.id).join(Resident.user)
        .where(Resident.status == ResidentStatus.INVITED, User.is_active_account.is_(True))
        .order_by(Resident.id)))


# --- the welcome emails (a job) --------------------------------------------------------------

def running_job() -> Job | None:
    return db.session.scalar(select(Job).where(
        Job.kind == JOB_KIND, Job.status.in_((JobStatus.QUEUED, JobStatus.RUNNING)))
        .order_by(Job.id.desc()).limit(1))


def start_welcome(actor: User) -> Job:
    """Queue the welcome emails (or return the job already sending them)."""
    running = running_job()
    if running is not None:
        return running
    to_send = len(_invited_ids())
    if not to_send:
        raise DomainError("Every imported member has confirmed, so there is nobody to email.")
    job = jobs.enqueue(JOB_KIND, actor, {}, total=to_send,
                       message="Waiting to start sending welcome emails")
    db.session.flush()
    audit.record(actor, "welcome_emails_started", "job", job.id, invited=to_send)
    db.session.commit()
    return job


def welcome_token(resident: Resident) -> str:
    return links.make(links.WELCOME, {"resident": resident.id, "email": resident.user.email})


def _queue_welcome(resident: Resident) -> None:
    mail.queue_templated(resident.user.email, "welcome", first_name=resident.first_name,
                         link=mail.absolute_url("welcome.confirm", token=welcome_token(resident)),
                         days=LINK_WORKS_FOR.days)
    resident.welcomed_at = utcnow()


def run_welcome(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    """One welcome email to each member still invited (each once in this run). No commit:
    the runner commits the emails with the job."""
    ids = _invited_ids()
    progress(0, total=len(ids), message=f"Sending {len(ids):,} welcome emails")
    for start in range(0, len(ids), PROGRESS_EVERY):
        for resident in db.session.scalars(
                select(Resident).options(joinedload(Resident.user))
                .where(Resident.id.in_(ids[start:start + PROGRESS_EVERY])).order_by(Resident.id)):
            _queue_welcome(resident)
        if progress.visible_while_writing:
            progress(min(start + PROGRESS_EVERY, len(ids)))
    actor = db.session.get(User, job.created_by_id) if job.created_by_id else None
    audit.record(actor, "welcome_emails_sent", "job", job.id, sent=len(ids))
    plural = "" if len(ids) == 1 else "s"
    return {"sent": len(ids),
            "summary": f"{len(ids):,} welcome email{plural} sent."}


def job_details(job: Job) -> dict[str, Any]:
    return {"confirmations": confirmations()}


# --- the link's page ---------------------------------------------------------------------------

class LinkUsed(DomainError):
    """The member has confirmed already (or left): the link did its work."""


def invited_resident(token: str) -> Resident:
    """The invited member the link was sent to; ``DomainError`` (``links.LinkExpired``'s text
    for an expired one, ``LinkUsed`` once they have confirmed) otherwise."""
    try:
        data = links.read(links.WELCOME, token, LINK_WORKS_FOR)
    except links.LinkExpired as error:
        raise DomainError("This link has expired: links in welcome emails work for "
                          f"{LINK_WORKS_FOR.days} days.") from error
    except links.LinkInvalid as error:
        raise DomainError("This link is not valid. Check you copied all of it.") from error
    resident = db.session.get(Resident, data.get("resident"))
    if resident is None or resident.user.email != data.get("email"):
        raise DomainError("This link is not valid any more.")
    if resident.status != ResidentStatus.INVITED:
        raise LinkUsed("You have already confirmed your membership with this link.")
    return resident


def confirm(resident: Resident, *, password: str, special_category_consent: bool,
            interested_in_events: bool, privacy_notice_version: str,
            now: datetime | None = None) -> User:
    """The member confirms: consents recorded (membership, and yes or no to special-category
    data), their password set, their email verified (the link proves it), their membership
    active. Without special-category consent the file's answers to those questions go."""
    user = resident.user
    problem = password_problem(password, [user.email, resident.full_name])
    if problem is not None:
        raise FieldError("password", problem)
    now = now or utcnow()
    user.set_password(password)
    user.verified_at = user.verified_at or now
    record_consent(resident, ConsentKind.MEMBERSHIP, True, privacy_notice_version)
    record_consent(resident, ConsentKind.SPECIAL_CATEGORY, special_category_consent,
                   privacy_notice_version)
    dropped = 0
    if not special_category_consent:
        dropped = db.session.execute(delete(ProfileAnswer).where(
            ProfileAnswer.resident_id == resident.id,
            ProfileAnswer.dimension_id.in_(select(Dimension.id).where(
                Dimension.special_category.is_(True))))).rowcount
        db.session.expire(resident, ["answers"])
    resident.interested_in_events = interested_in_events
    resident.status = ResidentStatus.ACTIVE
    audit.record(user, "membership_confirmed", "resident", resident.id,
                 special_category_consent=special_category_consent,
                 special_answers_deleted=dropped)
    db.session.commit()
    return user


def send_new_link(email: str) -> None:
    """Email a new link if ``email`` belongs to a member still invited (at most once every
    few minutes); the person asking is told the same whatever the address."""
    user = find_user_by_email(email)
    resident = user.resident if user is not None else None
    if resident is None or resident.status != ResidentStatus.INVITED:
        return
    if resident.welcomed_at is not None and resident.welcomed_at > utcnow() - NEW_LINK_EVERY:
        return
    _queue_welcome(resident)
    audit.record(None, "welcome_link_resent", "resident", resident.id)
    db.session.commit()
