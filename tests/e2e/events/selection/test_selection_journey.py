"""Selection in the browser: an organiser selects a small event's room, a resident confirms
through their emailed link on a phone-sized screen and downloads the calendar file, another
declines, and the organiser fills the place, seeing the quota effect first. Every email goes
over real SMTP; every page is axe-clean."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from icalendar import Calendar
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from core.extensions import db
from core.models import Role, User, utcnow
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
from panel.reference_data import DEFAULT_TARGET_SET_NAME
from tests.e2e.conftest import assert_accessible, sign_in, watch_console

ORGANISER = "selection.organiser@burnley.example"
MEMBERS = "selection.member{}@example.org"
PHONE = {"width": 390, "height": 844}


def _event(live_server, emails: list[str]) -> int:
    """A two-session workshop, registration closed, eight interested (four women, four men)."""
    with live_server.app.app_context():
        organiser = db.session.scalar(select(User).where(User.email == ORGANISER))
        target_set = db.session.scalar(select(TargetSet).where(
            TargetSet.name == DEFAULT_TARGET_SET_NAME))
        start = (utcnow() + timedelta(days=40)).replace(hour=10, minute=0, second=0,
                                                        microsecond=0)
        event = Event(engagement=Engagement(title="Future of our parks",
                                            level=SpectrumLevel.INVOLVE),
                      title="Parks workshop", format=EventFormat.WORKSHOP, capacity=4,
                      status=EventStatus.SELECTING, target_set_id=target_set.id,
                      dimensions=["sex"], confirm_by=start - timedelta(days=14))
        for week in range(2):
            event.sessions.append(EventSession(
                starts_at=start + timedelta(days=7 * week),
                ends_at=start + timedelta(days=7 * week, hours=3), venue="Burnley Town Hall",
                address="Manchester Road, Burnley BB11 9SA", step_free=True))
        event.organisers.append(organiser)
        residents = db.session.scalars(select(Resident).join(Resident.user)
                                       .where(User.email.in_(emails)))
        for resident in residents:
            registration = Registration(event=event, resident=resident, token=new_token(),
                                        status=RegistrationStatus.INTERESTED)
            registration.places = [SessionPlace(session=s) for s in event.sessions]
            db.session.add(registration)
        db.session.commit()
        return event.id


def _link(live_server, email: str) -> str:
    body = live_server.smtp.wait_for(email).get_body(("plain",)).get_content()
    return re.search(r"http://127\.0\.0\.1:\d+(/events/r/\S+/confirm)", body).group(1)


def _selected(live_server, event_id: int) -> list[str]:
    with live_server.app.app_context():
        return list(db.session.scalars(
            select(User.email).select_from(Registration).join(Registration.resident)
            .join(Resident.user).where(Registration.event_id == event_id,
                   Registration.status == RegistrationStatus.SELECTED)
            .order_by(Registration.id)))


def test_select_confirm_and_replace(browser: Browser, page: Page, live_server, base_url: str,
                                    leaves_the_pool, tmp_path: Path) -> None:
    errors = watch_console(page)
    emails = [MEMBERS.format(n) for n in range(8)]
    leaves_the_pool.extend(emails)
    live_server.add_members(MEMBERS, [{"sex": "female" if n % 2 else "male"}
                                      for n in range(8)])
    live_server.create_user(Role.ORGANISER, ORGANISER)
    event_id = _event(live_server, emails)

    sign_in(page, ORGANISER)
    page.goto(f"/events/{event_id}/selection")
    expect(page.get_by_role("heading", level=1)).to_have_text("Selection")
    expect(page.get_by_text("8 people", exact=True).first).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Select 4 people").click()
    expect(page.get_by_role("heading", name="Selected (4)")).to_be_visible()
    expect(page.get_by_role("heading", name="Reserves (4)")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Check it reproduces").click()
    expect(page.locator("#reproduction")).to_contain_text("the same people were selected")

    chosen = _selected(live_server, event_id)
    assert len(chosen) == 4
    confirming, declining = chosen[0], chosen[1]

    phone = browser.new_context(base_url=base_url, viewport=PHONE, locale="en-GB",
                                accept_downloads=True)
    resident = phone.new_page()
    resident.goto(_link(live_server, confirming))
    expect(resident.get_by_role("heading", level=1)).to_have_text("Parks workshop")
    expect(resident.get_by_text("You have been offered a place")).to_be_visible()
    assert resident.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(resident)
    resident.get_by_role("button", name="Yes, I can come").click()
    expect(resident.get_by_text("You have confirmed your place")).to_be_visible()
    assert resident.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(resident)
    with resident.expect_download() as download:
        resident.get_by_role("link", name=re.compile("Add the sessions to your calendar")).click()
    path = tmp_path / "event.ics"
    download.value.save_as(path)
    calendar = Calendar.from_ical(path.read_bytes())
    assert [str(e.get("summary")) for e in calendar.walk("VEVENT")] == [
        "Parks workshop (session 1 of 2)", "Parks workshop (session 2 of 2)"]
    assert "Your place is confirmed" in live_server.smtp.wait_for(confirming)["Subject"]

    resident.goto(_link(live_server, declining))
    resident.get_by_role("button", name="No, I cannot take the place").click()
    expect(resident.get_by_text("You told us you cannot take this place")).to_be_visible()
    assert_accessible(resident)
    resident.wait_for_load_state("networkidle")
    phone.close()

    page.set_viewport_size(PHONE)   # the organiser on a phone too
    page.goto(f"/events/{event_id}/selection")
    expect(page.get_by_role("heading", name="Places to fill (1)")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Find a replacement")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Fill the place of")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    effect = page.get_by_role("table")
    expect(effect).to_contain_text("Sex: Female")
    expect(effect).to_contain_text("Sex: Male")
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("Offer the place to")).click()
    expect(page.get_by_text("is offered the place")).to_be_visible()
    assert_accessible(page)
    with live_server.app.app_context():
        replacement = db.session.scalar(select(Registration).where(
            Registration.event_id == event_id, Registration.replaces_id.is_not(None)))
        assert replacement.status == RegistrationStatus.SELECTED
        email = replacement.resident.user.email
    assert "A place has come up" in live_server.smtp.wait_for(email)["Subject"]
    page.wait_for_load_state("networkidle")
    assert errors == []
