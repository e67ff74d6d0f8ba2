"""Joining and the home page as a newcomer finds them (issue 15): nothing ticked in advance,
an unknown postcode named, the cleared password explained, the contact limit as set."""

from __future__ import annotations

from sqlalchemy import select

from core.extensions import db
from core.models import Role
from panel.contact_policy import ContactCap, set_contact_cap
from panel.models import Resident
from tests.integration.panel.test_account import join, join_data, schema  # noqa: F401


def test_interested_in_events_is_not_ticked_in_advance(schema, client):  # noqa: F811
    page = client.get("/join").get_data(as_text=True)
    box = page[page.index('name="interested_in_events"') - 200:]
    box = box[:box.index(">", 200) + 1]
    assert "checked" not in box


def test_joining_without_ticking_events_stores_false(schema, client):  # noqa: F811
    assert join(client, interested_in_events=None).status_code == 302
    assert db.session.scalar(select(Resident)).interested_in_events is False


def test_an_unknown_postcode_is_named_and_the_form_stays_filled(schema, client):  # noqa: F811
    response = client.post("/join", data=join_data(client, postcode="bb10 9zz"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    message = ("We do not recognise the postcode BB10 9ZZ as one in Burnley. "
               "Check it, or select the ward you live in")
    assert page.count(message) == 2  # summary + next to the field
    assert 'href="#ward"' in page
    assert 'value="12 Colne Road"' in page and 'value="ada@example.org"' in page
    assert 'value="bb10 9zz"' in page


def test_the_cleared_password_is_explained_after_an_error(schema, client):  # noqa: F811
    fresh = client.get("/join").get_data(as_text=True)
    assert "enter your password again" not in fresh
    response = client.post("/join", data=join_data(client, year_of_birth="19x0"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "For your security, enter your password again." in page
    hint = page[page.index('id="password-hint"'):]
    assert hint[:hint.index("</div>")].count("enter your password again") == 1
    assert 'a long enough password' not in page


def test_the_home_page_shows_the_contact_limit_in_force(app, client, make_user):
    assert "no more than 3 times in 90 days" in client.get("/").get_data(as_text=True)
    set_contact_cap(make_user(Role.ADMIN), ContactCap(max_contacts=2, days=120))
    page = client.get("/").get_data(as_text=True)
    assert "no more than 2 times in 120 days" in page and "3 times" not in page
    set_contact_cap(make_user(Role.ADMIN), ContactCap(max_contacts=1, days=60))
    assert "no more than once in 60 days" in client.get("/").get_data(as_text=True)
