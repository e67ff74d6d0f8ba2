"""Taking attendance on a phone: an organiser at the door, at 390 px, marks each person with
one tap (htmx swaps just their row; the page never scrolls sideways), then opens the printable
sign-in sheet. Every page is axe-clean."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Browser, expect
from sqlalchemy import select

from core.extensions import db
from core.models import Role, User, utcnow
from events.models import (
    AccessNeed,
    Event,
    EventFormat,
    EventSession,
    EventStatus,
    NeedKind,
    Registration,
    RegistrationStatus,
    SessionPlace,
    ThankYouKind,
)
from events.registrations import new_token
from panel.engagements import Engagement, SpectrumLevel
from panel.models import Resident
from tests.e2e.conftest import assert_accessible, sign_in, watch_console

ORGANISER = "door.organiser@burnley.example"
MEMBERS = "door.member{}@burnley.example"
PHONE = {"width": 390, "height": 844}


def _event_with_three_confirmed(live_server) -> tuple[int, int]:  # noqa: ANN001
    live_server.add_members(MEMBERS, [{}, {}, {}])
    organiser = live_server.create_user(Role.ORGANISER, ORGANISER)
    with live_server.app.app_context():
        start = utcnow().replace(second=0, microsecond=0) - timedelta(hours=1)
        event = Event(engagement=Engagement(title="Door test", level=SpectrumLevel.INVOLVE),
                      title="Door test workshop", format=EventFormat.WORKSHOP, capacity=10,
                      status=EventStatus.SELECTING, places_taken=0,
                      thank_you_kind=ThankYouKind.VOUCHER,
                      thank_you_pence=2000,
                      sessions=[EventSession(starts_at=start, ends_at=start + timedelta(hours=2),
                                             venue="Burnley Town Hall", step_free=True)])
        event.organisers.append(db.session.get(User, organiser.id))
        residents = db.session.scalars(select(Resident).join(Resident.user).where(
            User.email.like("door.member%")).order_by(Resident.id)).all()
        for resident in residents:
            registration = Registration(event=event, resident=resident, token=new_token(),
                                        status=RegistrationStatus.CONFIRMED)
            registration.places.append(SessionPlace(session=event.sessions[0]))
            event.places_taken += 1
            db.session.add(registration)
        registration.needs.append(AccessNeed(kind=NeedKind.HEARING_LOOP))
        db.session.add(event)
        db.session.commit()
        return event.id, event.sessions[0].id


def test_one_tap_per_person_on_a_phone_and_the_sheet(browser: Browser, live_server,
                                                     leaves_the_pool: list[str]) -> None:
    leaves_the_pool.extend(MEMBERS.format(n) for n in range(3))
    event_id, session_id = _event_with_three_confirmed(live_server)
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    errors = watch_console(page)
    sign_in(page, ORGANISER)
    address = f"/events/{event_id}/sessions/{session_id}/attendance"
    page.goto(address)
    assert_accessible(page)

    def sideways() -> bool:
        return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")

    assert not sideways()
    first = page.get_by_role("button", name="Attended for Member Number 0")
    box = first.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 300         # a big target for a thumb
    first.click()
    row = page.locator(".govuk-summary-card", has_text="Member Number 0")
    expect(row.locator(".govuk-tag")).to_have_text("Attended")
    page.get_by_role("button", name="No-show for Member Number 1").click()
    expect(page.locator(".govuk-summary-card", has_text="Member Number 1")
           .locator(".govuk-tag")).to_have_text("No-show")
    page.get_by_role("button", name="Attended for Member Number 2").click()
    expect(page.locator(".govuk-summary-card", has_text="Member Number 2")
           .locator(".govuk-tag")).to_have_text("Attended")
    assert page.url.endswith(address)                 # swapped in place, no page load:
    expect(page.locator(".govuk-notification-banner")).to_have_count(0)   # (no redirect)
    assert not sideways()
    assert_accessible(page)

    page.get_by_role("link", name="Print the sign-in sheet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Door test workshop: sign-in sheet")
    expect(page.get_by_role("cell", name="Hearing loop")).to_be_visible()
    assert_accessible(page)
    page.emulate_media(media="print")
    expect(page.get_by_role("link", name="Attendance")).to_be_hidden()
    page.emulate_media(media="screen")

    # The other pages after sign-up work on the phone too.
    for path, heading in (("attendance", "Attendance"), ("access-needs", "Access needs"),
                          ("access-needs/people", "Who needs what"),
                          ("payments", "Payments"), ("after", "After the event")):
        page.goto(f"/events/{event_id}/{path}")
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert not sideways(), path
        assert_accessible(page)
        if path == "payments":                             # two thank-yous owed
            expect(page.locator(".cp-stat__value").first).to_have_text("£40.00")
    page.wait_for_load_state("networkidle")
    context.close()
    assert errors == []

    with live_server.app.app_context():
        statuses = sorted(s.value for s in db.session.scalars(select(Registration.status).where(
            Registration.event_id == event_id)))
        assert statuses == ["attended", "attended", "no_show"]
