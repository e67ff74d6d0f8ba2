"""An organiser sends an invitation wave to the panel; the emails arrive over real SMTP; a
resident follows the personal link from their email, on a 390 px screen with JavaScript off,
and says they are interested, with an access need. Every page is axe-clean."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta
from email.message import EmailMessage

from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from core.extensions import db
from core.jobs.runner import run_pending_jobs
from core.models import Role, User
from events.models import (
    Event,
    EventFormat,
    EventSession,
    EventStatus,
    NeedKind,
    Registration,
    RegistrationStatus,
)
from panel.engagements import Engagement, SpectrumLevel
from panel.models import Resident
from tests.e2e.conftest import assert_accessible, sign_in, watch_console

ORGANISER = "recruit.organiser@burnley.example"
MEMBERS = "recruit.wave{}@example.org"
LINK = re.compile(r"http://127\.0\.0\.1:\d+/events/r/[A-Za-z0-9_-]+")


def _panel_and_event(live_server) -> int:  # noqa: ANN001
    """24 members interested in events (half women, half men), and an event for 5 people
    expecting half of those invited to say yes: the suggested wave is 20."""
    live_server.add_members(MEMBERS, [{"sex": "female" if n % 2 else "male"}
                                      for n in range(24)])
    live_server.create_user(Role.ORGANISER, ORGANISER)
    with live_server.app.app_context():
        for resident in db.session.scalars(select(Resident).join(Resident.user).where(
                User.email.like("recruit.wave%"))):
            resident.interested_in_events = True
        organiser = db.session.scalar(select(User).where(User.email == ORGANISER))
        start = datetime(2031, 3, 23, 10, 0)   # a Sunday; the clocks go forward on the 30th
        event = Event(engagement=Engagement(title="Future of our parks",
                                            level=SpectrumLevel.INVOLVE),
                      title="Parks workshop", purpose="Help decide how the parks budget is spent.",
                      format=EventFormat.WORKSHOP, capacity=5, expected_response_rate=50,
                      status=EventStatus.RECRUITING, dimensions=["sex"],
                      offers_childcare=True, offers_travel=True)
        for n in range(2):
            event.sessions.append(EventSession(
                starts_at=start + timedelta(days=7 * n),
                ends_at=start + timedelta(days=7 * n, hours=2), venue="Burnley Town Hall",
                address="Manchester Road, Burnley", step_free=True, hearing_loop=n == 0))
        event.organisers.append(organiser)
        db.session.add(event)
        db.session.commit()
        return event.id


def _invitation(live_server, timeout: float = 20.0) -> tuple[str, str]:  # noqa: ANN001
    """(address, personal link) of an invitation that arrived."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in list(live_server.smtp.inbox.messages):
            body = _body(message)
            if message["To"].startswith("recruit.wave") and "would you like to take part" in \
                    message["Subject"] and (found := LINK.search(body)):
                return message["To"], found.group(0)
        time.sleep(0.2)
    raise AssertionError("no invitation arrived")


def _body(email: EmailMessage) -> str:
    return email.get_body(preferencelist=("plain",)).get_content()


def _arrived(live_server, to: str, subject: str, timeout: float = 15.0) -> int:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [m for m in list(live_server.smtp.inbox.messages)
                 if m["To"] == to and subject in m["Subject"]]
        if found:
            return len(found)
        time.sleep(0.2)
    raise AssertionError(f"no email to {to} about {subject!r}")


def test_a_wave_is_sent_and_a_resident_says_they_are_interested(
        page: Page, browser: Browser, live_server, leaves_the_pool: list[str]) -> None:
    leaves_the_pool.extend(MEMBERS.format(n) for n in range(24))
    event_id = _panel_and_event(live_server)
    errors = watch_console(page)

    # The organiser: the suggested size, explained; the check; the job
    sign_in(page, ORGANISER)
    page.goto(f"/events/{event_id}/invitations")
    expect(page.get_by_role("heading", level=1)).to_have_text("Invite people from the panel")
    expect(page.get_by_label("How many people to invite")).to_have_value("20")
    expect(page.get_by_text("about twice as many interested as places")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Draw the wave").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("20 people will be invited")
    assert_accessible(page)
    page.get_by_role("button", name="Send 20 invitations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sending invitations")
    with live_server.app.app_context():
        run_pending_jobs()
    expect(page.get_by_role("heading", name="20 invitations sent")).to_be_visible(timeout=15000)
    assert_accessible(page)
    page.reload()   # the outbox is sent after a request
    page.wait_for_load_state("networkidle")
    assert not errors

    # The resident: their email, their link, a phone-sized screen. axe needs JavaScript, so
    # one phone checks each page with it on; the other, with it off, does the real thing.
    address, link = _invitation(live_server)
    checker = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    looks = checker.new_page()
    looks.goto(link)
    expect(looks.get_by_role("heading", level=1)).to_have_text("Parks workshop")
    assert_accessible(looks)
    assert looks.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    looks.get_by_role("button", name="I'm interested").click()   # nothing ticked
    expect(looks.get_by_role("link", name="Tick at least one session")).to_be_visible()
    assert_accessible(looks)
    assert looks.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    context = browser.new_context(viewport={"width": 390, "height": 844},
                                  java_script_enabled=False, locale="en-GB")
    phone = context.new_page()
    phone.goto(link)
    # UK time on each side of the clock change (both sessions start at 10:00 UTC)
    expect(phone.get_by_label("Session 1: Sunday 23 March 2031, 10am to midday")).to_be_visible()
    expect(phone.get_by_label("Session 2: Sunday 30 March 2031, 11am to 1pm")).to_be_visible()
    phone.get_by_role("button", name="I'm interested").click()   # nothing ticked
    expect(phone.get_by_role("heading", name="There is a problem")).to_be_visible()
    phone.get_by_label(re.compile(r"^Session 1:")).check()
    phone.get_by_label("Interpreter (spoken language)").check()
    phone.get_by_label("Which language?").fill("Polish")
    phone.get_by_role("button", name="I'm interested").click()
    expect(phone.get_by_role("heading", name="You said you are interested")).to_be_visible()
    context.close()

    looks.goto(link)
    expect(looks.get_by_role("heading", name="You said you are interested")).to_be_visible()
    assert_accessible(looks)
    assert looks.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    looks.wait_for_load_state("networkidle")
    checker.close()

    with live_server.app.app_context():
        registration = db.session.scalar(select(Registration).join(Registration.resident)
                                         .join(Resident.user).where(User.email == address))
        assert registration.status == RegistrationStatus.INTERESTED
        assert [(n.kind, n.detail) for n in registration.needs] == [
            (NeedKind.INTERPRETER, "Polish")]
        assert sum(p.available for p in registration.places) == 1
    assert _arrived(live_server, address, "thank you for your interest") == 1
    page.wait_for_load_state("networkidle")
