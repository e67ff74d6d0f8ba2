"""The ways in a newcomer looks for: the sign-in page offers joining (the page the e-panel
declares, so the host names no feature's page), and staff find how to change their password."""

from __future__ import annotations

import pytest
from flask import url_for

import core
from core.config import TestConfig
from core.models import Role


def test_the_sign_in_page_links_to_joining(app, client):
    page = client.get("/sign-in").get_data(as_text=True)
    with app.test_request_context():
        join = url_for("account.join")
    assert f'href="{join}"' in page and "Not a member yet?" in page


def test_a_host_without_the_panel_offers_no_join_link():
    bare = core.create_app(TestConfig)  # the host alone: nothing declares a join page
    page = bare.test_client().get("/sign-in").get_data(as_text=True)
    assert "Not a member yet?" not in page and "Forgotten your password?" in page


@pytest.mark.parametrize("role", [Role.OFFICER, Role.ORGANISER, Role.ADMIN])
def test_staff_find_change_password_on_their_dashboard(login, role):
    page = login(role).get("/dashboard").get_data(as_text=True)
    assert 'href="/change-password"' in page and "Change your password" in page
