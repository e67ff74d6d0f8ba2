"""Deliberative events, as the host sees them: the organisers' pages, the registrants' links,
selection and confirmation, attendance, and who may act on what."""

from __future__ import annotations

from datetime import timedelta

from core.features import Feature, NavItem, Schedule
from core.models import Role
from core.permissions import Rules
from events import reminders
from events.access import may_manage_event, may_manage_registration
from events.dashboard_queries import events_section
from events.demo import seed_events
from events.models import (
    AccessNeed,
    Event,
    EventSession,
    EventTheme,
    InvitationWave,
    Payment,
    Registration,
    ScreeningQuestion,
)
from events.views import attendance, links, manage, selection


def _through_event(actor, obj) -> bool:  # noqa: ANN001 (any object with an ``event``)
    return may_manage_event(actor, obj.event)


# Everything in an event is seen and acted on by whoever manages the event.
PERMISSIONS = {
    Event: Rules(view=may_manage_event),
    Registration: Rules(view=may_manage_registration),
    EventSession: Rules(view=_through_event),
    ScreeningQuestion: Rules(view=_through_event),
    EventTheme: Rules(view=_through_event),
    InvitationWave: Rules(view=_through_event),
    AccessNeed: Rules(view=lambda actor, need: may_manage_registration(actor, need.registration)),
    Payment: Rules(view=lambda actor, paid: may_manage_registration(actor, paid.registration)),
}

FEATURE = Feature(
    name="events",
    blueprints=(manage.bp, links.bp, selection.bp, attendance.bp),
    permissions=PERMISSIONS,
    nav=(NavItem("Events", "events.list_events",
                 roles=frozenset({Role.OFFICER, Role.ORGANISER}), position=60),),
    dashboard_sections=(events_section,),
    demo=seed_events,
    schedules=(Schedule("event-reminders", timedelta(hours=1), reminders.scheduled,
                        "Remind people with a place at an event, chase those who have not "
                        "confirmed, and release places not confirmed after the chase."),),
)
