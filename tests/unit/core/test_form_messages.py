"""No WTForms default message ("Not a valid date value.", "This field is required.") can reach a
page: every field of every form says them in plain English, naming itself (core.form_messages).
"""

from __future__ import annotations

import inspect
import re
from datetime import date
from pathlib import Path

import pytest
import wtforms
from werkzeug.datastructures import MultiDict
from wtforms import IntegerField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange

from core.config import TestConfig
from core.form_messages import NOT_SHOWN, plain_message
from core.forms import DateField, Form, Subform
from wsgi import create_app

LITERAL = re.compile(r"""\bn?gettext\(\s*((?:"[^"]*"\s*)+)""")


def wtforms_defaults() -> set[str]:
    """Every message literal WTForms passes to gettext/ngettext (the singular of ngettext)."""
    found = set()
    for path in Path(wtforms.__file__).parent.rglob("*.py"):
        for match in LITERAL.finditer(path.read_text()):
            found.add("".join(re.findall(r'"([^"]*)"', match.group(1))))
    return found


DEFAULTS = sorted(wtforms_defaults())


class Booking(Form):
    day = DateField("Day of your visit", what="Date you want to visit",
                    format="%d %m %Y")
    people = IntegerField("Number of people", validators=[NumberRange(min=1, max=99999)])
    postcode = StringField("Postcode (optional)", validators=[Length(max=8)])
    room = RadioField("Room", choices=[SelectChoice("a", "A"), SelectChoice("b", "B")],
                      validators=[InputRequired()])
    name = StringField("Name", validators=[InputRequired()])


@pytest.fixture(scope="module")
def app():  # noqa: ANN201
    return create_app(TestConfig, WTF_CSRF_ENABLED=False)


@pytest.fixture
def request_context(app):  # noqa: ANN001, ANN201
    with app.test_request_context("/", method="POST"):
        yield


def test_the_scan_finds_wtforms_defaults():
    assert {"Not a valid date value.", "This field is required.",
            "Number must be between %(min)s and %(max)s."} <= set(DEFAULTS)


@pytest.mark.parametrize("default", DEFAULTS)
def test_every_wtforms_default_has_a_plain_message(default, request_context):
    field = Booking().name
    assert default in NOT_SHOWN or plain_message(field, default, 2) is not None


def test_a_date_that_is_not_real_names_the_date(request_context):
    form = Booking(formdata=MultiDict({"day": "31 2 2027", "people": "3", "room": "a",
                                       "name": "Ada"}))
    assert not form.validate()
    assert form.day.errors == ["Date you want to visit must be a real date"]


def test_numbers_lengths_and_required_answers_in_plain_english(request_context):
    form = Booking(formdata=MultiDict({"day": "1 3 2027", "people": "100000",
                                       "postcode": "BB11 2DLXX"}))
    assert not form.validate()
    assert form.people.errors == ["Number of people must be between 1 and 99,999"]
    assert form.postcode.errors == ["Postcode must be 8 characters or fewer"]
    assert form.room.errors == ["Select room"]
    assert form.name.errors == ["Enter name"]
    form = Booking(formdata=MultiDict({"people": "three"}))
    form.validate()
    assert form.people.errors[0] == "Number of people must be a whole number"


def test_a_percent_sign_in_a_label_is_kept(request_context):
    class Share(Form):
        share = StringField("Share in %", validators=[Length(min=2)])

    form = Share(formdata=MultiDict({"share": "1"}))
    form.validate()
    assert form.share.errors == ["Share in % must be 2 characters or more"]


def test_the_pause_date_is_named_as_the_issue_asks(request_context):
    from panel.forms import PauseForm

    form = PauseForm(formdata=MultiDict({"until": ["30", "2", "2027"]}))
    assert not form.validate()
    assert form.until.errors == ["Date you want to pause until must be a real date"]


def every_form_class() -> list[type]:
    def below(cls: type) -> list[type]:
        return [s for sub in cls.__subclasses__() for s in (sub, *below(sub))]

    return sorted({c for c in below(Form) + below(Subform) if not c.__module__.startswith(
        "tests.")}, key=lambda c: f"{c.__module__}.{c.__qualname__}")


ARGUMENTS = {"today": date(2027, 1, 1)}  # what some forms need to be made


def test_no_field_of_any_form_in_the_app_can_say_a_wtforms_default(app, request_context):
    forms = every_form_class()
    assert len(forms) > 20, "the app's forms were not found"
    leaks = []
    for cls in forms:
        needed = {name: ARGUMENTS[name] for name, parameter in inspect.signature(
            cls.__init__).parameters.items() if parameter.kind is parameter.KEYWORD_ONLY
            and parameter.default is parameter.empty}
        form = cls(**needed)
        fields = [f for field in form for f in (field, *getattr(field, "form", ()))]
        for field in fields:
            for default in DEFAULTS:
                if default in NOT_SHOWN:
                    continue
                said = {field.gettext(default), field.ngettext(default, default, 1),
                        field.ngettext(default, default, 2)}
                if default in said:
                    leaks.append(f"{cls.__module__}.{cls.__qualname__}.{field.name}: {default}")
    assert not leaks, "\n".join(leaks)
