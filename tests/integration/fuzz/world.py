"""The objects the fuzz test's URLs point at: a small demo council with every kind of record.

Seeded once per backend: the demo's staff and residents, an open survey with a page of every
question type (and an invitation for the demo resident, a public link), a draft survey for the
builder, a drawn sample (one of whose selected members has since erased their account), the
default target set, a panel import and a target import waiting to be checked, a job of each
kind, and a recruiting event with a registrant at each step. ``World.bindings(rule)`` gives
the real values for a URL rule's variables.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from werkzeug.routing import Rule

from core import links
from core.extensions import db
from core.models import Role, User, utcnow
from events.models import (
    AccessNeed,
    Event,
    EventFormat,
    EventSession,
    EventStatus,
    EventTheme,
    InvitationWave,
    NeedKind,
    Payment,
    PaymentKind,
    Registration,
    RegistrationSource,
    RegistrationStatus,
    ScreeningQuestion,
    SessionPlace,
    ThankYouKind,
)
from events.registrations import new_token
from outcomes import services as outcomes
from outcomes.progress import ActionStatus
from panel import joining, membership, target_sets
from panel.demo import DEMO_RESIDENT, STAFF, demo_email, demo_password, seed_demo
from panel.engagements import Engagement, SpectrumLevel
from panel.imports import service as import_service
from panel.models import Category, Dimension, Resident, TargetSet
from quota import services as quota_services
from quota.models import MemberRole, SampleMode
from quota.pool import SampleSpec
from surveys import answering
from surveys.invitations import start_invitations
from surveys.models import Audience, Invitation, Question, Section, Survey

SEED = 11
PANEL_CSV = (
    b"Email address,First name,Surname,Address line 1,Postcode,Year of birth,Sex,Agreed to join\n"
    b"ada@example.org,Ada,Lovelace,12 Colne Road,BB11 2DL,1990,Female,yes\n"
    b"bad-email,Dan,Brown,4 Road,XX1,1980,,yes\n")
PANEL_MAPPING = {0: "email", 1: "first_name", 2: "last_name", 3: "address_line", 4: "postcode",
                 5: "year_of_birth", 6: "dimension:sex", 7: "membership_consent"}
TARGETS_CSV = b"dimension,category,count,note\nSex,Female,600,Test\nsex,male,400,Test\n"
AGREE = [["strongly_agree", "Strongly agree"], ["agree", "Agree"]]


@dataclass
class World:
    accounts: dict[str, tuple[str, str]]             # role -> (email, password)
    values: dict[str, list[Any]]                      # URL variable -> real values
    families: list[dict[str, Any]]                    # values that belong together
    by_endpoint: dict[tuple[str, str], list[Any]] = field(default_factory=dict)

    def bindings(self, rule: Rule) -> list[dict[str, Any]]:
        """Every consistent way to fill the rule's variables with real values."""
        needed = {n for n in rule.arguments if (rule.endpoint, n) not in self.by_endpoint}
        family_keys = {k for f in self.families for k in f}
        families = [{k: v for k, v in f.items() if k in needed} for f in self.families
                    if needed & f.keys() and (needed & family_keys) <= f.keys()] or [{}]
        rest = sorted(set(rule.arguments) - families[0].keys())
        found = []
        for family in families:
            for combo in itertools.product(*(self.real(rule, name) for name in rest)):
                binding = {**family, **dict(zip(rest, combo, strict=True))}
                if binding not in found:
                    found.append(binding)
        return found

    def real(self, rule: Rule, name: str) -> list[Any]:
        if (rule.endpoint, name) in self.by_endpoint:
            return self.by_endpoint[(rule.endpoint, name)]
        converter = rule._converters.get(name)  # noqa: SLF001 (werkzeug keeps them here)
        items = getattr(converter, "items", None)
        if items:
            return sorted(items)
        return self.values.get(name, [1])


def _outcome(officer: User, engagement: Engagement) -> dict[str, Any]:
    """A published response with a published action and a draft update on it."""
    now = utcnow()
    outcomes.announce(officer, engagement, now)
    outcomes.save_draft(officer, engagement, outcomes.ResponseText(summary="You said this."))
    outcomes.publish_response(officer, engagement, now)
    action = outcomes.add_action(officer, engagement, outcomes.ActionText(
        title="Open on Sundays", owner="Libraries"))
    outcomes.publish_action(officer, action, now)
    update = outcomes.draft_update(officer, action, outcomes.UpdateText(
        status=ActionStatus.DONE, note="Open now."))
    return {"engagement_id": engagement.id, "action_id": action.id, "update_id": update.id}


