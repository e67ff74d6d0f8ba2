"""Forms for attendance, access needs, payments and themes: plain-English messages beside each
field; no database writes here."""

from __future__ import annotations

from decimal import Decimal

from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from core.forms import DecimalField, Form, strip_text
from events.models import NeedStatus
from surveys.settings_form import OptionalDateField

MOST_POUNDS = Decimal("10000")


def _finite(_form: Form, field: DecimalField) -> None:
    """Infinity and not-a-number parse as decimals; refuse them before any comparison."""
    if field.data is not None and not field.data.is_finite():
        raise StopValidation("The cost must be in pounds and pence, for example 12.50")


class NeedForm(Form):
    status = RadioField("How is this need being met?", widget=GovRadioInput(),
                        choices=[SelectChoice(s.value, s.label) for s in NeedStatus],
                        validators=[InputRequired(message="Choose how this need is being met")])
    cost = DecimalField(
        "Cost (optional)", what="The cost", places=2, widget=GovTextInput(),
        description="In pounds, for example 12.50. Leave empty if there is no cost.",
        validators=[Optional(), _finite, NumberRange(min=Decimal(0), max=MOST_POUNDS,
                                            message="The cost must be between £0 and "
                                                    "£10,000")])
    submit = SubmitField("Save", widget=GovSubmitInput())

    @property
    def cost_pence(self) -> int:
        return int((self.cost.data or Decimal(0)) * 100)

    def validate_cost(self, field: DecimalField) -> None:
        if field.errors or field.data is None:
            return          # already refused (not a number, or out of range)
        if field.data != round(field.data, 2):
            raise ValidationError("The cost must be in pounds and pence, for example 12.50")


class PaidForm(Form):
    paid_on = OptionalDateField("Date paid", what="The date paid",
                                description="For example, 27 3 2027.",
                                validators=[DataRequired(message="Enter the date paid")])
    reference = StringField(
        "Payment reference (optional)", widget=GovTextInput(), filters=[strip_text],
        description="For example the BACS or voucher number.",
        validators=[Length(max=80, message="The reference must be 80 characters or fewer")])
    submit = SubmitField("Mark as paid", widget=GovSubmitInput())


class ThemeForm(Form):
    title = StringField(
        "Theme", widget=GovTextInput(), filters=[strip_text],
        description="A short heading, for example More seating in the park.",
        validators=[InputRequired(message="Enter the theme"),
                    Length(max=200, message="The theme must be 200 characters or fewer")])
    detail = TextAreaField(
        "What people said (optional)", widget=GovTextArea(), filters=[strip_text],
        description="Shown publicly. No names or anything that identifies anyone.",
        validators=[Length(max=5000, message="What people said must be 5,000 characters or "
                                             "fewer")])
    submit = SubmitField("Save theme", widget=GovSubmitInput())
