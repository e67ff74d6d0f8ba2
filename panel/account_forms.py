"""The forms a resident uses to change their own details (name, email address, address).
No database writes."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from wtforms import EmailField, SelectField, StringField, SubmitField
from wtforms.validators import Email, InputRequired, Length, ValidationError

from core.forms import Form, strip_text
from panel.profile_rules import is_valid_postcode


class NameForm(Form):
    first_name = StringField("First name", widget=GovTextInput(), filters=[strip_text], validators=[
        InputRequired(message="Enter your first name"),
        Length(max=80, message="First name must be 80 characters or fewer")])
    last_name = StringField("Last name", widget=GovTextInput(), filters=[strip_text], validators=[
        InputRequired(message="Enter your last name"),
        Length(max=80, message="Last name must be 80 characters or fewer")])
    submit = SubmitField("Save name", widget=GovSubmitInput())


class EmailForm(Form):
    email = EmailField(
        "New email address", widget=GovTextInput(), filters=[strip_text],
        description="We will send a link to this address. The change happens when you open it.",
        validators=[
            InputRequired(message="Enter your new email address"),
            Email(message="Enter an email address in the correct format, like name@example.com",
                  check_deliverability=False),
            Length(max=254, message="Email address must be 254 characters or fewer")])
    submit = SubmitField("Send link", widget=GovSubmitInput())


class AddressForm(Form):
    address_line = StringField(
        "Address line 1", widget=GovTextInput(), filters=[strip_text],
        description="The number and street, for example 12 Colne Road",
        validators=[InputRequired(message="Enter the first line of your address"),
                    Length(max=200, message="Address must be 200 characters or fewer")])
    postcode = StringField("Postcode", widget=GovTextInput(), filters=[strip_text], validators=[
        InputRequired(message="Enter your postcode")])
    ward = SelectField(
        "Ward", widget=GovSelect(), validate_choice=False,
        description="Only needed if we cannot work it out from your postcode.")
    submit = SubmitField("Save address", widget=GovSubmitInput())

    def validate_postcode(self, field: StringField) -> None:
        if field.data and not is_valid_postcode(field.data):
            raise ValidationError("Enter a real postcode, like BB11 2DL")
