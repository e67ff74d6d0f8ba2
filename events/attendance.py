"""Who came: one tap per person per session, the registration's status following the sessions
(attended any -> attended; otherwise no-show; corrections allowed), the printable sheet, and
releasing a no-show of a multi-session event so a replacement can take the place.

Services take an explicit ``actor``, commit once and write the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from core import audit
from core.errors import DomainError
from core.extensions import db
from core.models import User, utcnow
from events import payments
from events.models import (
    PLACE_HOLDERS,
    Attendance,
    Event,
    EventSession,
    EventStatus,
    Registration,
    RegistrationStatus,
    SessionPlace,
)
from events.payments import reference
from events.registrations import change_status
from panel.models import Resident

S = RegistrationStatus


class AttendanceRefused(DomainError):
    """Attendance cannot be recorded for this person; the message says why."""


def status_from(marks: list[Attendance | None]) -> RegistrationStatus | None:
    """The registration's status the marks call for: attended at any session -> attended; a
    no-show at every marked session -> no-show; nothing marked -> no change (None)."""
    if Attendance.ATTENDED in marks:
        return S.ATTENDED
    if Attendance.NO_SHOW in marks:
        return S.NO_SHOW
    return None


def session_places(session: EventSession, search: str = "") -> list[SessionPlace]:
    """The places at ``session`` of everyone holding a place at the event, by name."""
    rows = db.session.scalars(
        select(SessionPlace).join(SessionPlace.registration)
        .where(SessionPlace.session_id == session.id,
               Registration.status.in_(list(PLACE_HOLDERS)))
        .options(joinedload(SessionPlace.registration).joinedload(Registration.resident)
                 .joinedload(Resident.user),
                 joinedload(SessionPlace.registration).selectinload(Registration.needs))
    ).unique().all()
    wanted = " ".join(search.split()).casefold()
    places = [p for p in rows if wanted in p.registration.display_name.casefold()]
    return sorted(places, key=lambda p: (p.registration.display_name.casefold(),
                                         p.registration_id))


def place_of(session: EventSession, registration_id: int) -> SessionPlace | None:
    return db.session.get(SessionPlace, (registration_id, session.id))


def mark(actor: User, place: SessionPlace, attendance: Attendance,
         now: datetime | None = None) -> SessionPlace:
    """Record whether the person came to this session; move their registration to match and
    keep their thank-you payment in step. Marking the same twice changes nothing more."""
    registration = place.registration
    if registration.event.status in (EventStatus.DRAFT, EventStatus.CANCELLED):
        raise AttendanceRefused(f"This event is {registration.event.status.label.lower()}, so "
                                "attendance cannot be recorded.")
    if not registration.status.holds_place:
        raise AttendanceRefused(
            f"{registration.display_name} is {registration.status.label.lower()}: they no "
            "longer hold a place, so their attendance cannot be recorded.")
    now = now or utcnow()
    place.attendance, place.marked_at, place.marked_by_id = attendance, now, actor.id
    wanted = status_from([p.attendance for p in registration.places])
    if wanted is not None and wanted != registration.status:
        change_status(registration, wanted, now)
    payments.sync_thank_you(registration, now)
    audit.record(actor, "event_attendance_marked", "event_registration", registration.id,
                 event=registration.event_id, session=place.session_id,
                 attendance=attendance.value, status=registration.status.value)
    db.session.commit()
    return place


def may_release(registration: Registration, now: datetime) -> bool:
    """A no-show may be released while a session of the event is still to come."""
    return (registration.status == S.NO_SHOW and
            any(s.starts_at > now for s in registration.event.sessions))


def release(actor: User, registration: Registration, now: datetime | None = None) -> None:
    """Release a no-show (their place goes back) so a replacement can join before the next
    session."""
    now = now or utcnow()
    if not may_release(registration, now):
        raise AttendanceRefused(
            "Only someone marked as a no-show can be released, and only while a session is "
            "still to come.")
    change_status(registration, S.RELEASED, now)
    payments.sync_thank_you(registration, now)
    audit.record(actor, "event_registration_released", "event_registration", registration.id,
                 event=registration.event_id)
    db.session.commit()


@dataclass(frozen=True)
class SheetRow:
    name: str
    reference: str
    needs: list[str]


def sheet(actor: User, session: EventSession) -> list[SheetRow]:
    """The printable sign-in sheet: names, references and access-need flags (personal data:
    its viewing is audited)."""
    rows = [SheetRow(p.registration.display_name, reference(p.registration),
                     [n.kind.label for n in p.registration.needs])
            for p in session_places(session)]
    audit.record(actor, "event_sheet_viewed", "event_session", session.id,
                 event=session.event_id, people=len(rows))
    db.session.commit()
    return rows


@dataclass(frozen=True)
class SessionSummary:
    session: EventSession
    holders: int
    attended: int
    no_show: int

    @property
    def unmarked(self) -> int:
        return self.holders - self.attended - self.no_show


def summaries(event: Event) -> list[SessionSummary]:
    found = []
    for session in event.sessions:
        places = session_places(session)
        found.append(SessionSummary(
            session, len(places),
            sum(p.attendance == Attendance.ATTENDED for p in places),
            sum(p.attendance == Attendance.NO_SHOW for p in places)))
    return found


def no_shows(event: Event) -> list[Registration]:
    return list(db.session.scalars(select(Registration).where(
        Registration.event_id == event.id, Registration.status == S.NO_SHOW)
        .order_by(Registration.id)).all())
