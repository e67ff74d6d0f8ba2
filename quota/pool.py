"""Who can be drawn, and the quotas a target set gives: from the database to the pure core.

Always in the pool: residents with a confirmed email, an active membership (not paused, not
left) and a standing membership consent, whatever they answered. Someone who chose "Prefer not
to say" on a chosen question, or never answered it, is in the pool as "Not known" on that
question: a group of its own with its own quota (by default its share of the pool), never a
reason to leave anyone out. Optional rules narrow the pool: under the contact limit, not
selected in another open sample, interested in events, living in chosen wards.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select

from core.extensions import db
from core.models import User, utcnow
from panel.contact_policy import at_cap_subquery
from panel.models import (
    Category,
    Consent,
    ConsentKind,
    Dimension,
    ProfileAnswer,
    Resident,
    ResidentStatus,
    Target,
)
from quota.disclosure import NOT_KNOWN
from quota.models import MemberRole, Sample, SampleMember, SampleMode, SampleStatus
from quota.problem import Pool, Quota
from quota.targets import quotas_from_shares

WARD = "ward"
NOT_KNOWN_LABEL = "Not known (prefer not to say, or not answered)"


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
    merged: tuple[str, ...] = ()  # dimensions matched on their parent groups (group_label)

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "mode": self.mode.value, "dimensions": list(self.dimensions),
                "wards": list(self.wards), "overrides": [list(o) for o in self.overrides],
                "merged": list(self.merged)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SampleSpec:
        return cls(**{**data, "mode": SampleMode(data["mode"]),
                      "dimensions": tuple(data["dimensions"]), "wards": tuple(data["wards"]),
                      "overrides": tuple(tuple(o) for o in data.get("overrides", ())),
                      "merged": tuple(data.get("merged", ()))})


@dataclass(frozen=True)
class PoolDraft:
    """The pool for a spec, and how many people each rule left out (for the methods note)."""

    pool: Pool
    left_out: dict[str, int] = field(default_factory=dict)


def reachable_residents(now: datetime | None = None) -> Any:
    """Select of the ids of members who may be asked at all: email confirmed, account active,
    membership active (or its pause over), and their latest membership consent a yes. An
    imported member who has not confirmed yet (``ResidentStatus.INVITED``, panel.welcome) is
    none of these, so is never sampled or invited."""
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
               Category.prefer_not_to_say, Category.group_label)
        .join(ProfileAnswer.dimension).join(ProfileAnswer.category)
        .where(Dimension.key.in_(asked), ProfileAnswer.resident_id.in_(eligible))
    ).all()
    answers: dict[int, dict[str, str]] = {}
    for resident_id, dimension, category, prefer_not, group in rows:
        if prefer_not:
            category = NOT_KNOWN
        elif dimension in spec.merged and group and dimension != WARD:
            category = group_key(group)
        answers.setdefault(resident_id, {})[dimension] = category
    complete = sorted(db.session.scalars(eligible))
    left_out: dict[str, int] = {}
    if spec.wards:
        in_wards = [r for r in complete if answers.get(r, {}).get(WARD) in spec.wards]
        left_out["outside the chosen wards"] = len(complete) - len(in_wards)
        complete = in_wards
    households = None
    if spec.household:
        keys = dict(db.session.execute(select(Resident.id, Resident.household_key)
                                       .where(Resident.id.in_(complete))).all())
        households = [keys[r] or f"resident:{r}" for r in complete]
    pool = Pool(ids=complete, profiles={d: [answers.get(r, {}).get(d, NOT_KNOWN) for r in complete]
                                        for d in spec.dimensions}, households=households)
    return PoolDraft(pool, left_out)


def quotas_for(spec: SampleSpec, pool: Pool) -> list[Quota]:
    """Quotas from the target set's shares for the chosen dimensions (rounding: quota.targets).

    Categories with no target (and found in the pool) get a share of zero. "Not known" (prefer
    not to say, or no answer) has no population target: its share is its share of the pool,
    and the known categories share the rest in the target set's proportions. With a ward
    filter the ward shares are those of the chosen wards.
    """
    targets = db.session.execute(
        select(Dimension.key, Category.key, Target.share, Category.group_label)
        .join(Target.dimension).join(Target.category)
        .where(Target.target_set_id == spec.target_set_id, Dimension.key.in_(spec.dimensions),
               Category.prefer_not_to_say.is_(False))).all()
    shares: dict[str, dict[str, float]] = {d: {} for d in spec.dimensions}
    for dimension, category, share, group in targets:
        if dimension == WARD and spec.wards and category not in spec.wards:
            continue
        if dimension in spec.merged and group and dimension != WARD:
            category = group_key(group)
        shares[dimension][category] = shares[dimension].get(category, 0.0) + float(share)
    for dimension in spec.dimensions:
        found = Counter(pool.profiles[dimension])
        for category in found:
            if category != NOT_KNOWN:
                shares[dimension].setdefault(category, 0.0)
        unknown = found.get(NOT_KNOWN, 0) / len(pool) if len(pool) else 0.0
        known = sum(shares[dimension].values())
        if unknown and known > 0:
            shares[dimension] = {c: s / known * (1 - unknown)
                                 for c, s in shares[dimension].items()}
            shares[dimension][NOT_KNOWN] = unknown
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


def private_dimensions(keys: tuple[str, ...] | list[str]) -> dict[str, str]:
    """The special-category dimensions among ``keys`` (key -> label), in the order given."""
    found = dict(db.session.execute(select(Dimension.key, Dimension.label).where(
        Dimension.key.in_(list(keys)), Dimension.special_category.is_(True))).all())
    return {k: found[k] for k in keys if k in found}


def category_labels(keys: list[str]) -> dict[tuple[str, str], str]:
    """(dimension, category) -> label for the dimensions ``keys``, parent groups and "Not
    known" included."""
    rows = db.session.execute(
        select(Dimension.key, Category.key, Category.label, Category.group_label)
        .join(Category.dimension).where(Dimension.key.in_(keys))).all()
    groups = {(d, group_key(g)): g for d, _, _, g in rows if g}
    return {**groups, **{(d, c): label for d, c, label, _ in rows},
            **{(d, NOT_KNOWN): NOT_KNOWN_LABEL for d in keys}}


