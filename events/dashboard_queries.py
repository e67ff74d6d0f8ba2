"""What the organiser's dashboard reads from the database (the maths is in
``events.dashboard``): counts by status in one query, the selected registrants' categories
(``events.profiles``), the borough's shares from the event's target set, the questions the
viewer may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select

from core.extensions import db
from core.features import PageSection
from core.models import Role, User, utcnow
from events import dashboard
from events.models import (
    AccessNeed,
    Event,
    EventSession,
    EventStatus,
    NeedStatus,
    Registration,
    RegistrationStatus,
)
from events.profiles import registrant_profiles
from panel.models import Category, Dimension, Target
from quota.access import hidden_dimensions
from quota.disclosure import NOT_KNOWN
from quota.models import SampleDesign
from quota.pool import category_labels, category_order, group_key

NOT_KNOWN_LABEL = "Not known"
ACTIVE = (RegistrationStatus.INTERESTED, RegistrationStatus.SELECTED,
          RegistrationStatus.CONFIRMED, RegistrationStatus.RESERVE)


def visible_dimensions(viewer: User | None, event: Event) -> list[str]:
    """The event's quota questions the viewer may see (organisers: never special-category)."""
    hidden = hidden_dimensions(viewer, event.dimensions or [])
    keys = [d for d in (event.dimensions or []) if d not in hidden]
    keys += [q.key for q in event.questions if q.quota_shares and q.key not in keys]
    return keys


def merged_dimensions(event: Event) -> list[str]:
    if event.design_id is None:
        return []
    design = db.session.get(SampleDesign, event.design_id)
    return list((design.spec or {}).get("merged", ())) if design else []


def status_counts(event: Event) -> dict[RegistrationStatus, int]:
    return {status: n for status, n in db.session.execute(
        select(Registration.status, func.count()).where(Registration.event_id == event.id)
        .group_by(Registration.status))}


def borough_shares(event: Event, keys: list[str], merged: list[str]) -> dict[str, dict[str,
                                                                                       float]]:
    shares: dict[str, dict[str, float]] = {k: {} for k in keys}
    panel_keys = [k for k in keys if not k.startswith("q")]
    if event.target_set_id is not None and panel_keys:
        for dimension, category, group, share in db.session.execute(
                select(Dimension.key, Category.key, Category.group_label, Target.share)
                .join(Target.dimension).join(Target.category)
                .where(Target.target_set_id == event.target_set_id,
                       Dimension.key.in_(panel_keys))):
            key = group_key(group) if dimension in merged and group and \
                dimension != "ward" else category
            shares[dimension][key] = shares[dimension].get(key, 0.0) + float(share)
    for question in event.questions:
        if question.key in shares and question.quota_shares:
            shares[question.key] = {k: float(v) for k, v in question.quota_shares.items()}
    return shares


def questions(event: Event, keys: list[str], merged: list[str]) -> list[dashboard.Question]:
    panel_keys = [k for k in keys if not k.startswith("q")]
    labels = category_labels(panel_keys) if panel_keys else {}
    order = category_order(panel_keys) if panel_keys else {}
    dimension_labels = dict(db.session.execute(
        select(Dimension.key, Dimension.label).where(Dimension.key.in_(panel_keys))).all()) \
        if panel_keys else {}
    shares = borough_shares(event, keys, merged)
    screening = {q.key: q for q in event.questions}
    found = []
    for key in keys:
        if key in screening:
            q = screening[key]
            categories = [(o, o) for o in q.options] + [(NOT_KNOWN, NOT_KNOWN_LABEL)]
            found.append(dashboard.Question(key, q.text, tuple(categories), shares[key]))
            continue
        in_dimension = [c for (d, c) in labels if d == key]
        if key in merged:
            in_dimension = [c for c in in_dimension if c.startswith("group_")
                            or c == NOT_KNOWN]
        else:
            in_dimension = [c for c in in_dimension if not c.startswith("group_")]
        in_dimension.sort(key=lambda c: (c == NOT_KNOWN, order.get((key, c), len(order))))
        found.append(dashboard.Question(
            key, dimension_labels.get(key, key),
            tuple((c, labels[(key, c)]) for c in in_dimension), shares[key]))
    return found


def event_dashboard(viewer: User | None, event: Event) -> dashboard.Dashboard:
    keys = visible_dimensions(viewer, event)
    merged = merged_dimensions(event)
    selected = list(db.session.scalars(select(Registration).where(
        Registration.event_id == event.id,
        Registration.status.in_(list(dashboard.SELECTED)))))
    profiles = registrant_profiles(selected, keys, merged=[m for m in merged if m in keys]) \
        if keys else {}
    people = [(r.status, profiles.get(r.id, {})) for r in selected]
    suppress = viewer is not None and not viewer.has_role(Role.OFFICER)
    return dashboard.build(status_counts(event), event.capacity, event.places_taken,
                           questions(event, keys, merged), people, suppress=suppress)


# --- the staff dashboard's section (``Feature.dashboard_sections``) -------------------------

SHOWN = 5


@dataclass(frozen=True)
class UpcomingEvent:
    id: int
    title: str
    status: str
    starts_at: datetime | None
    places: str
    interested: int      # waiting for selection
    to_confirm: int      # selected, not confirmed yet
    needs: int           # access needs to arrange


def events_section(viewer: User) -> PageSection | None:
    """The viewer's upcoming events (officers: every event) and what needs attention."""
    if not viewer.has_role(Role.OFFICER, Role.ORGANISER):
        return None
    now = utcnow()
    first = (select(EventSession.event_id, func.min(EventSession.starts_at).label("starts"))
             .group_by(EventSession.event_id).subquery())
    query = (select(Event, first.c.starts).outerjoin(first, first.c.event_id == Event.id)
             .where(Event.status.in_([EventStatus.DRAFT, EventStatus.RECRUITING,
                                      EventStatus.SELECTING]),
                    or_(first.c.starts.is_(None), first.c.starts >= now))
             .order_by(first.c.starts.is_(None), first.c.starts, Event.id).limit(SHOWN))
    if not viewer.has_role(Role.OFFICER):
        query = query.where(Event.organisers.any(id=viewer.id))
    rows = db.session.execute(query).all()
    ids = [event.id for event, _ in rows]
    counts: dict[tuple[int, RegistrationStatus], int] = {}
    needs: dict[int, int] = {}
    if ids:
        counts = {(e, s): n for e, s, n in db.session.execute(
            select(Registration.event_id, Registration.status, func.count())
            .where(Registration.event_id.in_(ids),
                   Registration.status.in_([RegistrationStatus.INTERESTED,
                                            RegistrationStatus.SELECTED]))
            .group_by(Registration.event_id, Registration.status))}
        needs = dict(db.session.execute(
            select(Registration.event_id, func.count()).join(AccessNeed.registration)
            .where(Registration.event_id.in_(ids), AccessNeed.status == NeedStatus.REQUESTED,
                   Registration.status.in_(list(ACTIVE)))
            .group_by(Registration.event_id)).all())
    upcoming = [UpcomingEvent(
        event.id, event.title, event.status.label, starts,
        f"{event.places_taken} of {event.capacity}",
        counts.get((event.id, RegistrationStatus.INTERESTED), 0),
        counts.get((event.id, RegistrationStatus.SELECTED), 0), needs.get(event.id, 0))
        for event, starts in rows]
    return PageSection("Events", "events/manage/_dashboard_section.html",
                       {"upcoming": upcoming,
                        "officer": viewer.has_role(Role.OFFICER)})
