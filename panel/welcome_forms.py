"""The form an imported member confirms their membership with (``panel.views.welcome``)."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovPasswordInput, GovSubmitInput
from wtforms import BooleanField, PasswordField, SubmitField
from wtforms.validators import InputRequired

from core.forms import Form, check_new_password


class ConfirmMembershipForm(Form):
    """As on joining: membership consent required, the rest opt-in and never ticked for them."""

    membership_consent = BooleanField(
        "I want to be a member of the panel and agree to the privacy notice",
        widget=GovCheckboxInput(),
        validators=[InputRequired(message="You must agree to be a member of the panel to "
                                          "continue")])
    special_category_consent = BooleanField(
        "I give my explicit consent for the council to keep my answers about my ethnic "
        "group, health or disability, religion and sexual orientation (optional)",
        widget=GovCheckboxInput())
    interested_in_events = BooleanField(
        "I am interested in taking part in workshops and events", widget=GovCheckboxInput(),
        default=False)
    password = PasswordField(
        "Create a password", widget=GovPasswordInput(),
        description="At least 12 characters. A few unrelated words make a strong password.",
        validators=[InputRequired(message="Create a password")])
    submit = SubmitField("Confirm my membership", widget=GovSubmitInput())

    def __init__(self, *args: object, user_inputs: tuple[str, ...] = (), **kwargs: object):
        super().__init__(*args, **kwargs)
        self.user_inputs = user_inputs

    def validate_password(self, field: PasswordField) -> None:
        check_new_password(field, *self.user_inputs)


class SendWelcomeForm(Form):
    """The officer's confirm step before the welcome emails go."""

    submit = SubmitField("Send the welcome emails", widget=GovSubmitInput())