def _event(organiser: User, engagement: Engagement, resident: Resident) -> dict[str, Any]:
    """A two-session event the demo organiser runs, recruiting, with a registrant at each step
    (the demo resident confirmed, with an access need and a thank-you owed), a screening
    question, a theme and an invitation wave."""
    start = utcnow().replace(microsecond=0) + timedelta(days=30)
    event = Event(engagement=engagement, title="Libraries assembly", purpose="Decide together.",
                  format=EventFormat.CITIZENS_ASSEMBLY, capacity=6,
                  status=EventStatus.RECRUITING, public_code="FUZZ2345",
                  registration_closes_at=start - timedelta(days=14),
                  confirm_by=start - timedelta(days=7), offers_childcare=True,
                  thank_you_kind=ThankYouKind.VOUCHER, thank_you_pence=5000,
                  dimensions=["age_band", "sex"], organisers=[organiser])
    for week in range(2):
        at = start + timedelta(days=7 * week)
        event.sessions.append(EventSession(starts_at=at, ends_at=at + timedelta(hours=3),
                                           venue="Central Library", step_free=True))
    event.questions.append(ScreeningQuestion(text="How often do you use a library?",
                                             options=["Often", "Sometimes", "Never"]))
    event.themes.append(EventTheme(title="Open later", detail="Evenings suit working people."))
    wave = InvitationWave(event=event, size=4)
    db.session.add_all([event, wave])
    db.session.flush()
    others = db.session.scalars(select(Resident).where(Resident.id != resident.id)
                                .order_by(Resident.id).limit(4)).all()
    statuses = [RegistrationStatus.CONFIRMED, RegistrationStatus.INVITED,
                RegistrationStatus.INTERESTED, RegistrationStatus.SELECTED,
                RegistrationStatus.RESERVE]
    registrations = []
    for person, status in zip([resident, *others], statuses, strict=True):
        registration = Registration(event=event, resident=person, wave_id=wave.id,
                                    token=new_token(), status=status, invited_at=utcnow())
        registration.places = [SessionPlace(session=s) for s in event.sessions]
        registrations.append(registration)
    event.places_taken = 1
    confirmed = registrations[0]
    confirmed.needs.append(AccessNeed(kind=NeedKind.CHILDCARE, detail="Two children, 4 and 7"))
    confirmed.payments.append(Payment(kind=PaymentKind.THANK_YOU, amount_pence=5000))
    public = Registration(event=event, source=RegistrationSource.PUBLIC, token=new_token(),
                          status=RegistrationStatus.INTERESTED, name="Pat Public",
                          email="pat@example.org", profile={"sex": "female"})
    db.session.add_all([*registrations, public])
    db.session.commit()
    return {"event_id": event.id, "registration_id": confirmed.id,
            "session_id": event.sessions[0].id, "need_id": confirmed.needs[0].id,
            "payment_id": confirmed.payments[0].id, "theme_id": event.themes[0].id,
            "wave_id": wave.id, "question_id": event.questions[0].id,
            "tokens": [r.token for r in (confirmed, public)], "code": event.public_code}


def _question(survey: Survey, key: str, kind: str, position: int, **fields: Any) -> Question:
    return Question(survey=survey, key=key, kind=kind, position=position,
                    text=f"Question {key} ({kind})", **fields)


def _every_kind(survey: Survey) -> list[Section]:
    """Page 1: one question of every type; page 2 shown after an answer on page 1."""
    choices = [["central", "Central"], ["padiham", "Padiham"], ["online", "Online"]]
    first = [
        _question(survey, "q1", "single", 0, options=choices, other=True, required=True),
        _question(survey, "q2", "multiple", 1, options=choices, other=True, max_choices=2),
        _question(survey, "q3", "agree", 2),
        _question(survey, "q4", "matrix", 3, statements=[["s1", "Open late"],
                                                          ["s2", "Quiet"]]),
        _question(survey, "q5", "rating", 4),
        _question(survey, "q6", "number", 5, minimum=0, maximum=120),
        _question(survey, "q7", "short_text", 6),
        _question(survey, "q8", "long_text", 7),
        _question(survey, "q9", "ranking", 8, options=choices),
    ]
    second = [_question(survey, "q10", "number", 0), _question(survey, "q11", "short_text", 1)]
    return [Section(title="Every kind of question", position=0, questions=first),
            Section(title="Central library", position=1, questions=second,
                    show_if={"question": "q1", "in": ["central"]})]


