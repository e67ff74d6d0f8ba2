"""An invitation wave at scale: 2,000 panel members invited to an event (goal: queued in under
5 s: the registrations with a place row per session, the outbox rows, the contacts and the
sample members' invitation time). SQLite, this machine; wall and CPU seconds shown.

The wave's sample is made directly from 2,000 members who may be asked (the draw itself is
timed on its own, from the events-only pool, by ``bench_quota`` and shown here for what the
demo panel allows), so the figure is the sending job's own work, as ``/jobs/<id>`` shows it.
"""

from __future__ import annotations

import time

from sqlalchemy import func, select

from bench.demo_app import seeded_app
from bench.timing import print_table
from core.extensions import db
from core.models import Message, Role, User
from events import waves
from events.models import (
    Event,
    EventFormat,
    EventSession,
    EventStatus,
    InvitationWave,
    Registration,
)
from panel.engagements import Engagement, SpectrumLevel
from panel.models import Contact, TargetSet
from quota.models import MemberRole, Sample, SampleMember, SampleMode
from quota.pool import reachable_residents

WAVE = 2_000
RESIDENTS = 2_600
GOAL = 5.0


def _event(organiser: User) -> Event:
    from datetime import datetime, timedelta
    start = datetime(2027, 3, 20, 10)
    event = Event(engagement=Engagement(title="Future of our parks", level=SpectrumLevel.INVOLVE),
                  title="Parks assembly", format=EventFormat.CITIZENS_ASSEMBLY, capacity=300,
                  status=EventStatus.RECRUITING, expected_response_rate=30,
                  dimensions=["age_band", "sex"])
    for n in range(2):
        event.sessions.append(EventSession(starts_at=start + timedelta(days=7 * n),
                                           ends_at=start + timedelta(days=7 * n, hours=3),
                                           venue="Town Hall", step_free=True))
    event.organisers.append(organiser)
    db.session.add(event)
    db.session.commit()
    return event


def _wave(event: Event, organiser: User) -> InvitationWave:
    ids = list(db.session.scalars(reachable_residents().order_by(None).limit(WAVE)))
    target_set = db.session.scalar(select(TargetSet.id).limit(1))
    sample = Sample(name="bench wave", mode=SampleMode.SURVEY, target_set_id=target_set,
                    size=len(ids), seed=1, algorithm="bench", software_version="bench",
                    pool_size=len(ids), spec={}, inputs={}, report={},
                    created_by_id=organiser.id)
    sample.members = [SampleMember(resident_id=i, role=MemberRole.SELECTED) for i in ids]
    db.session.add(sample)
    db.session.flush()
    wave = InvitationWave(event_id=event.id, sample_id=sample.id, size=len(ids),
                          created_by_id=organiser.id)
    db.session.add(wave)
    db.session.commit()
    return wave


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def main() -> None:
    with seeded_app(RESIDENTS) as (app, seeding), app.app_context(), \
            app.test_request_context():
        organiser = User(email="organiser@example.org", role=Role.ORGANISER)
        db.session.add(organiser)
        db.session.commit()
        event = _event(organiser)
        wave = _wave(event, organiser)
        planned = len(waves.plan(wave).invite)
        wall, cpu = time.perf_counter(), time.process_time()
        invited, _ = waves.invite(organiser, wave)
        db.session.commit()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print_table([
            {"step": "demo panel seeded", "size": f"{RESIDENTS:,} residents",
             "wall_s": round(seeding, 2), "cpu_s": ""},
            {"step": "wave queued", "size": f"{invited:,} invited of {planned:,} planned",
             "wall_s": round(wall, 2), "cpu_s": round(cpu, 2)}])
        print(f"registrations {count(Registration):,}; outbox {count(Message):,}; "
              f"contacts {count(Contact):,}")
        print(f"2,000-person wave queued in {wall:.2f} s (goal < {GOAL:.0f} s): "
              f"{'met' if wall < GOAL else 'NOT met'}")


if __name__ == "__main__":
    main()