def category_order(keys: list[str]) -> dict[tuple[str, str], int]:
    """(dimension, category) -> its place in the questionnaire (Category.position), a parent
    group at its first answer's place; "Not known" and anything unknown sort last (use
    ``.get(key, len(order))``)."""
    order: dict[tuple[str, str], int] = {}
    for i, (d, c, group) in enumerate(db.session.execute(
            select(Dimension.key, Category.key, Category.group_label).join(Category.dimension)
            .where(Dimension.key.in_(keys))
            .order_by(Dimension.position, Category.position, Category.id))):
        order[(d, c)] = i
        if group:
            order.setdefault((d, group_key(group)), i)
    return order


def in_questionnaire_order(rows: list, key) -> list:
    """``rows`` sorted by ``key(row)`` = (dimension, category) in the questionnaire's order."""
    order = category_order(list(dict.fromkeys(key(r)[0] for r in rows)))
    return sorted(rows, key=lambda r: order.get(key(r), len(order)))


def group_key(group_label: str) -> str:
    """The category key of a parent group when answers are merged ("Asian or Asian British"
    -> "group_asian_or_asian_british")."""
    return "group_" + re.sub(r"[^a-z0-9]+", "_", group_label.lower()).strip("_")


def parent_groups(keys: list[str]) -> dict[str, int]:
    """Dimensions among ``keys`` whose answers have parent groups -> how many groups."""
    rows = db.session.execute(
        select(Dimension.key, Category.group_label).join(Category.dimension)
        .where(Dimension.key.in_(keys), Dimension.key != WARD, Category.group_label != "",
               Category.retired_at.is_(None)).distinct()).all()
    counts = Counter(d for d, _ in rows)
    return {k: counts[k] for k in keys if counts[k] > 1}
