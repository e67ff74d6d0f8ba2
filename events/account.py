"""A resident's events in their own account: the list, a summary on the account page, their
data download and erasure."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.extensions import db
from core.features import PageSection
from core.uk_time import span, to_uk
from events.capacity import give_back_place
from events.models import Event, Registration, RegistrationStatus

S = RegistrationStatus
# What to do next, by status.
NEXT_STEP = {
    S.INVITED: "Say whether you are interested",
    S.INTERESTED: "Wait to hear whether you have a place",
    S.RESERVE: "You are on the reserve list: we will tell you if a place comes up",
    S.SELECTED: "Confirm your place",
    S.CONFIRMED: "Come along: your place is confirmed",
}


def my_registrations(resident: Any) -> list[Registration]:
    return list(db.session.scalars(
        select(Registration).where(Registration.resident_id == resident.id)
        .options(selectinload(Registration.event).selectinload(Event.sessions),
                 selectinload(Registration.places), selectinload(Registration.needs))
        .order_by(Registration.created_at.desc(), Registration.id.desc())))


def mine(resident: Any, registration_id: int) -> Registration | None:
    registration = db.session.get(Registration, registration_id)
    if registration is None or resident is None or registration.resident_id != resident.id:
        return None
    return registration


def account_section(resident: Any) -> PageSection | None:
    """On the account page: how many events they are invited to or taking part in."""
    if resident is None:
        return None
    rows = my_registrations(resident)
    current = [r for r in rows if r.status in NEXT_STEP]
    if not rows:
        return None
    return PageSection("Your events", "events/account/_section.html",
                       {"current": current, "total": len(rows), "next_step": NEXT_STEP})


def data_section(resident: Any) -> tuple[str, list[dict[str, Any]]]:
    """Their registrations, availability, access needs and screening answers."""
    rows = []
    for r in my_registrations(resident):
        questions = {q.key: q.text for q in r.event.questions}
        sessions = {s.id: s for s in r.event.sessions}
        rows.append({
            "event": r.event.title,
            "status": r.status.label,
            "invited_at": to_uk(r.invited_at).isoformat() if r.invited_at else "",
            "responded_at": to_uk(r.responded_at).isoformat() if r.responded_at else "",
            "available_for": "; ".join(
                span(sessions[p.session_id].starts_at, sessions[p.session_id].ends_at)
                for p in r.places if p.available and p.session_id in sessions),
            "access_needs": "; ".join(
                f"{n.kind.label}{': ' + n.detail if n.detail else ''} ({n.status.label})"
                for n in r.needs),
            "answers": "; ".join(f"{questions.get(k, k)}: {v}" for k, v in r.screening.items()),
        })
    return "Events", rows


def erase_registrations(resident: Any) -> None:
    """Before the cascade deletes their registrations: give back any place they hold."""
    for registration in db.session.scalars(select(Registration).where(
            Registration.resident_id == resident.id)):
        if registration.status.holds_place:
            give_back_place(registration.event)
