"""Inviting residents to an open survey, through the outbox, within the contact limit.

Who is invited: for the whole panel, every member who may be asked at all
(``quota.pool.reachable_residents``), wants email, and is under the over-consultation limit;
for a quota sample, its selected members (the draw already applied its rules), still only those
who may be asked and want email. Nobody is invited twice. Each invitation is one email with the
personal link, one entry in the contact log (which the limit counts) and, for a sample, the
member's ``invited_at``. Whoever is left out is counted, with the reason.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

from flask import render_template
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from core import audit, mail
from core.extensions import db
from core.jobs import runner as jobs
from core.models import Job, JobStatus, User, utcnow
from core.templating import plural
from panel import contact_policy
from panel.models import Contact, Resident, ResidentStatus
from panel.unsubscribe import unsubscribe_link
from quota.models import MemberRole, SampleMember
from quota.pool import reachable_residents
from surveys.answering import invitation_token
from surveys.models import Audience, Invitation, Response, Survey, SurveyState

PURPOSE = "survey_invitation"
JOB_KIND = "survey_invitations"
PROGRESS_EVERY = 250  # residents between progress updates
REMINDER = "survey_reminder"
MAX_REMINDERS = 2
LEFT_OUT = {
    "already_invited": "already invited",
    "cannot_be_asked": "not an active, consenting member with a confirmed email",
    "no_email": "asked not to be contacted by email",
    "at_contact_limit": "at the contact limit",
}


class InvitationError(Exception):
    """Invitations cannot be sent; the message says why in plain English."""


@dataclass(frozen=True)
class InvitationReport:
    invited: int
    left_out: dict[str, int] = field(default_factory=dict)  # reason -> people

    def sentences(self) -> list[str]:
        return [f"{n:,} {'person' if n == 1 else 'people'} {LEFT_OUT[why]}"
                for why, n in self.left_out.items() if n]

    @property
    def sent_text(self) -> str:
        return f"{self.invited:,} invitation{'' if self.invited == 1 else 's'} sent"


def send_invitations(actor: User, survey: Survey) -> InvitationReport:
    """Invite now, in this request (the job below does the same for a whole panel)."""
    report = invite(actor, survey)
    db.session.commit()
    return report


def start_invitations(actor: User, survey: Survey) -> Job:
    """Queue the invitations as a job whose progress a page can show. Refused (with the
    reason) when they cannot be sent, or a job for this survey is already under way."""
    check_can_invite(survey)
    if running_job(survey) is not None:
        raise InvitationError("Invitations for this survey are already being sent.")
    job = jobs.enqueue(JOB_KIND, actor, {"survey_id": survey.id},
                       message="Waiting to start sending invitations")
    db.session.commit()
    return job


def running_job(survey: Survey) -> Job | None:
    return db.session.scalar(select(Job).where(
        Job.kind == JOB_KIND, Job.status.in_((JobStatus.QUEUED, JobStatus.RUNNING)),
        Job.params["survey_id"].as_integer() == survey.id).order_by(Job.id.desc()).limit(1))


def invitation_job(job_id: int) -> Job | None:
    job = db.session.get(Job, job_id)
    return job if job is not None and job.kind == JOB_KIND else None


def job_survey(job: Job) -> Survey | None:
    survey_id = job.params.get("survey_id")
    return db.session.get(Survey, survey_id) if isinstance(survey_id, int) else None


def job_details(job: Job) -> dict[str, Any]:
    """For the job page: the survey, and once the job is done, who was invited or left out."""
    report = (InvitationReport(job.result.get("invited", 0), job.result.get("left_out", {}))
              if job.status == JobStatus.DONE else None)
    return {"survey": job_survey(job), "report": report,
            "sent_text": report.sent_text if report else ""}


def run_invitation_job(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    survey = db.session.get(Survey, job.params["survey_id"])
    actor = db.session.get(User, job.created_by_id) if job.created_by_id else None
    if survey is None or actor is None:
        raise jobs.JobFailed("The survey or the officer who started this has been removed.")
    try:
        report = invite(actor, survey, progress)
        db.session.flush()
    except InvitationError as error:
        raise jobs.JobFailed(str(error)) from error
    except IntegrityError as error:  # a second job ran at the same moment: one invitation each
        raise jobs.JobFailed("Another job was sending this survey's invitations at the same "
                             "time, so this one stopped and sent nothing. Nobody was invited "
                             "twice. Send again to reach anyone it missed.") from error
    return {"invited": report.invited, "left_out": report.left_out,
            "summary": f"Finished: {report.sent_text}."}


def check_can_invite(survey: Survey) -> None:
    if survey.state != SurveyState.OPEN:
        raise InvitationError("Open the survey before sending invitations.")
    if survey.audience == Audience.PUBLIC:
        raise InvitationError("This survey is for anyone with the link: there is nobody to "
                              "invite by email.")


def invite(actor: User, survey: Survey,
           progress: jobs.Progress | None = None) -> InvitationReport:
    """Queue each invitation in the outbox, in the caller's transaction (not committed).
    Progress is reported as it goes where the database lets another connection write
    meanwhile (PostgreSQL; on SQLite the page shows the start and the end)."""
    check_can_invite(survey)
    now = utcnow()
    audience = _Audience.of(survey, now)
    sample_members = _sample_members(survey)
    left_out: Counter[str] = Counter()
    sent, account = 0, mail.absolute_url("account.overview")
    total = audience.total()
    if progress is not None:
        progress(0, total=total, message=f"Inviting {plural(total, 'person', 'people')}")
    for seen, resident in enumerate(audience.residents(), start=1):
        if progress is not None and progress.visible_while_writing and \
                seen % PROGRESS_EVERY == 0:
            progress(seen, message=f"Checked {seen:,} of {plural(total, 'person', 'people')}; "
                                   f"{sent:,} invited")
        reason = audience.left_out_because(resident)
        if reason:
            left_out[reason] += 1
            continue
        member = sample_members.get(resident.id)
        invitation = Invitation(survey=survey, resident=resident, sample_member=member,
                                invited_at=now, last_sent_at=now)
        db.session.add(invitation)
        db.session.flush()
        db.session.add(Contact(resident_id=resident.id, at=now, channel="email",
                               purpose=PURPOSE, reference=f"survey:{survey.id}"))
        if member is not None:
            member.invited_at = now
        mail.queue_templated(resident.user.email, "survey_invitation", resident=resident,
                             survey=survey, account_link=account,
                             unsubscribe_link=unsubscribe_link(resident),
                             link=mail.absolute_url("surveys.respond.start",
                                                    token=invitation_token(invitation)))
        sent += 1
    report = InvitationReport(sent, {why: left_out[why] for why in LEFT_OUT})
    audit.record(actor, "survey_invitations_sent", "survey", survey.id, invited=sent,
                 left_out=report.left_out)
    return report


# Why someone "cannot be asked", for the confirmation page (the first that applies)
NOT_REACHABLE = {
    "withdrawn": "left the panel",
    "paused": "paused their membership",
    "unconfirmed": "not confirmed their email address",
    "closed": "account closed",
    "no_consent": "not consented to membership, or withdrew consent",
}


@dataclass(frozen=True)
class InvitationPlan:
    """Who sending the invitations now would invite (the first ``shown`` of them, by id) and
    who it would leave out, and why: the same rules as ``invite``, nothing written."""

    report: InvitationReport
    first: list[int]  # resident ids, in the order the job invites them
    not_reachable: dict[str, int] = field(default_factory=dict)  # cannot_be_asked, by why

    def reasons(self) -> list[tuple[str, list[str]]]:
        """Each reason for leaving people out, with the finer reasons for "cannot be asked"."""
        finer = [f"{n:,} {why}" for why, n in ((NOT_REACHABLE[k], n)
                                              for k, n in self.not_reachable.items()) if n]
        return [(sentence, finer if why == "cannot_be_asked" else [])
                for why, sentence in zip((w for w, n in self.report.left_out.items() if n),
                                         self.report.sentences(), strict=True)]


def plan(survey: Survey, shown: int = 50) -> InvitationPlan:
    check_can_invite(survey)
    now = utcnow()
    audience = _Audience.of(survey, now)
    left_out: Counter[str] = Counter()
    not_reachable: Counter[str] = Counter()
    first: list[int] = []
    invited = 0
    for resident in audience.residents():
        reason = audience.left_out_because(resident)
        if reason == "cannot_be_asked":
            not_reachable[_not_reachable_because(resident, now)] += 1
        if reason:
            left_out[reason] += 1
            continue
        invited += 1
        if len(first) < shown:
            first.append(resident.id)
    return InvitationPlan(InvitationReport(invited, {why: left_out[why] for why in LEFT_OUT}),
                          first, {why: not_reachable[why] for why in NOT_REACHABLE})


def _not_reachable_because(resident: Resident, now: datetime) -> str:
    """Which of ``reachable_residents``' rules leaves this resident out (the first)."""
    if resident.status == ResidentStatus.WITHDRAWN:
        return "withdrawn"
    if resident.status == ResidentStatus.PAUSED and (
            resident.paused_until is None or resident.paused_until > now):
        return "paused"
    if resident.user.verified_at is None:
        return "unconfirmed"
    if not resident.user.is_active_account:
        return "closed"
    return "no_consent"


