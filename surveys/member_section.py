"""What surveys add to a panel member's record for an officer (declared in ``surveys.feature``,
so the e-panel shows it without importing surveys): the survey a contact was about
(``Feature.contact_labels``) and the surveys the member was invited to, with whether they
answered (``Feature.member_sections``). Never their answers: those stay with the results."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from core.extensions import db
from core.features import PageSection
from core.models import Role, User
from panel.models import Resident
from surveys.models import Invitation, Response, Survey

PREFIX = "survey:"


def contact_labels(references: list[str]) -> Mapping[str, str]:
    """"survey:12" -> the survey's title, for the references that name a survey."""
    ids = {int(ref[len(PREFIX):]) for ref in references
           if ref.startswith(PREFIX) and ref[len(PREFIX):].isdigit()}
    if not ids:
        return {}
    return {f"{PREFIX}{survey_id}": title for survey_id, title in db.session.execute(
        select(Survey.id, Survey.title).where(Survey.id.in_(ids)))}


@dataclass(frozen=True)
class InvitationRow:
    survey_id: int
    title: str
    state: str
    invited_at: datetime
    reminders_sent: int
    answered_at: datetime | None


def invitations_of(resident: Resident) -> list[InvitationRow]:
    answered = dict(db.session.execute(
        select(Response.survey_id, Response.submitted_at).where(
            Response.resident_id == resident.id, Response.submitted_at.is_not(None))).all())
    rows = db.session.execute(
        select(Invitation, Survey).join(Invitation.survey)
        .where(Invitation.resident_id == resident.id)
        .order_by(Invitation.invited_at.desc(), Invitation.id.desc())).all()
    return [InvitationRow(survey.id, survey.title, survey.state.label, invitation.invited_at,
                          invitation.reminders_sent, answered.get(survey.id))
            for invitation, survey in rows]


def surveys_section(viewer: User, resident: Resident) -> PageSection | None:
    if not viewer.has_role(Role.OFFICER):
        return None
    return PageSection("Surveys", "surveys/_member_invitations.html",
                       {"invitations": invitations_of(resident)})
