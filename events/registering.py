"""What a registrant does through their personal link or the public registration link: say
they are interested (availability, access needs, screening answers) or not, change those
answers until selection, withdraw; register through the public code. Each function commits
once; a second identical submission changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from core import audit, mail
from core.errors import DomainError
from core.extensions import db
from core.models import User, utcnow
from core.uk_time import span
from events.models import (
    AccessNeed,
    Event,
    EventFormat,
    EventStatus,
    NeedStatus,
    Registration,
    RegistrationSource,
    RegistrationStatus,
    SessionPlace,
)
from events.registration_forms import (
    Answers,
    Question,
    Registrant,
    SessionChoice,
    household_key,
)
from events.registrations import change_status, new_token
from events.waves import email_details
from panel.models import Category, Dimension, ResidentStatus

S = RegistrationStatus
# While these, the registrant may still change their availability, needs and answers.
MAY_CHANGE = frozenset({S.INTERESTED, S.RESERVE})
MAY_WITHDRAW = frozenset({S.INTERESTED, S.RESERVE, S.SELECTED, S.CONFIRMED})


class RegistrationClosed(DomainError):
    """Registration is not open (closed, cancelled, not yet open)."""


def closed_reason(event: Event) -> str | None:
    """Why nobody can register now, in plain words (None: registration is open)."""
    if event.status == EventStatus.CANCELLED:
        return "This event has been cancelled."
    if event.status == EventStatus.DRAFT:
        return "Registration for this event has not opened yet."
    if event.status != EventStatus.RECRUITING:
        return "Registration for this event has closed."
    return None


def all_sessions_needed(event: Event) -> bool:
    return event.format == EventFormat.CITIZENS_ASSEMBLY and len(event.sessions) > 1


def session_choices(event: Event) -> list[SessionChoice]:
    return [SessionChoice(s.id, span(s.starts_at, s.ends_at)) for s in event.sessions]


def screening_questions(event: Event) -> list[Question]:
    return [Question(q.key, q.text, tuple((o, o) for o in q.options)) for q in event.questions
            if q.options]


def profile_questions() -> list[Question]:
    """The panel's live profile questions (asked on the public form), each with its Prefer
    not to say."""
    dimensions = db.session.scalars(select(Dimension).where(
        Dimension.retired_at.is_(None), Dimension.source == "question")
        .order_by(Dimension.position, Dimension.id))
    out = []
    for d in dimensions:
        options = tuple((c.key, c.label) for c in d.categories if c.retired_at is None)
        if options:
            out.append(Question(d.key, d.question or d.label, options, d.hint,
                                d.special_category))
    return out


def _store_answers(registration: Registration, answers: Answers) -> None:
    wanted = {p.session_id: p for p in registration.places}
    for session in registration.event.sessions:
        place = wanted.get(session.id)
        if place is None:
            place = SessionPlace(session_id=session.id)
            registration.places.append(place)
        place.available = session.id in answers.available
    registration.needs.clear()
    db.session.flush()
    for kind, detail in answers.needs:
        registration.needs.append(AccessNeed(kind=kind, detail=detail,
                                             status=NeedStatus.REQUESTED))
    registration.screening = dict(answers.screening)


def same_answers(registration: Registration, answers: Answers) -> bool:
    available = {p.session_id for p in registration.places if p.available}
    needs = sorted((n.kind.value, n.detail) for n in registration.needs)
    return (available == answers.available and registration.screening == answers.screening
            and needs == sorted((k.value, d) for k, d in answers.needs))


def left_the_panel(registration: Registration) -> bool:
    resident = registration.resident
    return resident is not None and resident.status == ResidentStatus.WITHDRAWN


def express_interest(registration: Registration, answers: Answers) -> bool:
    """INVITED -> INTERESTED with the answers, and an email saying so. False if they had
    already answered (a second submission changes nothing)."""
    if registration.status != S.INVITED:
        return False
    if left_the_panel(registration):
        raise RegistrationClosed("You have left the panel, so this invitation no longer "
                                 "applies.")
    reason = closed_reason(registration.event)
    if reason:
        raise RegistrationClosed(reason)
    change_status(registration, S.INTERESTED)
    _store_answers(registration, answers)
    _acknowledge(registration)
    db.session.commit()
    return True


def decline(registration: Registration) -> bool:
    if registration.status != S.INVITED:
        return False
    change_status(registration, S.DECLINED)
    db.session.commit()
    return True


def change_answers(registration: Registration, answers: Answers) -> bool:
    """Change availability, needs and answers until selection. False when nothing changed."""
    if registration.status not in MAY_CHANGE or registration.event.status != \
            EventStatus.RECRUITING:
        raise RegistrationClosed("Your answers can no longer be changed: selection has "
                                 "started. Contact the organiser if something has changed.")
    if same_answers(registration, answers):
        return False
    _store_answers(registration, answers)
    db.session.commit()
    return True


def change_availability(actor: User | None, registration: Registration,
                        available: set[int]) -> bool:
    """From the account page: only the sessions they can come to (needs and answers kept)."""
    answers = Answers(available=available,
                      needs=[(n.kind, n.detail) for n in registration.needs],
                      screening=dict(registration.screening))
    changed = change_answers(registration, answers)
    if changed and actor is not None:
        audit.record(actor, "event_availability_changed", "registration", registration.id)
        db.session.commit()
    return changed


def withdraw(actor: User | None, registration: Registration) -> bool:
    """Leave the event (a confirmed place goes back). False if already gone."""
    if registration.status not in MAY_WITHDRAW:
        return False
    change_status(registration, S.WITHDRAWN)
    audit.record(actor, "event_registration_withdrawn", "registration", registration.id,
                 event=registration.event_id)
    db.session.commit()
    return True


def _acknowledge(registration: Registration) -> None:
    event = registration.event
    mail.queue_templated(registration.contact_email, "event_registered", event=event,
                         first_name=(registration.resident.first_name if registration.resident
                                     else registration.name.split(" ")[0]),
                         details=email_details(event), registration=registration,
                         link=mail.absolute_url("event_links.respond",
                                                token=registration.token))


@dataclass(frozen=True)
class PublicOutcome:
    registration: Registration
    new: bool   # False: this email address had already registered (nothing made)


def public_event(code: str) -> Event | None:
    if not code or len(code) > 20:
        return None
    return db.session.scalar(select(Event).where(Event.public_code == code))


def register_public(event: Event, person: Registrant, answers: Answers,
                    now: datetime | None = None) -> PublicOutcome:
    """A registration through the public link (no account): interested at once. The same
    email address twice makes nothing new: the address holder is emailed their link."""
    reason = closed_reason(event)
    if reason:
        raise RegistrationClosed(reason)
    existing = _registered_as(event, person.email)
    if existing is not None:
        _remind(existing)
        db.session.commit()
        return PublicOutcome(existing, new=False)
    profile = _known_profile(person)
    registration = Registration(
        event_id=event.id, source=RegistrationSource.PUBLIC, token=new_token(),
        status=S.INTERESTED, name=person.name, email=person.email, phone=person.phone,
        postcode=person.postcode, household_key=household_key(person.postcode, person.name),
        profile=profile, special_consent=person.special_consent and any(
            q.special for q in profile_questions() if q.key in profile),
        responded_at=now or utcnow())
    registration.event = event
    db.session.add(registration)
    _store_answers(registration, answers)
    db.session.flush()
    _acknowledge(registration)
    audit.record(None, "event_public_registration", "registration", registration.id,
                 event=event.id)
    db.session.commit()
    return PublicOutcome(registration, new=True)


def _registered_as(event: Event, email: str) -> Registration | None:
    return db.session.scalar(select(Registration).where(
        Registration.event_id == event.id,
        func.lower(Registration.email) == email.lower()).limit(1))


def _remind(registration: Registration) -> None:
    mail.queue_templated(registration.contact_email, "event_registered_again",
                         event=registration.event, first_name=registration.name.split(" ")[0],
                         link=mail.absolute_url("event_links.respond",
                                                token=registration.token))


def _known_profile(person: Registrant) -> dict[str, str]:
    """Only answers that are live categories of live questions are kept."""
    if not person.profile:
        return {}
    rows = db.session.execute(select(Dimension.key, Category.key).join(Category.dimension)
                              .where(Dimension.key.in_(list(person.profile)))).all()
    valid = set(rows)
    return {d: c for d, c in person.profile.items() if (d, c) in valid}


def by_token(token: str) -> Registration | None:
    if not token or len(token) > 64:
        return None
    return db.session.scalar(select(Registration).where(Registration.token == token))


def stage(registration: Registration) -> str:
    """What the personal page says, as a key for the template."""
    event = registration.event
    status = registration.status
    if event.status == EventStatus.CANCELLED:
        return "cancelled"
    if left_the_panel(registration):
        return "left_panel"
    if status == S.INVITED:
        if event.status != EventStatus.RECRUITING:
            return "closed"
        return "invited"
    return status.value
