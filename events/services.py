"""Setting up an event and running its page: one function per use case, each taking the
``actor``, committing once, and writing the audit log when personal data is opened or people
are affected. Routes turn ``EventProblem`` into a message (``field`` says which one)."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from core.audit import record
from core.errors import DomainError
from core.extensions import db
from core.mail import absolute_url, queue_templated
from core.models import Role, User, utcnow
from events.dashboard_queries import event_dashboard
from events.models import (
    Event,
    EventSession,
    EventStatus,
    Registration,
    RegistrationStatus,
    ScreeningQuestion,
)
from events.registrations import change_status
from panel.models import Dimension, TargetSet
from quota.access import hidden_dimensions
from quota.models import SampleDesign
from quota.pool import private_dimensions

S = RegistrationStatus
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"   # no 0/O, 1/I/L
CODE_LENGTH = 8
AFFECTED_BY_CANCELLING = (S.INVITED, S.INTERESTED, S.SELECTED, S.CONFIRMED, S.RESERVE)
EDITABLE = (EventStatus.DRAFT, EventStatus.RECRUITING, EventStatus.SELECTING)


class EventProblem(DomainError):
    """Something about the event that cannot be done, said plainly (``field``: the form field
    it belongs to, if one)."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def _editable(event: Event) -> None:
    if event.status not in EDITABLE:
        raise EventProblem(f"This event is {event.status.label.lower()}, so it cannot be "
                           "changed.")


# --- details, sessions, support, recruitment ------------------------------------------------

def create_event(actor: User, *, engagement_id: int, title: str, purpose: str, format: Any,
                 capacity: int) -> Event:
    event = Event(engagement_id=engagement_id, title=title, purpose=purpose, format=format,
                  capacity=capacity, created_by_id=actor.id, status=EventStatus.DRAFT)
    if actor.has_role(Role.ORGANISER) and not actor.has_role(Role.OFFICER):
        event.organisers.append(actor)
    db.session.add(event)
    db.session.flush()
    record(actor, "event.created", "event", event.id, title=title)
    db.session.commit()
    return event


def update_details(actor: User, event: Event, **values: Any) -> None:
    _editable(event)
    if "capacity" in values and event.status != EventStatus.DRAFT:
        values.pop("capacity")  # after the draft, through change_capacity
    for name, value in values.items():
        setattr(event, name, value)
    record(actor, "event.details_changed", "event", event.id)
    db.session.commit()


def save_session(actor: User, event: Event, session: EventSession | None,
                 **values: Any) -> EventSession:
    _editable(event)
    if session is None:
        session = EventSession(**values)
        event.sessions.append(session)
    else:
        for name, value in values.items():
            setattr(session, name, value)
    db.session.flush()
    record(actor, "event.session_saved", "event", event.id, session_id=session.id)
    db.session.commit()
    db.session.refresh(event, ["sessions"])
    return session


def remove_session(actor: User, event: Event, session: EventSession) -> None:
    _editable(event)
    if event.status != EventStatus.DRAFT and len(event.sessions) == 1:
        raise EventProblem("An event open for recruitment needs at least one session: add "
                           "another before removing this one.")
    event.sessions.remove(session)
    record(actor, "event.session_removed", "event", event.id, session_id=session.id)
    db.session.commit()


def save_support(actor: User, event: Event, **values: Any) -> None:
    _editable(event)
    for name, value in values.items():
        setattr(event, name, value)
    record(actor, "event.support_changed", "event", event.id)
    db.session.commit()


def save_recruitment(actor: User, event: Event, **values: Any) -> None:
    _editable(event)
    for name, value in values.items():
        setattr(event, name, value)
    record(actor, "event.recruitment_changed", "event", event.id)
    db.session.commit()


# --- quotas and screening questions --------------------------------------------------------

def quota_dimensions(actor: User) -> list[tuple[str, str]]:
    """The profile questions ``actor`` may use directly as quotas (organisers: never
    special-category ones; those come through an approved design)."""
    query = select(Dimension.key, Dimension.label).where(Dimension.retired_at.is_(None)) \
        .order_by(Dimension.position, Dimension.id)
    if not actor.has_role(Role.OFFICER):
        query = query.where(Dimension.special_category.is_(False))
    return [(k, label) for k, label in db.session.execute(query)]


def approved_designs() -> list[SampleDesign]:
    return list(db.session.scalars(select(SampleDesign).where(
        SampleDesign.withdrawn_at.is_(None)).order_by(SampleDesign.name, SampleDesign.id)))


