"""The whole flow of a deliberative event in a browser, as issue 14 tells it.

An organiser sets up a two-session workshop for 12 and opens recruitment; sends a 60-person
invitation wave drawn from the panel; 25 residents say they are interested through the personal
links in their emails (some with access needs); registration closes and the selection of 12
meets the quotas; two of the selected decline and are replaced with every quota kept (the quota
effect shown first); everyone with a place confirms; attendance is marked with one tap per
person on a phone-sized screen, and the dashboard shows who came against who was selected and
the borough. Every email arrives over real SMTP; every page is axe-clean.
"""

from __future__ import annotations

import re
import time
from datetime import timedelta

from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from core.extensions import db
from core.jobs.runner import run_pending_jobs
from core.models import Role, User, utcnow
from events.models import Event, Registration, RegistrationStatus
from panel.engagements import Engagement, SpectrumLevel
from panel.models import Resident
from panel.reference_data import DEFAULT_TARGET_SET_NAME
from tests.e2e.conftest import assert_accessible, sign_in, watch_console

ORGANISER = "flow.organiser@burnley.example"
MEMBERS = "flow.member{}@example.org"
PEOPLE = 80
AGES = ("16_24", "35_44", "55_64", "75_plus")
PHONE = {"width": 390, "height": 844}
INVITATION = re.compile(r"http://127\.0\.0\.1:\d+(/events/r/[A-Za-z0-9_-]+)(?=\s|$)")
CONFIRM = re.compile(r"http://127\.0\.0\.1:\d+(/events/r/[A-Za-z0-9_-]+/confirm)")
S = RegistrationStatus


def _body(message) -> str:  # noqa: ANN001 (an email.message.EmailMessage)
    return message.get_body(preferencelist=("plain",)).get_content()


def _emails_to(live_server, pattern: str, subject: str, count: int,
               timeout: float = 60.0) -> dict[str, str]:
    """Address -> plain body of ``count`` emails whose subject contains ``subject``."""
    deadline = time.monotonic() + timeout
    found: dict[str, str] = {}
    while time.monotonic() < deadline:
        for message in list(live_server.smtp.inbox.messages):
            if message["To"].startswith(pattern) and subject in message["Subject"]:
                found[message["To"]] = _body(message)
        if len(found) >= count:
            return found
        time.sleep(0.3)
    raise AssertionError(f"{len(found)} of {count} emails about {subject!r} arrived")


def _no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def _fill_date(page: Page, legend: str, day) -> None:  # noqa: ANN001 (a date)
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def _sex(address: str) -> str:
    return "female" if int(re.search(r"member(\d+)@", address).group(1)) % 2 else "male"


def _registrations(live_server, event_id: int) -> dict[str, Registration]:
    with live_server.app.app_context():
        rows = db.session.scalars(select(Registration).where(Registration.event_id == event_id)
                                  .order_by(Registration.id)).all()
        found = {r.resident.user.email: r for r in rows}
        for registration in rows:
            db.session.expunge(registration)
        return found


def _quotas_kept(live_server, event_id: int) -> None:
    """Everyone selected or holding a place meets every quota the selection was drawn with."""
    with live_server.app.app_context():
        event = db.session.get(Event, event_id)
        room = [r for r in db.session.scalars(select(Registration).where(
            Registration.event_id == event_id)) if r.status in (S.SELECTED, S.CONFIRMED)]
        assert len(room) == event.capacity
        for dimension, category, low, high, _ in event.selection["inputs"]["quotas"]:
            people = event.selection["inputs"]["ids"]
            column = event.selection["inputs"]["profiles"][dimension]
            categories = dict(zip(people, column, strict=True))
            count = sum(categories.get(r.id) == category for r in room)
            assert low <= count <= high, (dimension, category, low, count, high)


def _set_up(live_server) -> None:
    live_server.add_members(MEMBERS, [{"sex": "female" if n % 2 else "male",
                                       "age_band": AGES[n % 4]} for n in range(PEOPLE)])
    live_server.create_user(Role.ORGANISER, ORGANISER)
    with live_server.app.app_context():
        for resident in db.session.scalars(select(Resident).join(Resident.user).where(
                User.email.like("flow.member%"))):
            resident.interested_in_events = True
        db.session.add(Engagement(title="Future of Towneley Park", level=SpectrumLevel.INVOLVE))
        db.session.commit()


