"""Helpers for the organiser's pages' tests: posting a form with the page's CSRF token, the
default profile questions, a target set."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.extensions import db
from panel.install import install_dimensions
from panel.models import Category, Dimension, ProfileAnswer, Target, TargetSet
from panel.reference_data import load_default_dimensions
from tests.conftest import csrf_token_from


def post(client, url, form_url=None, **fields):
    token = csrf_token_from(client, form_url or url)
    return client.post(url, data={**fields, "csrf_token": token})


def answer(resident, dimension: str, category: str) -> None:
    dim_id, cat_id = db.session.execute(
        select(Dimension.id, Category.id).join(Category.dimension)
        .where(Dimension.key == dimension, Category.key == category)).one()
    resident.answers.append(ProfileAnswer(dimension_id=dim_id, category_id=cat_id))
    db.session.commit()


@pytest.fixture
def dimensions(app):
    install_dimensions(load_default_dimensions())


@pytest.fixture
def target_set(dimensions) -> TargetSet:
    """The borough: half female, half male (and every other sex category 0)."""
    target_set = TargetSet(name="Census 2021")
    for category in db.session.scalars(select(Category).join(Category.dimension)
                                       .where(Dimension.key == "sex")):
        if category.key in ("female", "male"):
            target_set.targets.append(Target(dimension_id=category.dimension_id,
                                             category_id=category.id, share=0.5))
    db.session.add(target_set)
    db.session.commit()
    return target_set


@pytest.fixture
def signed_in(app):
    """``signed_in(user)``: a client of its own signed in as ``user`` (several at once)."""
    from tests.conftest import PASSWORD

    def do(user):
        client = app.test_client()
        token = csrf_token_from(client)
        response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD,
                                                 "csrf_token": token})
        assert response.status_code == 302
        return client

    return do
