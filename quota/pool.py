"""Who can be drawn, and the quotas a target set gives: from the database to the pure core.

Always in the pool: residents with a confirmed email, an active membership (not paused, not
left) and a standing membership consent, who gave a real answer (not "Prefer not to say", not
blank) to every chosen question. Optional rules narrow it further: under the contact limit, not
selected in another open sample, interested in events, living in chosen wards.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select

from panel.contact_policy import at_cap_subquery
from panel.extensions import db
from panel.models import (
    Category,
    Consent,
    ConsentKind,
    Dimension,
    ProfileAnswer,
    Resident,
    ResidentStatus,
    Target,
    User,
    utcnow,
)
from quota.models import MemberRole, Sample, SampleMember, SampleMode, SampleStatus
from quota.problem import Pool, Quota
from quota.targets import quotas_from_shares

WARD = "ward"


@dataclass(frozen=True)
class SampleSpec:
    """What an officer asks for (also the job's parameters and the stored ``Sample.spec``)."""

    name: str
    mode: SampleMode
    target_set_id: int
    dimensions: tuple[str, ...]
    size: int
    tolerance: int = 0
    household: bool = False
    seed: int | None = None
    under_contact_cap: bool = True
    not_in_open_sample: bool = True
    events_only: bool = False
    wards: tuple[str, ...] = ()
    overrides: tuple[tuple[str, str, int, int], ...] = ()  # (dimension, category, min, max)

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "mode": self.mode.value, "dimensions": list(self.dimensions),
                "wards": list(self.wards), "overrides": [list(o) for o in self.overrides]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SampleSpec:
        return cls(**{**data, "mode": SampleMode(data["mode"]),
                      "dimensions": tuple(data["dimensions"]), "wards": tuple(data["wards"]),
                      "overrides": tuple(tuple(o) for o in data.get("overrides", ()))})


@dataclass(frozen=True)
class PoolDraft:
    """The pool for a spec, and how many people each rule left out (for the methods note)."""

    pool: Pool
    left_out: dict[str, int] = field(default_factory=dict)


def reachable_residents(now: datetime | None = None) -> Any:
    """Select of the ids of members who may be asked at all: email confirmed, account active,
    membership active (or its pause over), and their latest membership consent a yes."""
    now = now or utcnow()
    latest_membership = (select(Consent.granted)
                         .where(Consent.resident_id == Resident.id,
                                Consent.kind == ConsentKind.MEMBERSHIP)
                         .order_by(Consent.recorded_at.desc(), Consent.id.desc())
                         .limit(1).scalar_subquery())
    query = (select(Resident.id).join(Resident.user)
             .where(User.verified_at.is_not(None), User.is_active_account.is_(True),
                    or_(Resident.status == ResidentStatus.ACTIVE,
                        and_(Resident.status == ResidentStatus.PAUSED,
                             Resident.paused_until.is_not(None), Resident.paused_until <= now)),
                    latest_membership.is_(True)))
    return query


def eligible_residents(spec: SampleSpec, now: datetime | None = None) -> Any:
    """Select of the ids of residents every pool rule allows (before the answers rule)."""
    now = now or utcnow()
    query = reachable_residents(now)
    if spec.under_contact_cap:
        query = query.where(Resident.id.not_in(at_cap_subquery(now)))
    if spec.not_in_open_sample:
        query = query.where(Resident.id.not_in(
            select(SampleMember.resident_id).join(SampleMember.sample)
            .where(Sample.status == SampleStatus.OPEN, SampleMember.resident_id.is_not(None),
                   SampleMember.role == MemberRole.SELECTED)))
    if spec.events_only:
        query = query.where(Resident.interested_in_events.is_(True))
    return query


def build_pool(spec: SampleSpec, now: datetime | None = None) -> PoolDraft:
    """The people a draw for ``spec`` chooses from, in canonical (id) order."""
    eligible = eligible_residents(spec, now)
    asked = set(spec.dimensions) | ({WARD} if spec.wards else set())
    rows = db.session.execute(
        select(ProfileAnswer.resident_id, Dimension.key, Category.key,
               Category.prefer_not_to_say)
        .join(ProfileAnswer.dimension).join(ProfileAnswer.category)
        .where(Dimension.key.in_(asked), ProfileAnswer.resident_id.in_(eligible))
    ).all()
    answers: dict[int, dict[str, str]] = {}
    declined: set[int] = set()
    for resident_id, dimension, category, prefer_not in rows:
        if prefer_not and dimension in spec.dimensions:
            declined.add(resident_id)
        answers.setdefault(resident_id, {})[dimension] = category
    everyone = set(db.session.scalars(eligible))
    complete = sorted(r for r in everyone if r not in declined
                      and all(d in answers.get(r, {}) for d in spec.dimensions))
    left_out = {"did not answer every chosen question": len(everyone) - len(complete)}
    if spec.wards:
        in_wards = [r for r in complete if answers[r].get(WARD) in spec.wards]
        left_out["outside the chosen wards"] = len(complete) - len(in_wards)
        complete = in_wards
    households = None
    if spec.household:
        keys = dict(db.session.execute(select(Resident.id, Resident.household_key)
                                       .where(Resident.id.in_(complete))).all())
        households = [keys[r] or f"resident:{r}" for r in complete]
    pool = Pool(ids=complete, profiles={d: [answers[r][d] for r in complete]
                                        for d in spec.dimensions}, households=households)
    return PoolDraft(pool, left_out)


def quotas_for(spec: SampleSpec, pool: Pool) -> list[Quota]:
    """Quotas from the target set's shares for the chosen dimensions (rounding: quota.targets).

    Categories with no target (and found in the pool) get a share of zero; "Prefer not to
    say" never has one. With a ward filter the ward shares are those of the chosen wards.
    """
    targets = db.session.execute(
        select(Dimension.key, Category.key, Target.share)
        .join(Target.dimension).join(Target.category)
        .where(Target.target_set_id == spec.target_set_id, Dimension.key.in_(spec.dimensions),
               Category.prefer_not_to_say.is_(False))).all()
    shares: dict[str, dict[str, float]] = {d: {} for d in spec.dimensions}
    for dimension, category, share in targets:
        if dimension == WARD and spec.wards and category not in spec.wards:
            continue
        shares[dimension][category] = float(share)
    for dimension in spec.dimensions:
        for category in Counter(pool.profiles[dimension]):
            shares[dimension].setdefault(category, 0.0)
    quotas = quotas_from_shares(shares, spec.size, spec.tolerance)
    changed = {(d, c): (low, high) for d, c, low, high in spec.overrides}
    return [replace(q, min=changed[key][0], max=changed[key][1])
            if (key := (q.dimension, q.category)) in changed else q for q in quotas]


def dimensions_with_targets(target_set_id: int) -> list[Dimension]:
    """Live dimensions the target set has shares for, in question order."""
    keys = set(db.session.scalars(select(Dimension.key).join(Target.dimension)
                                  .where(Target.target_set_id == target_set_id)))
    return [d for d in db.session.scalars(select(Dimension).where(Dimension.retired_at.is_(None))
                                          .order_by(Dimension.position, Dimension.id))
            if d.key in keys]
