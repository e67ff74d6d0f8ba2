"""core.forms.Form and Subform carry the input guard in their own Meta: a form built on them
refuses unusual characters in text fields; nothing changes WTForms for the whole process."""

from __future__ import annotations

import pytest
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import FormField, StringField, TextAreaField

import core
from core.config import TestConfig
from core.forms import Form, Subform
from core.input_guard import NoUnusualCharacters


class Address(Subform):
    street = StringField("Street")


class Letter(Form):
    name = StringField("Your name")
    body = TextAreaField("Letter")
    address = FormField(Address)


class PlainLetter(FlaskForm):
    name = StringField("Your name")


@pytest.fixture
def request_context():  # noqa: ANN201
    app = core.create_app(TestConfig, WTF_CSRF_ENABLED=False)
    with app.test_request_context("/", method="POST"):
        yield


def checks(field) -> int:  # noqa: ANN001
    return sum(isinstance(v, NoUnusualCharacters) for v in field.validators)


def test_a_form_on_the_core_base_refuses_an_unusual_character(request_context):
    form = Letter(formdata=MultiDict({"name": "Ada\x00", "body": "Dear council,\n\tThanks",
                                      "address-street": "Manchester\x1bRoad"}))
    assert not form.validate()
    assert form.name.errors == ["Remove the unusual character from your name. It may have "
                                "been copied in with the text: type it again instead"]
    assert form.body.errors == []  # a text area keeps its line breaks and tabs
    assert form.address.street.errors[0].startswith("Remove the unusual character from street")


def test_a_plain_flask_form_is_not_changed_behind_its_back(request_context):
    """No process-wide hook: a form not built on the core base is WTForms' own (which is why
    the architecture test refuses such forms in the project)."""
    form = PlainLetter(formdata=MultiDict({"name": "Ada\x00"}))
    assert checks(form.name) == 0 and form.validate()


def test_the_check_is_added_once(request_context):
    form = Letter(formdata=MultiDict({"name": "Ada"}))
    assert checks(form.name) == 1 and checks(form.body) == 1
    assert checks(form.address.street) == 1
