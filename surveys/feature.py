"""Surveys, as the host sees them: the builder, running, answering and results pages, the
invitations job, reminders, a resident's answers in their data download and erasure, and who
may see or act on a survey (and so on its pages, questions and responses)."""

from __future__ import annotations

from datetime import timedelta

from core.config import Env
from core.features import Feature, NavItem, Schedule
from core.jobs.kinds import JobKind
from core.models import Job, Role, User
from core.permissions import Rules, can_manage, can_view
from surveys import dashboard_section, invitations, member_section, views
from surveys.cli import surveys_cli
from surveys.data_rights import erase_survey_words, responses_section
from surveys.models import Question, Response, Section, Survey

OFFICER = frozenset({Role.OFFICER})


def _officer(actor: User, _survey: Survey) -> bool:
    """Officers (and admins) see and run every survey, as the pages' role check says today."""
    return actor.has_role(Role.OFFICER)


# A survey's pages, questions and responses follow the survey: one decision, in one place.
PERMISSIONS = {
    Survey: Rules(view=_officer),
    Section: Rules(view=lambda actor, section: can_view(actor, section.survey),
                   manage=lambda actor, section: can_manage(actor, section.survey)),
    Question: Rules(view=lambda actor, question: can_view(actor, question.survey),
                    manage=lambda actor, question: can_manage(actor, question.survey)),
    Response: Rules(view=lambda actor, response: can_view(actor, response.survey),
                    manage=lambda actor, response: can_manage(actor, response.survey)),
}


def _survey_title(job: Job) -> str:
    survey = invitations.job_survey(job)
    return survey.title if survey else ""


def _send_reminders() -> str:
    count = invitations.send_reminders()
    return f"{count} reminder{'' if count == 1 else 's'} queued"


FEATURE = Feature(
    name="surveys",
    blueprints=(views.bp,),
    nav=(NavItem("Surveys", "surveys.list_surveys", OFFICER, position=60),),
    data_sections=(responses_section,),
    erasers=(erase_survey_words,),
    member_sections=(member_section.surveys_section,),
    contact_labels=(member_section.contact_labels,),
    dashboard_sections=(dashboard_section.surveys_section,),
    job_kinds=(JobKind(invitations.JOB_KIND, invitations.run_invitation_job,
                       title="Sending invitations", roles=OFFICER,
                       result_template="surveys/_invitations_result.html",
                       details=invitations.job_details, caption=_survey_title,
                       while_running="The invitations go into the outbox as they are made and "
                                     "are emailed from there. You can leave this page: the "
                                     "sending carries on."),),
    cli=(surveys_cli,),
    permissions=PERMISSIONS,
    # Starting an anonymous response to a public survey, per address (a library's shared
    # computers start many, a script thousands).
    settings={"PUBLIC_SURVEY_RATE_LIMIT": Env("PUBLIC_SURVEY_RATE_LIMIT", "60 per hour")},
    schedules=(Schedule("survey-reminders", timedelta(days=1), _send_reminders,
                        "Remind people who have not answered an open survey."),),
)
