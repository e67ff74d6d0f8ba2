"""Surveys, as the host sees them: the builder, running, answering and results pages, the
invitations job, reminders, and a resident's answers in their data download and erasure."""

from __future__ import annotations

from datetime import timedelta

from core.features import Feature, NavItem, Schedule
from core.jobs.kinds import JobKind
from core.models import Role
from surveys import invitations, routes
from surveys.cli import surveys_cli
from surveys.data_rights import erase_survey_words, responses_section

OFFICER = frozenset({Role.OFFICER})


def _send_reminders() -> str:
    count = invitations.send_reminders()
    return f"{count} reminder{'' if count == 1 else 's'} queued"


FEATURE = Feature(
    name="surveys",
    blueprints=(routes.bp,),
    nav=(NavItem("Surveys", "surveys.list_surveys", OFFICER, position=60),),
    data_sections=(responses_section,),
    erasers=(erase_survey_words,),
    job_kinds=(JobKind(invitations.JOB_KIND, invitations.run_invitation_job,
                       title="Sending invitations", roles=OFFICER),),
    cli=(surveys_cli,),
    schedules=(Schedule("survey-reminders", timedelta(days=1), _send_reminders,
                        "Remind people who have not answered an open survey."),),
)
