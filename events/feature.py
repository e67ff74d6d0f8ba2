"""Deliberative events, as the host sees them: the organisers' pages, the registrants' links,
selection and confirmation, attendance, and who may act on what."""

from __future__ import annotations

from datetime import timedelta

from core.features import Feature, NavItem, Schedule
from core.jobs.kinds import JobKind
from core.models import Role
from core.permissions import Rules
from events import account, reminders, waves
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
    # The invitation wave is a job: its progress on /jobs/<id>.
    job_kinds=(JobKind(waves.JOB_KIND, waves.run_wave_job, title="Sending invitations",
                       roles=frozenset({Role.OFFICER}), may_view=waves.may_view_job,
                       result_template="events/links/_wave_result.html",
                       details=waves.job_details, caption=waves.job_caption,
                       while_running="The invitations go into the outbox as they are made and "
                                     "are emailed from there. You can leave this page: the "
                                     "sending carries on."),),
    schedules=(Schedule("event-registration-closing", timedelta(minutes=15),
                        waves.closing_summary,
                        "Close registration for events whose closing time has passed."),
               Schedule("event-reminders", timedelta(hours=1), reminders.scheduled,
                        "Remind people with a place at an event, chase those who have not "
                        "confirmed, and release places not confirmed after the chase.")),
    # A resident's events: on their account page, in their data download, and erased with
    # them (a place they hold is given back first).
    account_sections=(account.account_section,),
    data_sections=(account.data_section,),
    erasers=(account.erase_registrations,),
    settings={"PUBLIC_EVENT_RATE_LIMIT": "30 per hour"},
)
