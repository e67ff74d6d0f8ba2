"""Who may see and act on events: the object-level rules ``events.feature`` declares.

Officers (and admins) see and manage every event. An organiser sees and manages only the events
they organise (``Event.organisers``), and within them never a special-category answer. A
resident sees only their own registrations (through their personal link or their account).
"""

from __future__ import annotations

from core.models import Role, User
from events.models import Event, Registration


def may_manage_event(actor: User, event: Event) -> bool:
    if actor.has_role(Role.OFFICER):
        return True
    return actor.has_role(Role.ORGANISER) and event.is_organiser(actor)


def may_manage_registration(actor: User, registration: Registration) -> bool:
    """Staff act on a registration through its event."""
    return may_manage_event(actor, registration.event)


def may_create_event(actor: User) -> bool:
    return actor.has_role(Role.OFFICER, Role.ORGANISER)
