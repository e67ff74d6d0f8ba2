"""A small event ready for selection: the default questions, a target set (half women, half
men), and interested registrants with their answers."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from sqlalchemy import select

from core.extensions import db
from events.models import Event, EventStatus, Registration, RegistrationStatus
from panel.install import install_dimensions
from panel.models import Category, Dimension, ProfileAnswer, Resident, Target, TargetSet
from panel.reference_data import load_default_dimensions


def answer(resident: Resident, dimension: str, category: str) -> None:
    dim_id, cat_id = db.session.execute(
        select(Dimension.id, Category.id).join(Category.dimension)
        .where(Dimension.key == dimension, Category.key == category)).one()
    resident.answers.append(ProfileAnswer(dimension_id=dim_id, category_id=cat_id))


@pytest.fixture
def target_set(app) -> Callable[..., TargetSet]:
    install_dimensions(load_default_dimensions())

    def make(shares: dict[str, dict[str, float]] | None = None) -> TargetSet:
        shares = shares or {"sex": {"female": 0.5, "male": 0.5}}
        targets = []
        for dimension, row in shares.items():
            dim = db.session.scalar(select(Dimension).where(Dimension.key == dimension))
            by_key = {c.key: c for c in dim.categories}
            targets += [Target(dimension=dim, category=by_key[c], share=s) for c, s in row.items()]
        target_set = TargetSet(name=f"Borough {len(shares)}-{id(shares)}", targets=targets)
        db.session.add(target_set)
        db.session.commit()
        return target_set

    return make


@pytest.fixture
def room(make_event, make_registration, target_set) -> Callable[..., tuple[Event, list]]:
    """``room(capacity, ["female", "male", ...])``: an event closed for registration with one
    interested member per answer given (their sex), quotas on sex from the target set."""

    def make(capacity: int, sexes: list[str], **fields: object
             ) -> tuple[Event, list[Registration]]:
        shares = fields.pop("shares", None)
        event = make_event(capacity=capacity, status=EventStatus.SELECTING, **fields)
        event.target_set_id = target_set(shares).id
        event.dimensions = ["sex"]
        registrations = []
        for sex in sexes:
            registration = make_registration(event, RegistrationStatus.INTERESTED)
            answer(registration.resident, "sex", sex)
            registrations.append(registration)
        db.session.commit()
        return event, registrations

    return make


HEADER_TOKEN = re.compile(r'"X-CSRFToken": "([^"]+)"')


def csrf(client, url: str) -> str:
    """The CSRF token any page gives this client (the one htmx sends in its header)."""
    match = HEADER_TOKEN.search(client.get(url).get_data(as_text=True))
    assert match, f"no CSRF token on {url}"
    return match.group(1)


@pytest.fixture
def client_for(app) -> Callable:
    """A fresh client (its own cookies) signed in as ``user``."""
    from tests.conftest import PASSWORD, csrf_token_from

    def make(user):
        client = app.test_client()
        token = csrf_token_from(client)
        response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD,
                                                  "csrf_token": token})
        assert response.status_code == 302
        return client

    return make
