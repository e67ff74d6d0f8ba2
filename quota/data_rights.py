"""A resident's own record of the samples they were drawn in, for their data download.

``panel.data_export`` gathers the sections features declare; this one (``quota.feature``) lists
each sample the resident is in (selected, reserve or dropped out), with their chance of
selection for fair panels.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.extensions import db
from panel.models import Resident
from quota.models import Sample, SampleMember


def samples_section(resident: Resident) -> tuple[str, list[dict[str, Any]]]:
    rows = db.session.execute(
        select(SampleMember, Sample).join(SampleMember.sample)
        .where(SampleMember.resident_id == resident.id)
        .order_by(Sample.created_at, Sample.id)).all()
    return "samples", [{
        "sample": sample.name, "kind": sample.mode.label, "drawn_at": sample.created_at,
        "role": member.role.label, "reserve_rank": member.rank,
        "chance_of_selection": member.probability, "invited_at": member.invited_at,
        "sample_status": sample.status.label,
    } for member, sample in rows]
