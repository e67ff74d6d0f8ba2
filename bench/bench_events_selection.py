"""Selecting an event's room: 30 from 500 interested, quotas on age, sex and tenure (the
default target set, Census 2021 shares), one per household (goal: < 5 s for the whole use
case: profiles read, the fair draw, 30 selected and 470 reserves written, 30 emails queued).

The 500 are demo residents (``flask demo seed``, seeded: same people every run) registered as
interested in a two-session workshop. Figures: the whole service (``select_room``) and, on the
stored inputs, the draw alone (the fair lottery and the reserve order), with the smallest
chance of selection against its bound.
"""

from __future__ import annotations

import time

from sqlalchemy import select

from bench.demo_app import seeded_app
from bench.timing import print_table
from core.extensions import db
from core.models import Role, User
from events import selecting
from events import selection as pure
from events.models import (
    Event,
    EventFormat,
    EventSession,
    EventStatus,
    Registration,
    RegistrationStatus,
    SessionPlace,
)
from events.registrations import new_token
from panel.engagements import Engagement, SpectrumLevel
from panel.models import Resident, TargetSet

INTERESTED, CAPACITY = 500, 30
DIMENSIONS = ["age_band", "sex", "tenure"]
GOAL_SECONDS = 5.0


def _event() -> tuple[Event, User]:
    from datetime import datetime, timedelta

    organiser = db.session.scalar(select(User).where(User.role == Role.OFFICER).limit(1))
    target_set = db.session.scalar(select(TargetSet).order_by(TargetSet.is_default.desc()))
    event = Event(engagement=Engagement(title="Bench: parks", level=SpectrumLevel.INVOLVE),
                  title="Parks workshop", format=EventFormat.WORKSHOP, capacity=CAPACITY,
                  status=EventStatus.SELECTING, target_set_id=target_set.id,
                  dimensions=DIMENSIONS, one_per_household=True)
    start = datetime(2027, 3, 20, 10)
    for week in range(2):
        event.sessions.append(EventSession(starts_at=start + timedelta(days=7 * week),
                                           ends_at=start + timedelta(days=7 * week, hours=3),
                                           venue="Town Hall"))
    db.session.add(event)
    db.session.flush()
    residents = db.session.scalars(select(Resident).order_by(Resident.id).limit(INTERESTED))
    for n, resident in enumerate(residents):
        registration = Registration(event=event, resident=resident, token=new_token(),
                                    status=RegistrationStatus.INTERESTED)
        for i, session in enumerate(event.sessions):
            registration.places.append(SessionPlace(session=session,
                                                    available=not (n % 9 == 0 and i == 1)))
        db.session.add(registration)
    db.session.commit()
    return event, organiser


def main() -> None:
    with seeded_app(residents=INTERESTED + 100) as (app, _), app.app_context():
        event, organiser = _event()
        households = len({r.household_key for r in db.session.scalars(select(Resident))})
        start = time.perf_counter()
        try:
            record = selecting.select_room(organiser, event, seed=2027)
        except selecting.QuotasNotMet as error:
            print(f"Quotas not met by the demo's volunteers: {error}")
            return
        whole = time.perf_counter() - start
        pool, quotas = pure.stored_problem(record)
        start = time.perf_counter()
        again = pure.run_draw(pool, quotas, CAPACITY, int(record["seed"]))
        draw = time.perf_counter() - start
        report = record["report"]
        print_table([{
            "case": f"{CAPACITY} from {len(pool):,} interested ({INTERESTED:,} registered)",
            "quota dims": len(DIMENSIONS), "quotas": len(quotas),
            "households": households,
            "select_room s": whole, "draw alone s": draw,
            "min chance": f"{report['minimum_probability']:.4f}",
            "bound": f"{report['probability_bound']:.4f}",
            "reserves": len(record["reserves"]),
            "quotas met": report["quotas_met"],
            "reproduces": [int(p) for p in again.selected] == record["selected"],
            "goal": f"< {GOAL_SECONDS:.0f} s: {'met' if whole < GOAL_SECONDS else 'MISSED'}",
        }])


if __name__ == "__main__":
    main()