def record_plan_viewed(actor: User, survey: Survey, plan: InvitationPlan) -> None:
    """The confirmation page names members: the access is recorded (and committed)."""
    audit.record(actor, "survey_invitees_viewed", "survey", survey.id, shown=len(plan.first),
                 to_invite=plan.report.invited)
    db.session.commit()


@dataclass(frozen=True)
class _Audience:
    """The survey's audience at ``now`` and the sets that decide who of it is left out."""

    members: Any  # a SELECT of ids: a whole panel is too many ids for an IN list
    reachable: set[int]
    at_limit: set[int]
    invited: set[int]

    @classmethod
    def of(cls, survey: Survey, now: datetime) -> _Audience:
        members = _audience(survey)
        reachable = set(db.session.scalars(reachable_residents(now)
                                           .where(Resident.id.in_(members))).all())
        at_limit = set(db.session.scalars(contact_policy.at_cap_subquery(now)).all()) \
            if survey.audience == Audience.PANEL else set()
        invited = set(db.session.scalars(select(Invitation.resident_id).where(
            Invitation.survey_id == survey.id)).all())
        return cls(members, reachable, at_limit, invited)

    def total(self) -> int:
        return db.session.scalar(select(func.count()).select_from(self.members.subquery())) or 0

    def residents(self) -> Any:
        return db.session.scalars(select(Resident).where(Resident.id.in_(self.members))
                                  .options(joinedload(Resident.user)).order_by(Resident.id))

    def left_out_because(self, resident: Resident) -> str | None:
        return ("already_invited" if resident.id in self.invited else
                "cannot_be_asked" if resident.id not in self.reachable else
                "no_email" if not resident.contact_by_email else
                "at_contact_limit" if resident.id in self.at_limit else None)