def save_quotas(actor: User, event: Event, *, design_id: int | None, target_set_id: int | None,
                dimensions: Sequence[str], one_per_household: bool) -> None:
    _editable(event)
    if event.selected_at is not None:
        raise EventProblem("The people have been selected, so the quotas cannot change now.")
    if design_id is not None:
        design = db.session.get(SampleDesign, design_id)
        if design is None or design.withdrawn_at is not None:
            raise EventProblem("That design has been withdrawn: choose another", "design")
        spec = design.spec or {}
        event.design_id = design.id
        event.target_set_id = spec.get("target_set_id")
        event.dimensions = list(spec.get("dimensions", ()))
        event.one_per_household = bool(spec.get("household", one_per_household))
        record(actor, "event.quotas_changed", "event", event.id, design_id=design.id)
        db.session.commit()
        return
    dimensions = list(dict.fromkeys(dimensions))
    private = private_dimensions(dimensions)
    if private and not actor.has_role(Role.OFFICER):
        raise EventProblem(
            f"Only an engagement officer can set quotas on {' or '.join(private.values())}: "
            "it is special-category data. Choose an approved quota design instead.",
            "dimensions")
    event.design_id = None
    event.target_set_id = target_set_id
    event.dimensions = dimensions
    event.one_per_household = one_per_household
    detail: dict[str, Any] = {"dimensions": dimensions}
    if private:
        detail["special_category_questions"] = list(private)
    record(actor, "event.quotas_changed", "event", event.id, **detail)
    db.session.commit()


def save_question(actor: User, event: Event, question: ScreeningQuestion | None, *, text: str,
                  options: list[str], quota_shares: dict[str, float] | None) -> None:
    _editable(event)
    if question is None:
        question = ScreeningQuestion(position=len(event.questions))
        event.questions.append(question)
    elif event.selected_at is not None and question.quota_shares != quota_shares:
        raise EventProblem("The people have been selected, so the quota shares cannot change "
                           "now.", "shares")
    question.text, question.options, question.quota_shares = text, options, quota_shares
    db.session.flush()
    record(actor, "event.question_saved", "event", event.id, question_id=question.id)
    db.session.commit()


def remove_question(actor: User, event: Event, question: ScreeningQuestion) -> None:
    if event.status != EventStatus.DRAFT:
        raise EventProblem("People may have answered this question already, so it can only "
                           "be removed while the event is a draft.")
    event.questions.remove(question)
    record(actor, "event.question_removed", "event", event.id, question_id=question.id)
    db.session.commit()


# --- organisers -----------------------------------------------------------------------------

def organiser_choices() -> list[User]:
    return list(db.session.scalars(select(User).where(User.role == Role.ORGANISER)
                                   .order_by(User.email)))


def set_organisers(actor: User, event: Event, user_ids: Iterable[int]) -> None:
    if not actor.has_role(Role.OFFICER):
        raise EventProblem("Only an engagement officer can choose the organisers.")
    wanted = set(user_ids)
    users = [u for u in organiser_choices() if u.id in wanted]
    event.organisers = users
    record(actor, "event.organisers_changed", "event", event.id,
           organisers=[u.id for u in users])
    db.session.commit()


# --- opening recruitment ------------------------------------------------------------------

def missing_to_open(event: Event) -> list[str]:
    missing = []
    if not event.sessions:
        missing.append("Add at least one session")
    if not event.capacity:
        missing.append("Set the number of places")
    if event.registration_closes_at is None:
        missing.append("Set when registration closes")
    return missing


def new_public_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if db.session.scalar(select(Event.id).where(Event.public_code == code)) is None:
            return code


def open_recruitment(actor: User, event: Event, now: datetime | None = None) -> None:
    if event.status == EventStatus.RECRUITING:
        return  # a double click
    if event.status != EventStatus.DRAFT:
        raise EventProblem(f"This event is {event.status.label.lower()}, so recruitment "
                           "cannot open.")
    missing = missing_to_open(event)
    if missing:
        raise EventProblem("Before recruitment opens: " + "; ".join(missing).lower() + ".")
    if event.registration_closes_at <= (now or utcnow()):
        raise EventProblem("Registration would already be closed: set a later closing date.")
    if event.registration_closes_at >= event.first_starts_at:
        raise EventProblem("Registration must close before the first session starts: set an "
                           "earlier closing date.")
    if event.confirm_by is not None and event.confirm_by >= event.first_starts_at:
        raise EventProblem("People must confirm before the first session starts: set an "
                           "earlier date to confirm by.")
    event.public_code = event.public_code or new_public_code()
    event.status = EventStatus.RECRUITING
    record(actor, "event.recruitment_opened", "event", event.id)
    db.session.commit()


# --- capacity -------------------------------------------------------------------------------

def confirmed_registrations(actor: User, event: Event) -> list[Registration]:
    """The confirmed, to choose who moves to the reserve list (personal data: audited)."""
    found = list(db.session.scalars(select(Registration).where(
        Registration.event_id == event.id, Registration.status == S.CONFIRMED)
        .order_by(Registration.confirmed_at.desc(), Registration.id.desc())))
    record(actor, "event.registrants_viewed", "event", event.id, list="confirmed",
           count=len(found))
    db.session.commit()
    return found


@dataclass(frozen=True)
class CapacityChange:
    capacity: int
    moved: int


