"""The events part of ``flask demo seed``: one event already held and one being recruited, so
a newcomer sees the whole journey of a deliberative event at once.

- **Town centre workshop** (held five weeks ago, on the "Our town centre" engagement): invited,
  declined, reserves, attended and no-shows; thank-you vouchers owed to those who came, most of
  them paid; travel and childcare expenses; the themes the organiser recorded, shown on the
  engagement's public page under "You said".
- **Climate citizens' assembly** (two Saturdays, in two and three weeks' time, on the "Climate
  action plan" engagement): mid-recruitment. 110 invited, 58 interested (some with access
  needs), registration closed and the room drawn by the real fair selection with quotas on
  sex and age and one per household (its seed chosen so that the demo resident is selected),
  the rest an ordered reserve list; most of the selected confirmed (the demo resident among
  them), some still to answer, two turned the place down so their places are to fill.

The demo organiser organises both. Dates are relative to the moment of seeding; the same seed
gives the same people and statuses. Statuses move through ``events.registrations.change_status``
so the places held always match; nobody is emailed. The events demo runs before the outcomes
demo (features seed in the order given), so these engagements are its own.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

import numpy as np
from sqlalchemy import select

from core.extensions import db
from core.models import Role, User, utcnow
from core.uk_time import from_uk
from events import selecting
from events.models import (
    AccessNeed,
    Attendance,
    Event,
    EventFormat,
    EventSession,
    EventStatus,
    EventTheme,
    InvitationWave,
    NeedKind,
    NeedStatus,
    Registration,
    RegistrationStatus,
    SessionPlace,
    ThankYouKind,
)
from events.payments import sync_thank_you
from events.registrations import change_status, new_token
from events.selection import run_draw
from panel.demo import DEMO_RESIDENT, demo_email
from panel.engagements import Engagement, SpectrumLevel
from panel.models import Resident, TargetSet
from quota import services as quota_services
from quota.models import MemberRole, SampleMode
from quota.pool import SampleSpec, reachable_residents
from quota.problem import QuotaInfeasible, QuotaInputError

S = RegistrationStatus
DAY = timedelta(days=1)
# The road each status takes from an invitation.
PATHS: dict[RegistrationStatus, tuple[RegistrationStatus, ...]] = {
    S.INVITED: (),
    S.DECLINED: (S.DECLINED,),
    S.INTERESTED: (S.INTERESTED,),
    S.RESERVE: (S.INTERESTED, S.RESERVE),
    S.SELECTED: (S.INTERESTED, S.SELECTED),
    S.CONFIRMED: (S.INTERESTED, S.SELECTED, S.CONFIRMED),
    S.ATTENDED: (S.INTERESTED, S.SELECTED, S.CONFIRMED, S.ATTENDED),
    S.NO_SHOW: (S.INTERESTED, S.SELECTED, S.CONFIRMED, S.NO_SHOW),
}
PAST = {S.ATTENDED: 22, S.NO_SHOW: 3, S.DECLINED: 14, S.RESERVE: 4, S.INVITED: 17}
# How the assembly's 110 invitations were answered (the interested are then selected).
INVITATION_ANSWERS = {S.INTERESTED: 58, S.DECLINED: 12, S.INVITED: 40}
THEMES = (
    ("Make the town centre feel safe after dark",
     "Better lighting on the routes to the bus station and more people living above shops."),
    ("Fill the empty shops with something",
     "Pop-up space for local makers, youth groups and community services, even for a few "
     "months at a time."),
    ("Somewhere to sit that is not a café",
     "Benches and shade in St James's Street, and public toilets that are open."),
    ("Keep the market",
     "Older residents especially asked that the covered market stays, with cheaper pitches."),
)


def _staff(role: Role, account: str) -> User:
    user = db.session.scalar(select(User).where(User.email == demo_email(account)))
    if user is None:
        user = db.session.scalar(select(User).where(User.role == role).order_by(User.id))
    if user is None:
        raise LookupError(f"The demo's {role.label.lower()} is missing: seed the e-panel first.")
    return user


def _people(rng: np.random.Generator, count: int, leave_out: set[int]) -> list[Resident]:
    ids = sorted(set(db.session.scalars(reachable_residents()).all()) - leave_out)
    chosen = sorted(rng.choice(ids, size=min(count, len(ids)), replace=False).tolist())
    return list(db.session.scalars(select(Resident).where(Resident.id.in_(chosen))
                                   .order_by(Resident.id)).all())


def _register(event: Event, resident: Resident, status: RegistrationStatus,
              invited: datetime, rng: np.random.Generator) -> Registration:
    registration = Registration(event=event, resident=resident, token=new_token(),
                                status=S.INVITED, invited_at=invited)
    for session in event.sessions:
        registration.places.append(SessionPlace(session=session,
                                                available=bool(rng.random() < 0.93)))
    db.session.add(registration)
    db.session.flush()
    at = invited
    for step in PATHS[status]:
        at += timedelta(days=int(rng.integers(1, 4)), hours=int(rng.integers(0, 10)))
        change_status(registration, step, at)
    return registration


def _shuffled(rng: np.random.Generator, plan: dict[RegistrationStatus, int]
              ) -> list[RegistrationStatus]:
    statuses = [status for status, n in plan.items() for _ in range(n)]
    return [statuses[i] for i in rng.permutation(len(statuses))]


def _held_workshop(rng: np.random.Generator, officer: User, organiser: User,
                   now: datetime, leave_out: set[int]) -> Event:
    engagement = Engagement(
        title="Our town centre", topic="Regeneration", level=SpectrumLevel.INVOLVE,
        why="The council has £4 million to spend on Burnley town centre. We asked residents "
            "at a workshop what would make them use it more.",
        starts_on=(now - 70 * DAY).date(), ends_on=(now - 30 * DAY).date(),
        decision_maker="The Cabinet", decision_due="Cabinet, " +
        (now + 30 * DAY).strftime("%B %Y"),
        results_use="The workshop's themes shape the plan the Cabinet is asked to approve.",
        announced_at=now - 71 * DAY, created_by=officer)
    start = (now - 35 * DAY).replace(hour=9, minute=30, second=0, microsecond=0)
    event = Event(
        engagement=engagement, title="Town centre workshop", format=EventFormat.WORKSHOP,
        purpose="An evening with thirty residents, chosen to reflect the borough, on what the "
                "town centre needs.", capacity=28, status=EventStatus.RECRUITING,
        offers_childcare=True, offers_travel=True, offers_dietary=True,
        thank_you_kind=ThankYouKind.VOUCHER, thank_you_pence=2500,
        registration_closes_at=start - 14 * DAY, confirm_by=start - 7 * DAY,
        created_by=officer, organisers=[organiser],
        sessions=[EventSession(starts_at=start, ends_at=start + timedelta(hours=3),
                               venue="Burnley Town Hall", address="Manchester Road, Burnley "
                               "BB11 9SA", step_free=True, hearing_loop=True)])
    db.session.add(event)
    db.session.flush()
    statuses = _shuffled(rng, PAST)
    db.session.add(InvitationWave(event=event, size=len(statuses), created_by_id=officer.id,
                                  created_at=start - 40 * DAY))
    people = _people(rng, len(statuses), leave_out)
    for rank, (resident, status) in enumerate(zip(people, statuses, strict=False), start=1):
        registration = _register(event, resident, status, start - 40 * DAY, rng)
        if status == S.RESERVE:
            registration.reserve_rank = rank
        if status in (S.ATTENDED, S.NO_SHOW):
            place = registration.places[0]
            place.available = True
            place.attendance = (Attendance.ATTENDED if status == S.ATTENDED
                                else Attendance.NO_SHOW)
            place.marked_at, place.marked_by_id = start + timedelta(minutes=20), organiser.id
            if rng.random() < 0.3:
                kind = NeedKind.TRAVEL if rng.random() < 0.6 else NeedKind.CHILDCARE
                registration.needs.append(AccessNeed(
                    kind=kind, detail="Taxi both ways" if kind == NeedKind.TRAVEL
                    else "One child, aged 4", status=NeedStatus.PAID,
                    cost_pence=int(rng.integers(8, 30)) * 100, updated_at=start - 3 * DAY))
            sync_thank_you(registration, start + timedelta(hours=3))
            for payment in registration.payments:
                if rng.random() < 0.75:        # most paid; the rest still owed
                    payment.paid_at = start + int(rng.integers(5, 20)) * DAY
                    payment.paid_by_id = officer.id
                    payment.reference = f"VCH-{int(rng.integers(10000, 99999))}"
    event.status = EventStatus.HELD
    event.themes = [EventTheme(title=title, detail=detail, position=i)
                    for i, (title, detail) in enumerate(THEMES)]
    return event


NEEDS = ((NeedKind.STEP_FREE, "I use a wheelchair"), (NeedKind.HEARING_LOOP, ""),
         (NeedKind.BSL, ""), (NeedKind.INTERPRETER, "Urdu"), (NeedKind.INTERPRETER, "Polish"),
         (NeedKind.DIETARY, "Halal"), (NeedKind.DIETARY, "Vegetarian"),
         (NeedKind.CHILDCARE, "Two children, aged 3 and 6"), (NeedKind.TRAVEL, "Bus fares"))


def _assembly(rng: np.random.Generator, officer: User, organiser: User, now: datetime,
              demo_resident: Resident | None, leave_out: set[int], seed: int) -> Event:
    engagement = Engagement(
        title="Climate action plan", topic="Climate", level=SpectrumLevel.COLLABORATE,
        why="A citizens' assembly will recommend how Burnley reaches net zero by 2040; the "
            "council has promised to respond to every recommendation.",
        starts_on=(now - 20 * DAY).date(), ends_on=(now + 60 * DAY).date(),
        decision_maker="Full Council", decision_due="Full Council, " +
        (now + 90 * DAY).strftime("%B %Y"),
        results_use="The assembly's recommendations go to Full Council unchanged.",
        announced_at=now - 21 * DAY, created_by=officer)
    saturday = (now + 14 * DAY).date()
    saturday += ((5 - saturday.weekday()) % 7) * DAY    # two Saturdays, 10am UK time
    first = from_uk(saturday, time(10))
    target_set = db.session.scalar(select(TargetSet).where(TargetSet.is_default.is_(True)))
    event = Event(
        engagement=engagement, title="Climate citizens' assembly",
        format=EventFormat.CITIZENS_ASSEMBLY,
        purpose="Two Saturdays hearing from experts and each other, then agreeing "
                "recommendations.", capacity=24, status=EventStatus.RECRUITING,
        offers_childcare=True, offers_travel=True, offers_bsl=True, offers_dietary=True,
        interpreter_languages="Urdu, Polish", thank_you_kind=ThankYouKind.PAYMENT,
        thank_you_pence=6000, registration_closes_at=now - 3 * DAY, confirm_by=now + 4 * DAY,
        expected_response_rate=45, public_code=f"CLIM{seed % 10000:04d}"[:8],
        target_set_id=target_set.id if target_set else None,
        dimensions=["sex", "age_band"] if target_set else [], one_per_household=True,
        created_by=officer, organisers=[organiser],
        sessions=[EventSession(starts_at=first + 7 * DAY * n,
                               ends_at=first + 7 * DAY * n + timedelta(hours=6),
                               venue="Burnley Mechanics", address="Manchester Road, Burnley "
                               "BB11 1JA", step_free=True, hearing_loop=False)
                  for n in range(2)])
    db.session.add(event)
    db.session.flush()
    statuses = _shuffled(rng, INVITATION_ANSWERS)
    invited = now - 18 * DAY
    wave = InvitationWave(event=event, size=len(statuses) + 1, created_by_id=officer.id,
                          created_at=invited)
    db.session.add(wave)
    people = _wave(rng, officer, event, wave, len(statuses), leave_out, seed)
    for resident, status in zip(people, statuses, strict=False):
        registration = _register(event, resident, status, invited, rng)
        if status == S.INTERESTED and rng.random() < 0.35:
            kind, detail = NEEDS[int(rng.integers(len(NEEDS)))]
            registration.needs.append(AccessNeed(kind=kind, detail=detail,
                                                 updated_at=now - 5 * DAY))
    mine = None
    if demo_resident is not None:
        mine = _register(event, demo_resident, S.INTERESTED, invited, rng)
        for place in mine.places:
            place.available = True
        mine.needs.append(AccessNeed(kind=NeedKind.DIETARY, detail="Vegetarian",
                                     updated_at=now - 5 * DAY))
    event.status = EventStatus.SELECTING          # registration closed three days ago
    db.session.flush()
    selecting.select_room(organiser, event, seed=_seed_selecting(event, mine, seed),
                          at=now - 2 * DAY, tell=False)
    _answer_offers(rng, event, mine, now)
    return event


def _wave(rng: np.random.Generator, officer: User, event: Event, wave: InvitationWave,
          size: int, leave_out: set[int], seed: int) -> list[Resident]:
    """Who the wave invited: a quota sample of members interested in events, as a real wave
    draws (quota.services), or anyone who may be asked when the panel is too small for it."""
    if event.target_set_id is not None:
        spec = SampleSpec(name=f"{event.title}: invitation wave", mode=SampleMode.SURVEY,
                          target_set_id=event.target_set_id, dimensions=tuple(event.dimensions),
                          size=size, tolerance=2, seed=seed, events_only=True, household=True)
        db.session.commit()    # the draw commits; a failed one must roll back nothing else
        try:
            sample = quota_services.draw_sample(officer, spec)
        except (QuotaInfeasible, QuotaInputError, quota_services.SampleError):
            db.session.rollback()
        else:
            wave.sample_id = sample.id
            chosen = [m.resident_id for m in sample.members_with(MemberRole.SELECTED)
                      if m.resident_id not in leave_out]
            return list(db.session.scalars(select(Resident).where(Resident.id.in_(chosen))
                                           .order_by(Resident.id)))
    return _people(rng, size, leave_out)


def _seed_selecting(event: Event, mine: Registration | None, seed: int) -> int:
    """A seed whose fair draw selects the demo resident (so they have a place to show). The
    draw is the real one, reproducible from the stored seed; only the seed is chosen. Quotas
    on sex alone, or none, and fewer places, when the interested cannot meet the quotas (a
    small panel)."""
    households = {r.household for r in selecting.problem_for(event).candidates}
    event.capacity = max(1, min(event.capacity, len(households) * 2 // 3))
    for dimensions in (list(event.dimensions), ["sex"], []):
        event.dimensions = dimensions
        pool, quotas = selecting.room_problem(event, selecting.problem_for(event))
        for tries in range(60):
            try:
                result = run_draw(pool, quotas, event.capacity, seed + tries)
            except QuotaInfeasible:
                break
            if mine is None or mine.id in result.selected:
                return seed + tries
    return seed


def _answer_offers(rng: np.random.Generator, event: Event, mine: Registration | None,
                   now: datetime) -> None:
    """Most of the selected confirm (the demo resident too), two turn the place down (their
    places are to fill from the reserves), the rest have not answered yet; the access needs of
    those with a place are being arranged."""
    offered = list(db.session.scalars(select(Registration).where(
        Registration.event_id == event.id, Registration.status == S.SELECTED)
        .order_by(Registration.id)))
    others = [r for r in offered if r is not mine]
    answers = [S.DECLINED] * 2 + [S.CONFIRMED] * 15 + [None] * (len(others) - 17)
    for registration, answer in zip(others, [answers[i] for i in rng.permutation(len(answers))],
                                    strict=False):
        if answer is not None:
            change_status(registration, answer, now - DAY)
    if mine is not None and mine.status == S.SELECTED:
        change_status(mine, S.CONFIRMED, now - DAY)
    for registration in offered:
        if registration.status != S.CONFIRMED:
            continue
        for need in registration.needs:
            need.status = [NeedStatus.REQUESTED, NeedStatus.BOOKED, NeedStatus.CANNOT_PROVIDE][
                int(rng.choice(3, p=[0.4, 0.5, 0.1]))]
            if need.kind in (NeedKind.TRAVEL, NeedKind.CHILDCARE) and \
                    need.status == NeedStatus.BOOKED:
                need.cost_pence = int(rng.integers(10, 40)) * 100


def seed_events(seed: int) -> str:
    """Add the events demo (the e-panel's demo residents and staff must exist)."""
    rng = np.random.default_rng([seed, 14])
    officer, organiser = _staff(Role.OFFICER, "officer"), _staff(Role.ORGANISER, "organiser")
    now = utcnow().replace(second=0, microsecond=0)
    demo_user = db.session.scalar(select(User).where(User.email == demo_email(DEMO_RESIDENT)))
    demo_resident = demo_user.resident if demo_user is not None else None
    leave_out = {demo_resident.id} if demo_resident is not None else set()
    held = _held_workshop(rng, officer, organiser, now, leave_out)
    upcoming = _assembly(rng, officer, organiser, now, demo_resident, leave_out, seed)
    db.session.commit()
    return (f"  2 events: {held.title} (held, {held.places_taken} places) and "
            f"{upcoming.title} (selected; {upcoming.places_taken} of {upcoming.capacity} "
            "places confirmed)")