def email_preview(survey: Survey) -> tuple[str, str]:
    """The invitation's subject and text as the officer is asked to confirm them: each
    resident's own name and links in place of the placeholders."""
    text = render_template(f"email/{PURPOSE}.txt", survey=survey,
                           resident=SimpleNamespace(first_name="[their first name]"),
                           account_link=mail.absolute_url("account.overview"),
                           link="[their own link to the survey]",
                           unsubscribe_link="[their own link to stop emails]")
    first, _, body = text.partition("\n")
    return first.removeprefix("Subject: ").strip(), body.strip()


def _audience(survey: Survey) -> Any:
    """SELECT of the ids of the residents the survey is for."""
    if survey.audience == Audience.SAMPLE:
        return (select(SampleMember.resident_id)
                .where(SampleMember.sample_id == survey.sample_id,
                       SampleMember.role == MemberRole.SELECTED,
                       SampleMember.resident_id.is_not(None)))
    return select(Resident.id)


def _sample_members(survey: Survey) -> dict[int, SampleMember]:
    if survey.sample_id is None:
        return {}
    members = db.session.scalars(select(SampleMember).where(
        SampleMember.sample_id == survey.sample_id, SampleMember.role == MemberRole.SELECTED,
        SampleMember.resident_id.is_not(None))).all()
    return {m.resident_id: m for m in members if m.resident_id is not None}


def send_reminders(now: datetime | None = None) -> int:
    """Remind invited members who have not sent their answers, on each open survey's schedule.

    At most two reminders (``Survey.reminder_days``: days after the invitation, e.g. 7 and
    14); never to someone who has sent, stopped reminders, left or paused the panel, or no
    longer wants email. Each reminder is a contact in the log. Returns how many were queued.
    """
    now = now or utcnow()
    reachable = set(db.session.scalars(reachable_residents(now)).all())
    sent = 0
    account = mail.absolute_url("account.overview")
    rows = db.session.execute(
        select(Invitation, Survey).join(Invitation.survey)
        .where(Survey.state == SurveyState.OPEN, Invitation.opted_out_at.is_(None),
               Invitation.reminders_sent < MAX_REMINDERS)
        .order_by(Invitation.id)).all()
    for invitation, survey in rows:
        schedule = sorted(survey.reminder_days or [])[:MAX_REMINDERS]
        if invitation.reminders_sent >= len(schedule):
            continue
        due = invitation.invited_at + timedelta(days=schedule[invitation.reminders_sent])
        resident = invitation.resident
        if (now < due or (survey.closes_at is not None and now >= survey.closes_at)
                or resident.id not in reachable or not resident.contact_by_email
                or _has_sent(invitation)):
            continue
        token = invitation_token(invitation)
        mail.queue_templated(
            resident.user.email, "survey_reminder", resident=resident, survey=survey,
            account_link=account, link=mail.absolute_url("surveys.respond.start", token=token),
            stop_link=mail.absolute_url("surveys.respond.stop_reminders", token=token),
            unsubscribe_link=unsubscribe_link(resident),
            last=invitation.reminders_sent + 1 == len(schedule))
        db.session.add(Contact(resident_id=resident.id, at=now, channel="email",
                               purpose=REMINDER, reference=f"survey:{survey.id}"))
        invitation.reminders_sent += 1
        invitation.last_sent_at = now
        sent += 1
    db.session.commit()
    return sent


def _has_sent(invitation: Invitation) -> bool:
    return db.session.scalar(select(Response.id).where(
        Response.invitation_id == invitation.id, Response.submitted_at.is_not(None))) is not None
