"""Registrants' categories on the quota questions, members and public registrants alike."""

from __future__ import annotations

from sqlalchemy import select

from core.extensions import db
from events.models import Registration, RegistrationSource, RegistrationStatus
from events.profiles import registrant_profiles
from events.registrations import new_token
from panel.install import install_dimensions
from panel.models import Category, Dimension, ProfileAnswer
from panel.reference_data import load_default_dimensions
from quota.disclosure import NOT_KNOWN


def _answer(resident, dimension: str, category: str) -> None:
    dim_id, cat_id = db.session.execute(
        select(Dimension.id, Category.id).join(Category.dimension)
        .where(Dimension.key == dimension, Category.key == category)).one()
    resident.answers.append(ProfileAnswer(dimension_id=dim_id, category_id=cat_id))
    db.session.commit()


def test_members_public_registrants_and_screening_answers(make_event, make_registration):
    install_dimensions(load_default_dimensions())
    event = make_event()
    member = make_registration(event, RegistrationStatus.INTERESTED)
    _answer(member.resident, "sex", "female")
    prefers_not = make_registration(event, RegistrationStatus.INTERESTED)
    prefer_key = db.session.scalar(select(Category.key).join(Category.dimension).where(
        Dimension.key == "sex", Category.prefer_not_to_say.is_(True)))
    _answer(prefers_not.resident, "sex", prefer_key)
    public = Registration(event=event, token=new_token(), source=RegistrationSource.PUBLIC,
                          status=RegistrationStatus.INTERESTED, name="Sam Public",
                          email="sam@example.org", profile={"sex": "male"},
                          screening={"q1": "Worried"})
    db.session.add(public)
    db.session.commit()
    profiles = registrant_profiles([member, prefers_not, public], ["sex", "q1"])
    assert profiles[member.id] == {"sex": "female", "q1": NOT_KNOWN}
    assert profiles[prefers_not.id] == {"sex": NOT_KNOWN, "q1": NOT_KNOWN}
    assert profiles[public.id] == {"sex": "male", "q1": "Worried"}


def test_an_answer_the_panel_does_not_have_is_not_known(make_event):
    install_dimensions(load_default_dimensions())
    event = make_event()
    public = Registration(event=event, token=new_token(), source=RegistrationSource.PUBLIC,
                          name="Al", email="al@example.org", profile={"sex": "martian"})
    db.session.add(public)
    db.session.commit()
    assert registrant_profiles([public], ["sex"]) == {public.id: {"sex": NOT_KNOWN}}
