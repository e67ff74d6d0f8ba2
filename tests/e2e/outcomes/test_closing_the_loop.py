"""Closing the loop in a browser: an officer marks an action done; the resident who took part
receives the email over real SMTP, follows its link to the public page, signs in, answers "Has
this happened?" (a missing answer is refused beside the field) and "Did you feel listened
to?"; the officer sees the answers. Every page is axe-clean."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import Browser, Page, expect

from core.extensions import db
from core.models import Role, User, utcnow
from outcomes import services
from outcomes.services import ActionText, ResponseText
from panel.engagements import Engagement, SpectrumLevel
from panel.membership import CONSENT_WORDING
from panel.models import Consent, ConsentKind, Resident
from surveys.models import Response, Survey
from tests.conftest import PASSWORD
from tests.e2e.conftest import assert_accessible, sign_in, watch_console

RESIDENT = "bus.rider@burnley.example"
OFFICER = "loop.officer@burnley.example"
ACTION = "Put seats in every bus shelter"


def _engagement_with_a_participant(live_server) -> int:  # noqa: ANN001
    """A consultation with a published response and a published action, answered by one
    member (who may be emailed)."""
    with live_server.app.app_context():
        officer = User(email=OFFICER, role=Role.OFFICER, display_name="Officer")
        officer.set_password(PASSWORD)
        user = User(email=RESIDENT, role=Role.RESIDENT, verified_at=utcnow() - timedelta(days=9))
        user.set_password(PASSWORD)
        resident = Resident(user=user, first_name="Bea", last_name="Rider")
        resident.consents.append(Consent(kind=ConsentKind.MEMBERSHIP, granted=True,
                                         privacy_notice_version="test",
                                         wording=CONSENT_WORDING[ConsentKind.MEMBERSHIP]))
        today = utcnow().date()
        engagement = Engagement(title="Better bus shelters", level=SpectrumLevel.CONSULT,
                                starts_on=today - timedelta(days=60),
                                ends_on=today - timedelta(days=30),
                                announced_at=utcnow() - timedelta(days=61))
        survey = Survey(engagement=engagement, title="Bus shelters survey")
        db.session.add_all([officer, resident, survey])
        db.session.flush()
        db.session.add(Response(survey_id=survey.id, resident_id=resident.id,
                                submitted_at=utcnow() - timedelta(days=40)))
        db.session.commit()
        services.save_draft(officer, engagement, ResponseText(
            summary="You told us the shelters need seats."))
        services.publish_response(officer, engagement, utcnow() - timedelta(days=2))
        action = services.add_action(officer, engagement, ActionText(
            ACTION, "Highways", target_date=date.today() + timedelta(days=30)))
        services.publish_action(officer, action, utcnow() - timedelta(days=2))
        return engagement.id


def test_a_participant_hears_follows_the_link_and_answers(page: Page, live_server,
                                                          leaves_the_pool: list[str],
                                                          browser: Browser) -> None:
    leaves_the_pool.append(RESIDENT)
    engagement_id = _engagement_with_a_participant(live_server)
    errors = watch_console(page)
    sign_in(page, OFFICER)
    page.goto(f"/engagements/{engagement_id}")
    assert_accessible(page)
    page.get_by_role("link", name=f"Post an update on {ACTION}").click()
    page.get_by_label("Done").check()
    page.get_by_label("What happened (shown on the timeline)").fill("Seats are in.")
    page.get_by_role("button", name="Publish the update").click()
    expect(page.get_by_text("Update published on the timeline.")).to_be_visible()

    email = live_server.smtp.wait_for(RESIDENT)
    body = email.get_body(preferencelist=("plain",)).get_content()
    assert email["Subject"] == "What happened to your views: Better bus shelters"
    assert f"{ACTION}: done. Seats are in." in body
    public_link = re.search(r"https?://\S+/outcomes/\d+", body).group(0)
    what_happened = re.search(r"https?://\S+/account/what-happened", body).group(0)

    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    resident = context.new_page()
    resident_errors = watch_console(resident)
    resident.goto(public_link)
    expect(resident.get_by_role("heading", level=1)).to_have_text("Better bus shelters")
    expect(resident.get_by_text(ACTION).first).to_be_visible()
    assert_accessible(resident)
    resident.goto(what_happened)                       # signed out: sign in first
    expect(resident).to_have_url(re.compile(r"/sign-in"))
    resident.get_by_label("Email address").fill(RESIDENT)
    resident.get_by_role("textbox", name="Password").fill(PASSWORD)
    resident.get_by_role("button", name="Sign in").click()
    resident.goto(what_happened)
    expect(resident.get_by_role("heading", level=1)).to_have_text("What happened to your views")
    assert_accessible(resident)

    question = resident.get_by_role("group", name=f"Has “{ACTION}” happened?")
    resident.get_by_role("button", name=f"Send your answer about {ACTION}").click()
    expect(resident.locator(".govuk-error-summary")).to_contain_text(
        "Select whether this has happened")
    assert_accessible(resident)
    question.get_by_label("Partly").check()
    resident.get_by_label("Tell us more (optional)").fill("Only on the main road.")
    resident.get_by_role("button", name=f"Send your answer about {ACTION}").click()
    expect(resident.get_by_text(f"Thank you: your answer about “{ACTION}” is saved.")) \
        .to_be_visible()
    resident.get_by_role("group", name=re.compile("Did you feel listened to")) \
        .get_by_label("Yes").check()
    resident.get_by_role("button", name="Send your answer about feeling listened to").click()
    expect(resident.get_by_text("your answer about “Better bus shelters” is saved")) \
        .to_be_visible()
    assert_accessible(resident)
    resident.get_by_label("In a weekly summary").check()
    resident.get_by_role("button", name="Save how we tell you").click()
    expect(resident.get_by_text("Saved: we will email you a weekly summary.")).to_be_visible()
    resident.get_by_role("link", name="Your panel account").click()
    expect(resident.get_by_role("heading", name="What happened to your views")).to_be_visible()
    expect(resident.get_by_text("In a weekly summary")).to_be_visible()
    assert_accessible(resident)
    resident.goto(public_link)                   # signed in: their questions here too
    expect(resident.get_by_role("heading", name="You took part: tell us what you think")) \
        .to_be_visible()
    expect(resident.get_by_role("group", name=f"Has “{ACTION}” happened?")
           .get_by_label("Partly")).to_be_checked()
    assert_accessible(resident)
    assert resident_errors == []
    resident.wait_for_load_state("networkidle")   # no request cut off (the favicon)
    context.close()

    page.goto(f"/engagements/{engagement_id}")
    expect(page.get_by_role("heading", name="What participants told us back")).to_be_visible()
    row = page.get_by_role("row", name=re.compile(f"Has this happened\\? {ACTION}"))
    expect(row.get_by_role("cell")).to_have_text(["0", "1", "0", "0"])
    listened = page.get_by_role("row", name=re.compile("Did you feel listened to"))
    expect(listened.get_by_role("cell")).to_have_text(["1", "0", "0", "–"])
    assert_accessible(page)
    assert errors == []
