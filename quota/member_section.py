"""The samples a panel member was drawn in, as a section of their record for an officer
(``Feature.member_sections``, declared in ``quota.feature``): the e-panel shows it without
importing quota."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from core.extensions import db
from core.features import PageSection
from core.models import User
from panel.models import Resident
from quota import access
from quota.models import MemberRole, Sample, SampleMember


@dataclass(frozen=True)
class SampleRow:
    sample_id: int
    sample: str
    kind: str
    drawn_at: datetime
    role: str
    status: str
    invited_at: datetime | None


def _role(member: SampleMember) -> str:
    if member.role == MemberRole.RESERVE and member.rank:
        return f"Reserve ({member.rank})"
    if member.replaces_id is not None and member.role == MemberRole.SELECTED:
        return "Replacement"
    return member.role.label


def samples_of(resident: Resident) -> list[SampleRow]:
    rows = db.session.execute(
        select(SampleMember, Sample).join(SampleMember.sample)
        .where(SampleMember.resident_id == resident.id)
        .order_by(Sample.created_at.desc(), Sample.id.desc())).all()
    return [SampleRow(sample.id, sample.name, sample.mode.label, sample.created_at,
                      _role(member), sample.status.label, member.invited_at)
            for member, sample in rows]


def samples_section(viewer: User, resident: Resident) -> PageSection | None:
    if not viewer.has_role(*access.STAFF):
        return None
    return PageSection("Samples", "quota/_member_samples.html",
                       {"samples": samples_of(resident)})