def seed_world() -> World:
    seed_demo(seed=SEED, residents=160)
    staff = {role: db.session.scalar(select(User).where(User.role == role))
             for _, role, _ in STAFF}
    officer = staff[Role.OFFICER]
    accounts = {role.value: (demo_email(name), demo_password(SEED, name))
                for name, role, _ in STAFF}
    accounts["resident"] = (demo_email(DEMO_RESIDENT), demo_password(SEED, DEMO_RESIDENT))
    resident = db.session.scalar(select(Resident).join(User).where(
        User.email == demo_email(DEMO_RESIDENT)))
    target_set = db.session.scalar(select(TargetSet).where(TargetSet.is_default.is_(True)))

    # A drawn sample; then one selected member (not the demo resident) erases their account.
    spec = SampleSpec(name="Libraries survey", mode=SampleMode.SURVEY,
                      target_set_id=target_set.id, dimensions=("age_band", "sex"), size=12,
                      tolerance=2, seed=3, not_in_open_sample=False)
    sample = quota_services.draw_sample(officer, spec)
    selected = [m for m in sample.members_with(MemberRole.SELECTED)
                if m.resident_id != resident.id]
    erased, kept = selected[0], selected[1]
    membership.erase_resident(officer, db.session.get(Resident, erased.resident_id))
    draw_job = quota_services.start_draw(officer, spec)

    engagement = Engagement(title="Future of our libraries", level=SpectrumLevel.CONSULT,
                            why="We must save money.")
    open_survey = Survey(engagement=engagement, title="Libraries survey",
                         results_due_on=utcnow().date() + timedelta(days=60),
                         audience=Audience.SAMPLE, sample=sample)
    open_survey.sections = _every_kind(open_survey)
    draft = Survey(engagement=engagement, title="Parks survey")
    draft.sections = _every_kind(draft)
    public = Survey(engagement=engagement, title="Town centre survey", audience=Audience.PUBLIC,
                    public_slug="town-centre")
    public.sections = _every_kind(public)
    db.session.add_all([open_survey, draft, public])
    db.session.flush()
    open_survey.open(utcnow())
    public.open(utcnow())
    invitation = Invitation(survey=open_survey, resident=resident)
    db.session.add(invitation)
    db.session.commit()
    invitation_job = start_invitations(officer, open_survey)
    public_response = answering.start_public_response(public)
    outcome = _outcome(officer, engagement)
    event = _event(staff[Role.ORGANISER], engagement, resident)
    event_tokens, event_code = event.pop("tokens"), event.pop("code")

    upload, _ = import_service.store_upload(officer, "panel.csv", PANEL_CSV)
    started, _ = import_service.store_upload(officer, "panel.csv", PANEL_CSV)
    import_job = import_service.start_import(officer, started, PANEL_MAPPING, 1, "test")
    target_upload = target_sets.keep_upload(officer, "targets.csv", TARGETS_CSV)

    sex = db.session.scalar(select(Dimension).where(Dimension.key == "sex"))
    category = db.session.scalar(select(Category).where(Category.dimension_id == sex.id))
    tokens = {
        "respond": [answering.invitation_token(invitation),
                    answering.response_token(public_response)],
        "unsubscribe": [links.make(links.UNSUBSCRIBE, {"resident": resident.id})],
        "verify": [joining.verification_token(resident.user)],
    }

    def survey_family(survey: Survey, **more: Any) -> dict[str, Any]:
        section = survey.sections[0]
        return {"survey_id": survey.id, "section_id": section.id,
                "question_id": section.questions[0].id, **more}

    families = [
        survey_family(draft),
        survey_family(open_survey, job_id=invitation_job.id),
        {"sample_id": sample.id, "member_id": kept.id},
        {"sample_id": sample.id, "member_id": erased.id},
        outcome,
        event,
    ]
    by_endpoint: dict[tuple[str, str], list[Any]] = {
        ("imports.show_job", "job_id"): [import_job.id],
        ("quota.show_job", "job_id"): [draw_job.id],
        ("account.verify_email", "token"): tokens["verify"],
        ("unsubscribe.stop_emails_page", "token"): tokens["unsubscribe"],
        ("account.download_data", "fmt"): ["json", "csv"],
        ("static", "filename"): ["js/app.mjs"],
    }
    for endpoint in ("event_links.respond", "event_selection.confirm",
                     "event_selection.calendar"):
        by_endpoint[(endpoint, "token")] = event_tokens
    by_endpoint[("event_links.public_register", "code")] = [event_code]
    for endpoint in ("admin.preview_import", "admin.cancel_import", "admin.save_import"):
        by_endpoint[(endpoint, "upload_id")] = [target_upload.id]
    values = {
        "upload_id": [upload.id],
        "resident_id": [resident.id],
        "target_set_id": [target_set.id],
        "dimension_id": [sex.id],
        "category_id": [category.id],
        "number": [1, 2],
        "token": tokens["respond"],
        "slug": [public.public_slug],
        "key": ["sex"],
    }
    return World(accounts=accounts, values=values, families=families, by_endpoint=by_endpoint)
