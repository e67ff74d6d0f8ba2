"""An officer goes from the dashboard to a member who has not confirmed their email, pauses them
at their request (a bad date first), and sees their contact history and samples; axe finds
nothing, and the record fits a 390 px wide phone."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Page, expect

from core.extensions import db
from core.models import Role, User, utcnow
from panel.models import Contact, Resident
from quota.models import MemberRole, Sample, SampleMember, SampleMode
from tests.e2e.conftest import assert_accessible, sign_in


def add_unconfirmed_member(live_server) -> None:  # noqa: ANN001
    now = utcnow()
    with live_server.app.app_context():
        user = User(email="wilhelmina.ormerod@example.org", role=Role.RESIDENT,
                    created_at=now - timedelta(days=5))
        resident = Resident(user=user, first_name="Wilhelmina", last_name="Ormerod",
                            postcode="BB11 2DL", address_line="4 Manchester Road",
                            joined_at=now - timedelta(days=5))
        db.session.add(resident)
        db.session.flush()
        db.session.add_all([
            Contact(resident_id=resident.id, at=now - timedelta(days=2),
                    purpose="survey_invitation"),
            Sample(name="Town centre conversation", mode=SampleMode.FAIR, size=1, seed=1,
                   algorithm="test", software_version="test", pool_size=1,
                   spec={"dimensions": []}, inputs={}, report={},
                   members=[SampleMember(resident=resident, role=MemberRole.RESERVE, rank=1)]),
        ])
        db.session.commit()


def test_officer_pauses_a_member_from_the_dashboard(page: Page, live_server) -> None:
    add_unconfirmed_member(live_server)
    live_server.create_user(Role.OFFICER, "record.officer@burnley.example")
    sign_in(page, "record.officer@burnley.example")
    page.goto(f"{live_server.url}/dashboard")
    expect(page.get_by_role("heading", name="Needs your attention")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="See who has not confirmed").click()
    page.get_by_role("link", name="Wilhelmina Ormerod").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wilhelmina Ormerod")
    history = page.get_by_role("region", name="Every time we contacted them")
    expect(history).to_contain_text("Survey invitation")
    expect(history).to_contain_text("Yes")  # counts towards the contact limit
    samples = page.get_by_role("region", name="Samples they were drawn in")
    expect(samples).to_contain_text("Town centre conversation")
    expect(samples).to_contain_text("Reserve (1)")
    expect(page.get_by_role("button", name="Send the confirmation email again")).to_be_visible()
    assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 800})

    page.get_by_role("link", name="Pause membership").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pause membership")
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("2030")
    page.get_by_label("By phone").check()
    page.get_by_role("button", name="Pause membership").click()
    expect(page.get_by_role("alert")).to_contain_text("Date to pause until must be a real date")
    assert page.title().startswith("Error: ")
    assert_accessible(page)

    until = utcnow().date() + timedelta(days=30)
    page.get_by_label("Day").fill(str(until.day))
    page.get_by_label("Month").fill(str(until.month))
    page.get_by_label("Year").fill(str(until.year))
    page.get_by_role("button", name="Pause membership").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wilhelmina Ormerod")
    expect(page.get_by_text(f"paused until {until:%-d %B %Y}").first).to_be_visible()
    expect(page.get_by_role("link", name="Resume membership")).to_be_visible()
    assert_accessible(page)
