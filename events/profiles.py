"""Who each registrant is on the quota questions: the categories selection, replacement and the
dashboard count, for panel members and public registrants alike.

A panel member's answers are read live from their profile (so a withdrawn special-category
consent, or an erased account, is respected); a public registrant's are the answers they gave
on the registration form (``Registration.profile``). "Prefer not to say", no answer, or an
answer the panel no longer has, is ``NOT_KNOWN``: a group of its own, never a reason to leave
anyone out. Screening questions are dimensions keyed ``q<id>`` with the answer as category.

Callers choose the dimensions: an organiser's page passes only those they may see
(``quota.access.hidden_dimensions``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select

from core.extensions import db
from events.models import Registration
from panel.models import Category, Dimension, ProfileAnswer
from quota.disclosure import NOT_KNOWN
from quota.pool import group_key

Profile = dict[str, str]


def registrant_profiles(registrations: Sequence[Registration], dimensions: Iterable[str], *,
                        merged: Iterable[str] = ()) -> dict[int, Profile]:
    """Registration id -> dimension -> category key, for every registration given and every
    dimension asked (``NOT_KNOWN`` where unknown). ``merged``: dimensions matched on their
    parent groups (as a quota design can ask)."""
    dimensions, merged = list(dimensions), set(merged)
    panel_dims = [d for d in dimensions if not d.startswith("q")]
    residents = {r.resident_id: r.id for r in registrations if r.resident_id is not None}
    answers: dict[int, Profile] = {}
    known = _categories(panel_dims)
    if residents and panel_dims:
        rows = db.session.execute(
            select(ProfileAnswer.resident_id, Dimension.key, Category.key,
                   Category.prefer_not_to_say, Category.group_label)
            .join(ProfileAnswer.dimension).join(ProfileAnswer.category)
            .where(Dimension.key.in_(panel_dims),
                   ProfileAnswer.resident_id.in_(list(residents))))
        for resident_id, dimension, category, prefer_not, group in rows:
            answers.setdefault(residents[resident_id], {})[dimension] = _key(
                dimension, category, prefer_not, group, merged)
    profiles: dict[int, Profile] = {}
    for registration in registrations:
        given = answers.get(registration.id, {})
        if registration.resident_id is None:
            given = {d: _public_answer(d, registration.profile.get(d), known, merged)
                     for d in panel_dims}
        profile = {d: given.get(d, NOT_KNOWN) for d in panel_dims}
        for d in dimensions:
            if d.startswith("q"):
                profile[d] = registration.screening.get(d) or NOT_KNOWN
        profiles[registration.id] = {d: profile[d] for d in dimensions}
    return profiles


def _categories(dimensions: list[str]) -> dict[tuple[str, str], tuple[bool, str]]:
    if not dimensions:
        return {}
    return {(d, c): (prefer_not, group) for d, c, prefer_not, group in db.session.execute(
        select(Dimension.key, Category.key, Category.prefer_not_to_say, Category.group_label)
        .join(Category.dimension).where(Dimension.key.in_(dimensions)))}


def _key(dimension: str, category: str, prefer_not: bool, group: str, merged: set[str]) -> str:
    if prefer_not:
        return NOT_KNOWN
    if dimension in merged and group and dimension != "ward":
        return group_key(group)
    return category


def _public_answer(dimension: str, category: str | None,
                   known: dict[tuple[str, str], tuple[bool, str]], merged: set[str]) -> str:
    if category is None or (dimension, category) not in known:
        return NOT_KNOWN
    prefer_not, group = known[(dimension, category)]
    return _key(dimension, category, prefer_not, group, merged)
