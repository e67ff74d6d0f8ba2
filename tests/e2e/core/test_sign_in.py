"""An officer signs in and reaches the dashboard by keyboard; every page is axe-clean."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from core.models import Role
from tests.conftest import PASSWORD
from tests.e2e.conftest import assert_accessible, sign_in, tab_to, watch_console


def test_officer_signs_in_by_keyboard_and_reaches_dashboard(page: Page, live_server) -> None:
    live_server.create_user(Role.OFFICER, "kb.officer@burnley.example")
    errors = watch_console(page)

    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Help shape decisions")
    assert_accessible(page)

    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    tab_to(page, "Sign in")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/sign-in$"))
    assert_accessible(page)

    # A wrong password first: the error summary takes focus and links to the field.
    tab_to(page, "")  # the email field has no text yet
    page.keyboard.type("kb.officer@burnley.example")
    page.keyboard.press("Tab")
    page.keyboard.type("not the password")
    page.keyboard.press("Enter")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter a correct email address and password")
    assert page.title().startswith("Error: ")
    assert_accessible(page)

    page.get_by_role("textbox", name="Password").focus()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    assert_accessible(page)

    tab_to(page, "Population targets")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Population targets")
    assert_accessible(page)

    tab_to(page, "Sign out")
    page.keyboard.press("Enter")
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    assert_accessible(page)
    assert errors == []


def test_scripts_run_under_the_strict_csp(page: Page, live_server) -> None:
    errors = watch_console(page)
    page.goto("/sign-in")
    expect(page.locator("body")).to_have_class(re.compile(r"govuk-frontend-supported"))
    assert page.evaluate("() => window.htmx && window.htmx.version") == "2.0.11"
    assert errors == []


def test_sign_in_works_with_javascript_off(browser, live_server) -> None:
    live_server.create_user(Role.ADMIN, "nojs.admin@burnley.example")
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    sign_in(page, "nojs.admin@burnley.example")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
    page.get_by_role("link", name="Outbox").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Outbox")
    # (axe itself needs JavaScript: the same pages are checked with it on in the other tests)
    context.close()


def test_admin_pages_are_accessible(page: Page, live_server) -> None:
    live_server.create_user(Role.ADMIN, "axe.admin@burnley.example")
    sign_in(page, "axe.admin@burnley.example")
    for name in ("Population targets", "Outbox"):
        page.get_by_role("link", name=name).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(name)
        assert_accessible(page)


def test_error_pages_are_accessible(page: Page, live_server) -> None:
    page.goto("/no-such-page")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert_accessible(page)


def test_public_pages_are_accessible_on_a_phone(browser, live_server) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740}, base_url=live_server.url)
    page = context.new_page()
    for path in ("/", "/privacy", "/accessibility", "/sign-in"):
        page.goto(path)
        assert_accessible(page)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 375, f"{path} scrolls sideways on a phone ({width}px)"
    context.close()
