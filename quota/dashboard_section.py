"""Samples on a member of staff's dashboard (``Feature.dashboard_sections``, declared in
``quota.feature``): the open samples, and the designs an officer approved that are ready to
draw, each linked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from core.extensions import db
from core.features import PageSection
from core.models import User
from quota import access
from quota.models import Sample, SampleDesign, SampleStatus

SHOWN = 5


@dataclass(frozen=True)
class SampleLine:
    id: int
    name: str
    kind: str
    drawn_at: datetime
    size: int


def samples_section(viewer: User) -> PageSection | None:
    if not viewer.has_role(*access.STAFF):
        return None
    open_samples = db.session.scalar(select(func.count()).select_from(Sample).where(
        Sample.status == SampleStatus.OPEN)) or 0
    latest = [SampleLine(s.id, s.name, s.mode.label, s.created_at, s.size)
              for s in db.session.scalars(select(Sample).where(Sample.status == SampleStatus.OPEN)
                                          .order_by(Sample.created_at.desc(), Sample.id.desc())
                                          .limit(SHOWN))]
    designs = db.session.scalar(select(func.count()).select_from(SampleDesign).where(
        SampleDesign.withdrawn_at.is_(None))) or 0
    return PageSection("Samples", "quota/_dashboard.html",
                       {"open_samples": open_samples, "latest": latest, "designs": designs})
