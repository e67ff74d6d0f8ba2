"""Every question type as the survey question macro renders it, in chromium: axe finds nothing,
the error summary's links land on the right inputs, and "Other (please say)" works with and
without JavaScript.

The questions are rendered in the live server's app and shown with ``page.set_content`` on a
page of the app (its origin, its strict CSP, its CSS and GOV.UK Frontend JavaScript).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect
from werkzeug.datastructures import MultiDict

from surveys.question_types import form_class
from tests.e2e.conftest import LiveServer, assert_accessible, watch_console
from tests.integration.surveys.test_question_macro import SPECS, VALID

PAGE = """<!DOCTYPE html>
<html lang="en" class="govuk-template">
<head><meta charset="utf-8"><title>Survey questions – Civic Panel</title>
<link rel="stylesheet" href="/static/css/council.css"></head>
<body class="govuk-template__body">
{%- if javascript %}<script src="/static/js/js-enabled.js"></script>{% endif %}
<div class="govuk-width-container"><main class="govuk-main-wrapper" id="main-content">
{%- from "govuk_frontend_jinja/components/error-summary/macro.html" import govukErrorSummary -%}
{%- from "surveys/_question.html" import survey_question, error_href, error_text -%}
{%- set errors = [] -%}
{%- for spec in specs if error_href(form, spec) -%}
  {%- set _ = errors.append({"href": error_href(form, spec) | string,
                             "text": error_text(form, spec) | string}) -%}
{%- endfor -%}
{%- if errors %}{{ govukErrorSummary({"titleText": "There is a problem",
                                      "errorList": errors}) }}{% endif %}
<h1 class="govuk-heading-l">Your views on the town centre</h1>
<form method="post" action="/" novalidate>
{% for spec in specs %}{{ survey_question(form, spec) }}{% endfor %}
<button type="submit" class="govuk-button" data-module="govuk-button">Continue</button>
</form></main></div>
{#- A new URL: the sign-in page already ran app.mjs in this window, and modules run once. -#}
{%- if javascript %}<script type="module" src="/static/js/app.mjs?page=questions"></script>
{%- endif %}
</body></html>"""

# Every question answered wrongly or not at all (several errors per page).
INVALID = [("q1", "other"), ("q2", "bus"), ("q2", "car"), ("q2", "other"), ("q4-clean", "agree"),
           ("q6", "99"), ("q7", "x" * 201), ("q9-bins", "1"), ("q9-parks", "1")]


def page_html(live_server: LiveServer, data: list[tuple[str, str]], javascript: bool) -> str:
    specs = list(SPECS.values())
    form = form_class(specs)(MultiDict(data))
    form.validate()
    app = live_server.app
    with app.test_request_context():
        return app.jinja_env.from_string(PAGE).render(form=form, specs=specs,
                                                      javascript=javascript)


def show(page: Page, html: str) -> None:
    page.goto("/sign-in")  # the app's origin and CSP, then our page in place of its content
    page.set_content(html)
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("answers", ["valid", "invalid"])
def test_every_question_type_passes_axe(page: Page, live_server: LiveServer, answers: str):
    errors = watch_console(page)
    data = [pair for kind in SPECS for pair in VALID[kind]] if answers == "valid" else INVALID
    show(page, page_html(live_server, data, javascript=True))
    expect(page.locator("html")).to_have_class(re.compile("govuk-template"))
    expect(page.locator("body")).to_have_class(re.compile("govuk-frontend-supported"))
    assert_accessible(page)
    assert errors == []


def test_error_summary_links_focus_the_inputs(page: Page, live_server: LiveServer):
    show(page, page_html(live_server, INVALID, javascript=True))
    links = page.locator(".govuk-error-summary__list a")
    hrefs = [links.nth(n).get_attribute("href") for n in range(links.count())]
    assert hrefs == ["#q1_other", "#q2", "#q3", "#q4-safe", "#q5", "#q6", "#q7", "#q8",
                     "#q9-bins"]
    for n, href in enumerate(hrefs):
        links.nth(n).click()
        focused = page.evaluate("() => document.activeElement.id")
        assert f"#{focused}" == href
        assert page.locator(href).is_visible()


def test_other_box_is_revealed_with_javascript(page: Page, live_server: LiveServer):
    """Checkboxes reveal the box under "Other"; radios always show it (no aria-expanded)."""
    show(page, page_html(live_server, [], javascript=True))
    expect(page.locator("[data-govuk-checkboxes-init]")).to_have_count(1)
    group = page.get_by_role("group", name=SPECS["multiple"].text)
    box = group.get_by_role("textbox", name="Please say")
    expect(box).to_be_hidden()
    group.get_by_label("Other (please say)").check()
    expect(box).to_be_visible()
    box.fill("Tram")
    group.get_by_label("Other (please say)").uncheck()
    expect(box).to_be_hidden()
    single = page.get_by_role("group", name=SPECS["single"].text)
    expect(single.get_by_role("textbox", name="Please say")).to_be_visible()
    single.get_by_label("A letter").check()
    expect(single.get_by_role("textbox", name="Please say")).to_be_visible()
    assert_accessible(page)


def test_other_box_is_visible_without_javascript(browser: Browser, live_server: LiveServer):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        show(page, page_html(live_server, [], javascript=False))
        boxes = page.get_by_role("textbox", name="Please say")
        expect(boxes).to_have_count(2)
        for n in range(2):
            expect(boxes.nth(n)).to_be_visible()
    finally:
        context.close()
