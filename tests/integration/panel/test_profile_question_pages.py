"""The profile questions as a resident answers them (issue 15): ethnic groups under their
headings, and each single-question page (no JavaScript) with the question as its h1."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from tests.conftest import csrf_token_from
from tests.integration.panel.test_account import answers_of, join, schema  # noqa: F401


class Outline(HTMLParser):
    """Legends (with their nesting depth), h1 texts and radio ids of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.legends: list[tuple[int, str]] = []
        self.h1s: list[str] = []
        self.radio_ids: list[str] = []
        self._open: dict[str, str] = {}  # tag → its text so far (a legend may hold an h1)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "fieldset":
            self.depth += 1
        if tag in ("legend", "h1"):
            self._open[tag] = ""
        if tag == "input" and attrs.get("type") == "radio":
            self.radio_ids.append(attrs["id"])

    def handle_endtag(self, tag):
        if tag == "fieldset":
            self.depth -= 1
        if tag in self._open:
            text = " ".join(self._open.pop(tag).split())
            if tag == "h1":
                self.h1s.append(text)
            else:
                self.legends.append((self.depth, text))

    def handle_data(self, data):
        for tag in self._open:
            self._open[tag] += data


def outline(page: str) -> Outline:
    parser = Outline()
    parser.feed(page)
    return parser


GROUPS = ["White", "Mixed or Multiple ethnic groups", "Asian or Asian British",
          "Black, Black British, Caribbean or African", "Other ethnic group"]


@pytest.mark.parametrize("url", ["/account/profile", "/account/profile/ethnic_group"])
def test_ethnic_groups_have_their_headings(schema, client, url):  # noqa: F811
    join(client)
    page = client.get(url).get_data(as_text=True)
    found = outline(page)
    group_legends = [text for depth, text in found.legends if depth == 2]
    start = group_legends.index("White")  # one fieldset per group, inside the question's
    assert group_legends[start:start + len(GROUPS)] == GROUPS
    question = page[page.index("What is your ethnic group"):]
    white, asian = question.index(">White<"), question.index(">Asian or Asian British<")
    assert white < question.index("Irish") < asian < question.index("Pakistani")
    # "Prefer not to say" is in no group, set apart by "or"
    assert re.search(r"Other ethnic group.*Any other ethnic group.*</fieldset>\s*"
                     r".*govuk-radios__divider.*Prefer not to say", question, re.S)
    ids = [i for i in found.radio_ids if i.startswith("ethnic_group")]
    assert ids[0] == "ethnic_group" and len(ids) == len(set(ids)) == 20


def test_an_ethnic_group_is_saved_and_shown_checked(schema, client):  # noqa: F811
    join(client)
    token = csrf_token_from(client, "/account/profile/ethnic_group")
    response = client.post("/account/profile/ethnic_group",
                           data={"csrf_token": token, "ethnic_group": "asian_pakistani"})
    assert response.status_code == 302
    assert answers_of("ada@example.org")["ethnic_group"] == "asian_pakistani"
    page = client.get("/account/profile/ethnic_group").get_data(as_text=True)
    assert re.search(r'value="asian_pakistani"\s+checked', page)


def test_a_wrong_ethnic_group_is_named_next_to_the_question(schema, client):  # noqa: F811
    join(client)
    token = csrf_token_from(client, "/account/profile/ethnic_group")
    response = client.post("/account/profile/ethnic_group",
                           data={"csrf_token": token, "ethnic_group": "martian"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'href="#ethnic_group"' in page and 'id="ethnic_group-error"' in page
    assert 'aria-describedby="ethnic_group-hint ethnic_group-error"' in page


@pytest.mark.parametrize("key,question", [
    ("sex", "What is your sex?"), ("tenure", None), ("economic_activity", None),
    ("ethnic_group", "What is your ethnic group?")])
def test_a_single_question_page_has_the_question_as_its_h1(schema, client, key, question):  # noqa: F811
    join(client)
    found = outline(client.get(f"/account/profile/{key}").get_data(as_text=True))
    assert len(found.h1s) == 1
    assert found.legends[0][1] == found.h1s[0]  # the legend is the heading (GOV.UK)
    if question:
        assert found.h1s[0].startswith(question.rstrip("?"))


def test_the_disability_page_has_a_heading_above_its_two_questions(schema, client):  # noqa: F811
    join(client)
    found = outline(client.get("/account/profile/disability").get_data(as_text=True))
    assert len(found.h1s) == 1 and len(found.legends) == 2


def test_in_place_editing_adds_no_second_h1(schema, client):  # noqa: F811
    join(client)
    fragment = client.get("/account/profile/sex", headers={"HX-Request": "true"})
    text = fragment.get_data(as_text=True)
    assert text.lstrip().startswith("<form") and "<h1" not in text


def test_a_page_of_its_own_posts_as_a_plain_form(schema, client):  # noqa: F811
    join(client)
    page = client.get("/account/profile/tenure").get_data(as_text=True)
    assert "hx-post" not in page[page.index("<form"):page.index("</form>")]
    fragment = client.get("/account/profile/tenure", headers={"HX-Request": "true"})
    assert "hx-post" in fragment.get_data(as_text=True)
