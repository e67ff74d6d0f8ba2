"""Helpers for the attendance, needs, payments and after-the-event tests: an organiser signed in
with their own event, and posting a form with its CSRF token."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import AuditEvent, Role
from tests.conftest import csrf_token_from


def post(client: Any, url: str, form_url: str, **fields: Any) -> Any:
    token = csrf_token_from(client, form_url)
    return client.post(url, data={**fields, "csrf_token": token})


def audited(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


@pytest.fixture
def organiser(make_user) -> Any:
    return make_user(Role.ORGANISER)


@pytest.fixture
def as_organiser(organiser, sign_in) -> Callable[[], Any]:
    return lambda: sign_in(organiser)


@pytest.fixture
def client_for(app) -> Callable[[Any], Any]:
    """A new browser (its own session) signed in as ``user``."""
    from tests.conftest import PASSWORD

    def make(user: Any) -> Any:
        client = app.test_client()
        token = csrf_token_from(client)
        response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD,
                                                 "csrf_token": token})
        assert response.status_code == 302
        return client

    return make
