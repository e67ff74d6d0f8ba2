"""Forms for an officer's actions on a member's record: plain-English messages, GOV.UK widgets.
No database writes."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovRadioInput, GovSubmitInput
from wtforms import BooleanField, DateField, RadioField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from core.forms import Form
from panel.forms import DayMonthYearInput
from panel.membership import REQUEST_CHANNELS


class GovDateField(DateField):
    """A GOV.UK date (day, month, year) with the messages the design system words: "Enter
    ...", "... must include a day, month and year", "... must be a real date"."""

    def __init__(self, label: str, *, what: str, missing: str, **kwargs: Any) -> None:
        super().__init__(label, widget=DayMonthYearInput(), format="%d %m %Y", **kwargs)
        self.what, self.missing = what, missing

    def process_formdata(self, valuelist: list[Any]) -> None:
        parts = [str(v).strip() for v in valuelist or []]
        self.data = None
        if not any(parts):
            raise ValueError(self.missing)
        if len(parts) != 3 or not all(parts):
            raise ValueError(f"{self.what} must include a day, month and year")
        try:
            super().process_formdata(parts)
        except ValueError:
            self.data = None
            raise ValueError(f"{self.what} must be a real date") from None


def _asked_field() -> RadioField:
    return RadioField("How did the member ask?", widget=GovRadioInput(),
                      choices=[SelectChoice(key, text) for key, text in REQUEST_CHANNELS.items()],
                      validators=[InputRequired(message="Select how the member asked")])


class MemberPauseForm(Form):
    until = GovDateField("Date to pause until", what="Date to pause until",
                         missing="Enter the date to pause until",
                         description="For example, 27 3 2027. We will not contact them before "
                                     "then. Up to a year from today.")
    asked = _asked_field()
    submit = SubmitField("Pause membership", widget=GovSubmitInput())


class MemberResumeForm(Form):
    asked = _asked_field()
    submit = SubmitField("Resume membership", widget=GovSubmitInput())


class MemberWithdrawForm(Form):
    asked = _asked_field()
    confirm = BooleanField("The member asked to leave the panel and not be contacted again",
                           widget=GovCheckboxInput(),
                           validators=[InputRequired(message="Tick the box to confirm the "
                                                             "member asked to leave")])
    submit = SubmitField("Withdraw from the panel", widget=GovSubmitInput())


class ResendForm(Form):
    """A button only: the CSRF token is the form."""

    submit = SubmitField("Send the confirmation email again", widget=GovSubmitInput())
