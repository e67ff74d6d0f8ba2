"""The demo closes the loop too: its history emails nobody, the demo resident took part in the
libraries survey (so their "What happened to my views" page shows it, with something done to
answer about), and officers see participants' answers already."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import Message, User, utcnow
from outcomes.demo import seed_outcomes
from outcomes.feedback import counts, my_engagements
from panel.demo import DEMO_RESIDENT, demo_email, seed_demo
from panel.engagements import Engagement

pytestmark = pytest.mark.clock("2026-12-07 10:00")


def test_the_demo_resident_sees_what_happened_and_officers_see_answers(app):
    seed_demo(seed=5, residents=300)
    seed_outcomes(5)
    assert db.session.scalars(select(Message)).all() == []
    user = db.session.scalar(select(User).where(User.email == demo_email(DEMO_RESIDENT)))
    mine = my_engagements(user.resident, utcnow())
    libraries = next(m for m in mine if m.engagement.title == "Future of our libraries")
    assert libraries.responded and any(a.action.status.value == "done" for a in libraries.actions)
    heard = counts(db.session.scalar(select(Engagement).where(
        Engagement.title == "Future of our libraries")))
    assert sum(heard.listened.values()) > 0 and heard.happened
