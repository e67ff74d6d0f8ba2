"""An officer finds panel members with active search and filters; axe finds nothing."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from core.extensions import db
from core.models import Role, User
from panel.models import Resident
from tests.e2e.conftest import assert_accessible, sign_in


def add_members(live_server, names: list[tuple[str, str]]) -> None:
    with live_server.app.app_context():
        for first, last in names:
            user = User(email=f"{first}.{last}@example.org".lower(), role=Role.RESIDENT)
            db.session.add(Resident(user=user, first_name=first, last_name=last,
                                    postcode="BB11 2DL", address_line="1 High Street"))
        db.session.commit()


def test_officer_searches_the_panel(page: Page, live_server) -> None:
    add_members(live_server, [("Maryam", "Akhtar"), ("Tom", "Birtwistle"), ("Jo", "Clegg")])
    live_server.create_user(Role.OFFICER, "members.officer@burnley.example")
    sign_in(page, "members.officer@burnley.example")
    page.get_by_role("link", name="Members").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Panel members")
    assert_accessible(page)

    page.get_by_label("Search").focus()
    page.keyboard.type("birtw")
    results = page.locator("#member-results")
    expect(results).to_contain_text("1 member found")
    expect(results).to_contain_text("Tom Birtwistle")
    expect(page).to_have_url(re.compile(r"q=birtw"))  # the search is in the address bar
    assert_accessible(page)

    # Leaving the search box does not search again (a late swap would cancel the click).
    page.get_by_label("Membership").select_option("active")
    expect(results).to_contain_text("1 member found")
    page.get_by_role("link", name="Tom Birtwistle").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tom Birtwistle")
    expect(page.get_by_text("has been logged")).to_be_visible()
    assert_accessible(page)
