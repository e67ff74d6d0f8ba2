"""Deliberative events, as the host sees them: the organisers' pages, the registrants' links,
selection and confirmation, attendance, and who may act on what."""

from __future__ import annotations

from core.features import Feature
from core.permissions import Rules
from events.access import may_manage_event, may_manage_registration
from events.models import Event, Registration
from events.views import attendance, links, manage, selection

PERMISSIONS = {
    Event: Rules(view=may_manage_event),
    Registration: Rules(view=may_manage_registration),
}

FEATURE = Feature(
    name="events",
    blueprints=(manage.bp, links.bp, selection.bp, attendance.bp),
    permissions=PERMISSIONS,
)