def change_capacity(actor: User, event: Event, capacity: int,
                    move_ids: Iterable[int] = ()) -> CapacityChange:
    _editable(event)
    if capacity < 1:
        raise EventProblem("The number of places must be 1 or more", "capacity")
    move_ids = set(move_ids)
    excess = event.places_taken - capacity
    if excess <= 0:
        if move_ids:
            raise EventProblem("There are enough places for everyone confirmed: untick "
                               "everyone", "move")
        event.capacity = capacity
        record(actor, "event.capacity_changed", "event", event.id, capacity=capacity)
        db.session.commit()
        return CapacityChange(capacity, 0)
    moving = list(db.session.scalars(select(Registration).where(
        Registration.event_id == event.id, Registration.id.in_(move_ids),
        Registration.status == S.CONFIRMED))) if move_ids else []
    if len(moving) != len(move_ids) or len(moving) != excess:
        attended = db.session.scalar(select(func.count()).select_from(Registration).where(
            Registration.event_id == event.id,
            Registration.status.in_([S.ATTENDED, S.NO_SHOW]))) or 0
        if capacity < attended:
            raise EventProblem(f"{attended} people have attended already: the number of "
                               f"places cannot be fewer than that", "capacity")
        raise EventProblem(f"{event.places_taken} places are taken, so choose exactly "
                           f"{excess} confirmed {'person' if excess == 1 else 'people'} to "
                           "move to the reserve list", "move")
    rank = (db.session.scalar(select(func.max(Registration.reserve_rank)).where(
        Registration.event_id == event.id)) or 0)
    for registration in moving:
        change_status(registration, S.RESERVE)
        rank += 1
        registration.reserve_rank = rank
        if registration.contact_email:
            queue_templated(registration.contact_email, "event_moved_to_reserve",
                            event=event, registration=registration,
                            link=absolute_url("event_links.respond", token=registration.token))
    db.session.flush()
    event.capacity = capacity
    record(actor, "event.capacity_changed", "event", event.id, capacity=capacity,
           moved_to_reserve=[r.id for r in moving])
    db.session.commit()
    return CapacityChange(capacity, len(moving))


# --- cancelling ---------------------------------------------------------------------------

def affected_count(event: Event) -> int:
    return db.session.scalar(select(func.count()).select_from(Registration).where(
        Registration.event_id == event.id,
        Registration.status.in_(list(AFFECTED_BY_CANCELLING)))) or 0


def cancel_event(actor: User, event: Event, reason: str, now: datetime | None = None) -> int:
    """Cancel ``event`` and email everyone it affects; the number emailed."""
    if event.status == EventStatus.CANCELLED:
        return 0  # a double click
    if event.status == EventStatus.HELD:
        raise EventProblem("This event has been held, so it cannot be cancelled.")
    reason = reason.strip()
    if not reason:
        raise EventProblem("Enter why the event is cancelled", "reason")
    event.status = EventStatus.CANCELLED
    event.cancelled_at = now or utcnow()
    event.cancel_reason = reason
    emailed = 0
    for registration in db.session.scalars(select(Registration).where(
            Registration.event_id == event.id,
            Registration.status.in_(list(AFFECTED_BY_CANCELLING)))):
        if registration.contact_email:
            queue_templated(registration.contact_email, "event_cancelled", event=event,
                            registration=registration, reason=reason)
            emailed += 1
    record(actor, "event.cancelled", "event", event.id, reason=reason, emailed=emailed)
    db.session.commit()
    return emailed


@dataclass(frozen=True)
class QuotaSummary:
    design: str
    target_set: str
    questions: tuple[str, ...]   # the labels the viewer may see
    hidden: int                  # special-category questions the viewer may not see


def quota_summary(actor: User, event: Event) -> QuotaSummary:
    keys = list(event.dimensions or [])
    hidden = hidden_dimensions(actor, keys)
    labels = dict(db.session.execute(select(Dimension.key, Dimension.label).where(
        Dimension.key.in_(keys))).all()) if keys else {}
    design = db.session.get(SampleDesign, event.design_id) if event.design_id else None
    target_set = db.session.get(TargetSet, event.target_set_id) if event.target_set_id \
        else None
    return QuotaSummary(design.name if design else "", target_set.name if target_set else "",
                        tuple(labels.get(k, k) for k in keys if k not in hidden), len(hidden))


def dashboard(actor: User, event: Event, *, audit: bool = True) -> Any:
    """The event's dashboard figures (``events.dashboard.Dashboard``) as ``actor`` may see
    them. An officer's view of special-category figures is audited (not each poll of the
    live dashboard: ``audit=False``)."""
    figures = event_dashboard(actor, event)
    private = [d for d in private_dimensions(list(event.dimensions or []))
               if d in {t.key for t in figures.tables}]
    if audit and private:
        record(actor, "event.special_category_figures_viewed", "event", event.id,
               special_category_questions=private)
        db.session.commit()
    return figures
