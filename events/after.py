"""After the event: marking it held once its last session has ended, its feedback survey (made
and sent with the surveys module, to the attendees who are panel members), and the themes the
organiser records from the discussion, which the engagement's public outcome page shows under
"You said" once the event is held.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from core import audit
from core.errors import DomainError
from core.extensions import db
from core.models import User, utcnow
from events.models import Event, EventStatus, EventTheme, Registration, RegistrationStatus
from quota.models import MemberRole, Sample, SampleMember, SampleMode, SampleStatus
from surveys import invitations
from surveys.invitations import InvitationReport
from surveys.models import Audience, Question, Section, Survey

LISTENED_KEY = "q1"          # "Did you feel listened to?": the answers outcomes counts
LISTENED_OPTIONS = [["yes", "Yes"], ["partly", "Partly"], ["no", "No"]]


class AfterRefused(DomainError):
    """This cannot be done to the event now; the message says why."""


def may_mark_held(event: Event, now: datetime) -> bool:
    ends = event.last_ends_at
    return (event.status in (EventStatus.RECRUITING, EventStatus.SELECTING)
            and ends is not None and ends <= now)


def mark_held(actor: User, event: Event, now: datetime | None = None) -> None:
    now = now or utcnow()
    if event.status == EventStatus.HELD:
        return  # a second click changes nothing
    if not may_mark_held(event, now):
        raise AfterRefused("An event can be marked as held only once its last session has "
                           "ended (and if it was not cancelled).")
    event.status = EventStatus.HELD
    audit.record(actor, "event_held", "event", event.id)
    db.session.commit()


def panel_attendees(event: Event) -> list[int]:
    """Resident ids of the attendees who are panel members."""
    return list(db.session.scalars(select(Registration.resident_id).where(
        Registration.event_id == event.id, Registration.status == RegistrationStatus.ATTENDED,
        Registration.resident_id.is_not(None)).order_by(Registration.resident_id)).all())


def feedback_survey(event: Event) -> Survey | None:
    return db.session.get(Survey, event.feedback_survey_id) if event.feedback_survey_id else None


def send_feedback_survey(actor: User, event: Event,
                         now: datetime | None = None) -> InvitationReport:
    """Make the event's feedback survey on its engagement, open it and invite the attendees who
    are panel members (by email, through the surveys module's invitations: the contact log,
    personal links and reminders as for any survey). Their audience is a sample made of exactly
    those attendees (no draw). Once per event."""
    now = now or utcnow()
    if event.status != EventStatus.HELD:
        raise AfterRefused("Mark the event as held before asking for feedback.")
    if event.feedback_survey_id is not None:
        raise AfterRefused("The feedback survey has already been sent.")
    attendees = panel_attendees(event)
    if not attendees:
        raise AfterRefused("Nobody who attended is a panel member, so there is nobody to "
                           "invite. Record attendance first.")
    sample = Sample(
        name=f"Attendees of {event.title}"[:160], mode=SampleMode.SURVEY,
        status=SampleStatus.CLOSED, size=len(attendees), seed=0,
        algorithm="None: everyone who attended the event", software_version="",
        pool_size=len(attendees), spec={"event_id": event.id}, inputs={}, report={},
        created_by_id=actor.id,
        members=[SampleMember(resident_id=rid, role=MemberRole.SELECTED) for rid in attendees])
    questions = [
        Question(key=LISTENED_KEY, kind="single", text="Did you feel listened to?",
                 required=True, position=0, options=LISTENED_OPTIONS),
        Question(key="q2", kind="long_text", text="What could we do better?", position=1),
    ]
    survey = Survey(engagement_id=event.engagement_id, title=f"Your feedback: {event.title}"[:160],
                    intro="Thank you for taking part. Two questions about how it went.",
                    audience=Audience.SAMPLE, sample=sample, created_by_id=actor.id,
                    sections=[Section(title="How it went", position=0, questions=questions)])
    for question in questions:
        question.survey = survey
    db.session.add(survey)
    db.session.flush()
    survey.open(now)
    event.feedback_survey_id = survey.id
    report = invitations.invite(actor, survey)
    audit.record(actor, "event_feedback_survey_sent", "event", event.id, survey=survey.id,
                 invited=report.invited)
    db.session.commit()
    return report


# --- themes ------------------------------------------------------------------------------------

def add_theme(actor: User, event: Event, title: str, detail: str) -> EventTheme:
    theme = EventTheme(title=title.strip(), detail=detail.strip(),
                       position=max((t.position for t in event.themes), default=-1) + 1)
    event.themes.append(theme)
    db.session.flush()
    audit.record(actor, "event_theme_added", "event", event.id, theme=theme.id)
    db.session.commit()
    return theme


def update_theme(actor: User, theme: EventTheme, title: str, detail: str) -> None:
    theme.title, theme.detail = title.strip(), detail.strip()
    audit.record(actor, "event_theme_changed", "event", theme.event_id, theme=theme.id)
    db.session.commit()


def move_theme(actor: User, theme: EventTheme, offset: int) -> None:
    """Move a theme up (-1) or down (+1); at either end it stays where it is."""
    themes = list(theme.event.themes)
    at = themes.index(theme)
    to = max(0, min(len(themes) - 1, at + offset))
    themes.insert(to, themes.pop(at))
    for position, item in enumerate(themes):
        item.position = position
    audit.record(actor, "event_theme_moved", "event", theme.event_id, theme=theme.id,
                 position=to)
    db.session.commit()


def remove_theme(actor: User, theme: EventTheme) -> None:
    event = theme.event
    event.themes.remove(theme)
    for position, item in enumerate(event.themes):
        item.position = position
    audit.record(actor, "event_theme_removed", "event", event.id, theme=theme.id)
    db.session.commit()


def public_themes(engagement_id: int) -> list[tuple[str, list[EventTheme]]]:
    """(event title, its themes) for the engagement's held events: no personal data."""
    events = db.session.scalars(select(Event).where(
        Event.engagement_id == engagement_id, Event.status == EventStatus.HELD)
        .order_by(Event.id)).all()
    return [(event.title, list(event.themes)) for event in events if event.themes]
