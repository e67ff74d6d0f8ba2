"""The host's forms and what every feature's forms build on: ``Form`` (a Flask-WTF form, CSRF
included) and ``Subform`` (a plain WTForms form for a ``FormField``), both binding each text
field with the input guard's check and with WTForms' own messages said in plain English
(core.form_messages); the field helpers (plain-English messages, GOV.UK widgets). No database
writes."""

from __future__ import annotations

from typing import Any

import wtforms
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import Email, InputRequired, Length, ValidationError

from core.auth.passwords import password_problem
from core.form_messages import PlainMessagesMeta
from core.input_guard import GuardedMeta


class Form(FlaskForm):
    """The base of every form: Flask-WTF's, with unusual characters refused in text fields and
    no WTForms default message ("Not a valid date value.") ever shown."""

    class Meta(PlainMessagesMeta, GuardedMeta):
        pass


class Subform(wtforms.Form):
    """The base of a form inside a form (``FormField``): no CSRF token of its own."""

    class Meta(PlainMessagesMeta, GuardedMeta):
        pass


class Named:
    """A field that says what it is in messages: ``DateField("Pause until", what="Date you
    want to pause until")`` gives "Date you want to pause until must be a real date". Without
    ``what``, messages use the field's label."""

    def __init__(self, *args: Any, what: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.what = what


class DateField(Named, wtforms.DateField):
    pass


class IntegerField(Named, wtforms.IntegerField):
    pass


class DecimalField(Named, wtforms.DecimalField):
    pass


def strip_text(value: object) -> object:
    """A WTForms filter: surrounding spaces removed from text."""
    return value.strip() if isinstance(value, str) else value


def check_new_password(field: PasswordField, *user_inputs: str | None) -> None:
    """The one password rule (core.auth.passwords), for every form that sets a password."""
    problem = password_problem(field.data, [value or "" for value in user_inputs])
    if problem is not None:
        raise ValidationError(problem)


class SignInForm(Form):
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[
            InputRequired(message="Enter your email address"),
            Email(
                message="Enter an email address in the correct format, like name@example.com",
                check_deliverability=False,
            ),
            Length(max=254, message="Email address must be 254 characters or fewer"),
        ],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[
            InputRequired(message="Enter your password"),
            Length(max=200, message="Password must be 200 characters or fewer"),
        ],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


def _email_field() -> EmailField:
    return EmailField(
        "Email address",
        widget=GovTextInput(),
        filters=[strip_text],
        validators=[
            InputRequired(message="Enter your email address"),
            Email(
                message="Enter an email address in the correct format, like name@example.com",
                check_deliverability=False,
            ),
            Length(max=254, message="Email address must be 254 characters or fewer"),
        ],
    )


class ForgotPasswordForm(Form):
    email = _email_field()
    submit = SubmitField("Send me a link", widget=GovSubmitInput())


def _new_password_field() -> PasswordField:
    return PasswordField(
        "New password",
        description="At least 12 characters. A few unrelated words make a strong password.",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter a new password")],
    )


class _NewPasswordRule(Form):
    """A ``password`` field under the one rule; ``user_inputs`` (name, email) make it
    stricter."""

    def __init__(self, *args: object, user_inputs: tuple[str, ...] = (), **kwargs: object):
        super().__init__(*args, **kwargs)
        self.user_inputs = user_inputs

    def validate_password(self, field: PasswordField) -> None:
        check_new_password(field, *self.user_inputs)


class NewPasswordForm(_NewPasswordRule):
    """A new password under the one rule."""

    password = _new_password_field()
    submit = SubmitField("Save new password", widget=GovSubmitInput())


class ChangePasswordForm(_NewPasswordRule):
    """The current password, then a new one under the one rule."""

    current_password = PasswordField(
        "Current password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter your current password"),
                    Length(max=200, message="Password must be 200 characters or fewer")],
    )
    password = _new_password_field()
    submit = SubmitField("Change password", widget=GovSubmitInput())