def test_the_whole_flow_of_a_workshop(page: Page, browser: Browser, live_server, base_url: str,
                                      leaves_the_pool: list[str]) -> None:
    leaves_the_pool.extend(MEMBERS.format(n) for n in range(PEOPLE))
    _set_up(live_server)
    errors = watch_console(page)
    first = (utcnow() + timedelta(days=60)).date()

    # 1. The organiser sets up a two-session workshop for 12 and opens recruitment.
    sign_in(page, ORGANISER)
    page.goto("/events/")
    page.get_by_role("button", name="Create an event").click()
    page.get_by_label("Which engagement is this event part of?").select_option(
        label="Future of Towneley Park")
    page.get_by_label("What is the event called?").fill("Towneley Park workshop")
    page.get_by_label("What is it for?").fill("What the park should be for.")
    page.get_by_label("Workshop").check()
    page.get_by_label("How many places?").fill("12")
    page.get_by_role("button", name="Save and continue").click()
    for n, day in enumerate((first, first + timedelta(days=7))):
        page.get_by_role("link", name="Sessions" if n == 0 else "Add a session").click()
        _fill_date(page, "Date", day)
        page.get_by_label("Start time").fill("10:00")
        page.get_by_label("End time").fill("13:00")
        page.get_by_label("Venue (leave empty for an online session)").fill("Towneley Hall")
        page.get_by_label("Address").fill("Todmorden Road, Burnley")
        page.get_by_label("Step-free access").check()
        page.get_by_role("button", name="Save the session").click()
        expect(page.get_by_text("Session saved.")).to_be_visible()
    page.get_by_role("link", name="Recruitment", exact=True).click()
    page.get_by_label("Expected response rate, per cent").fill("40")
    _fill_date(page, "Registration closes on", first - timedelta(days=21))
    page.get_by_label("Registration closes at").fill("17:00")
    page.get_by_role("button", name="Save recruitment").click()
    expect(page.get_by_text("Recruitment settings saved.")).to_be_visible()
    page.get_by_role("link", name="Selection quotas", exact=True).click()
    page.get_by_label("Compare with (target set)").select_option(label=DEFAULT_TARGET_SET_NAME)
    page.get_by_label("Sex", exact=True).check()
    page.get_by_role("button", name="Save quotas").click()
    page.get_by_role("button", name="Open recruitment").click()
    expect(page.locator(".govuk-tag", has_text="Recruiting")).to_be_visible()
    assert_accessible(page)
    event_id = int(re.search(r"/events/(\d+)", page.url).group(1))

    # 2. A 60-person invitation wave: 12 places x 2 / 40 per cent expected to say yes.
    page.get_by_role("link", name="Invitations", exact=True).click()
    expect(page.get_by_label("How many people to invite")).to_have_value("60")
    page.get_by_role("button", name="Draw the wave").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("60 people will be invited")
    assert_accessible(page)
    page.get_by_role("button", name="Send 60 invitations").click()
    with live_server.app.app_context():
        run_pending_jobs()
    expect(page.get_by_role("heading", name="60 invitations sent")).to_be_visible(timeout=30000)
    page.reload()   # the outbox is sent after a request
    invitations = _emails_to(live_server, "flow.member", "would you like to take part", 60)

    # 3. 25 of them say they are interested through their links (13 women, 12 men); every
    # fifth asks for an interpreter. The first does it on a phone.
    women = [a for a in sorted(invitations) if _sex(a) == "female"][:13]
    men = [a for a in sorted(invitations) if _sex(a) == "male"][:12]
    assert len(women) == 13 and len(men) == 12, "the wave should reach enough of each"
    phone = browser.new_context(base_url=base_url, viewport=PHONE, locale="en-GB")
    resident = phone.new_page()
    for n, address in enumerate(women + men):
        resident.goto(INVITATION.search(invitations[address]).group(1))
        resident.get_by_label(re.compile(r"^Session 1:")).check()
        resident.get_by_label(re.compile(r"^Session 2:")).check()
        if n % 5 == 0:
            resident.get_by_label("Interpreter (spoken language)").check()
            resident.get_by_label("Which language?").fill("Polish")
        if n == 0:
            _no_sideways_scroll(resident)
            assert_accessible(resident)
        resident.get_by_role("button", name="I'm interested").click()
        expect(resident.get_by_role("heading", name="You said you are interested")).to_be_visible()
    assert_accessible(resident)
    _emails_to(live_server, "flow.member", "thank you for your interest", 25)

    # 4. Registration closes; the selection of 12 meets the quotas.
    page.goto(f"/events/{event_id}/invitations")
    page.get_by_role("button", name="Close registration now").click()
    page.goto(f"/events/{event_id}/selection")
    assert_accessible(page)
    page.get_by_role("button", name="Select 12 people").click()
    expect(page.get_by_role("heading", name="Selected (12)")).to_be_visible()
    expect(page.get_by_role("heading", name="Reserves (13)")).to_be_visible()
    assert_accessible(page)
    _quotas_kept(live_server, event_id)
    registrations = _registrations(live_server, event_id)
    selected = [a for a, r in registrations.items() if r.status == S.SELECTED]
    assert len(selected) == 12

    # 5. Ten confirm, two decline, each through the link in their email.
    offers = _emails_to(live_server, "flow.member", "offered a place", 12)
    declining = selected[:2]
    for address in selected:
        resident.goto(CONFIRM.search(offers[address]).group(1))
        if address in declining:
            resident.get_by_role("button", name="No, I cannot take the place").click()
            expect(resident.get_by_text("You told us you cannot take this place")).to_be_visible()
        else:
            resident.get_by_role("button", name="Yes, I can come").click()
            expect(resident.get_by_text("You have confirmed your place")).to_be_visible()
    assert_accessible(resident)

    # 6. Both places are filled from the reserves, the quota effect shown first; the quotas hold.
    for left in range(2, 0, -1):
        page.goto(f"/events/{event_id}/selection")
        expect(page.get_by_role("heading", name=f"Places to fill ({left})")).to_be_visible()
        page.get_by_role("link", name=re.compile("Find a replacement")).first.click()
        expect(page.get_by_role("table").first).to_contain_text("Sex: Female")
        assert_accessible(page)
        page.get_by_role("button", name=re.compile("Offer the place to")).click()
        expect(page.get_by_text("is offered the place")).to_be_visible()
    _quotas_kept(live_server, event_id)
    registrations = _registrations(live_server, event_id)
    replacements = [a for a, r in registrations.items() if r.replaces_id is not None]
    assert len(replacements) == 2
    places = _emails_to(live_server, "flow.member", "A place has come up", 2)
    for address in replacements:
        resident.goto(CONFIRM.search(places[address]).group(1))
        resident.get_by_role("button", name="Yes, I can come").click()
        expect(resident.get_by_text("You have confirmed your place")).to_be_visible()
    resident.wait_for_load_state("networkidle")
    phone.close()
    with live_server.app.app_context():
        assert db.session.get(Event, event_id).places_taken == 12

    # 7. Attendance on a phone: one tap per person; one of them did not come.
    page.set_viewport_size(PHONE)
    page.goto(f"/events/{event_id}/attendance")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("record attendance")).first.click()
    _no_sideways_scroll(page)
    assert_accessible(page)
    names = [r.display_name for r in _registrations(live_server, event_id).values()
             if r.status == S.CONFIRMED]
    assert len(names) == 12
    for n, name in enumerate(names):
        mark = "No-show" if n == 0 else "Attended"
        page.get_by_role("button", name=f"{mark} for {name}", exact=True).click()
        page.wait_for_load_state("networkidle")
    _no_sideways_scroll(page)
    assert_accessible(page)
    statuses = [r.status for r in _registrations(live_server, event_id).values()]
    assert statuses.count(S.ATTENDED) == 11 and statuses.count(S.NO_SHOW) == 1

    # 8. The dashboard: who came against who was selected and the borough.
    page.goto(f"/events/{event_id}")
    dashboard = page.locator("#event-dashboard")
    expect(dashboard).to_contain_text("Attended")
    expect(dashboard).to_contain_text("Borough")
    _no_sideways_scroll(page)
    assert_accessible(page)
    page.wait_for_load_state("networkidle")
    assert errors == []
