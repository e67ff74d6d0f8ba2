"""The survey's settings form: title, why, closing date, when results are due, reminders and
the smallest group shown. Plain-English messages next to each field; no database writes."""

from __future__ import annotations

from datetime import date
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea, GovTextInput
from wtforms import DateField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from core.forms import Form, strip_text
from panel.forms import DayMonthYearInput
from surveys.forms import LONG_LIMIT, SurveyForm
from surveys.question_fields import WholeNumberField

SMALLEST_GROUP = 5  # never show fewer people than this, whatever an officer chooses


class OptionalDateField(DateField):
    """A GOV.UK date (day, month, year) that may be left empty, but not half filled in."""

    def __init__(self, *args: Any, what: str, **kwargs: Any) -> None:
        super().__init__(*args, widget=DayMonthYearInput(), format="%d %m %Y", **kwargs)
        self.what = what

    def process_formdata(self, valuelist: list[Any]) -> None:
        parts = [str(v).strip() for v in valuelist or []]
        if not any(parts):
            self.data = None
            return
        if len(parts) != 3 or not all(parts):
            self.data = None
            raise ValueError(f"{self.what} must include a day, month and year")
        try:
            super().process_formdata(parts)
        except ValueError:
            raise ValueError(f"{self.what} must be a real date, for example 27 3 2027") from None


class SurveySettingsForm(Form):
    title = SurveyForm.title  # the same field, checks and messages as on creation
    why = TextAreaField(
        "Why are you asking?", widget=GovTextArea(), filters=[strip_text],
        description="Residents see this at the start of the survey and in the invitation.",
        validators=[Length(max=LONG_LIMIT, message=f"This must be {LONG_LIMIT:,} characters "
                                                   "or fewer")])
    closes_on = OptionalDateField(
        "Closing date (optional)", what="The closing date",
        description="Answers are taken until the end of this day. For example, 27 3 2027.")
    results_due_on = OptionalDateField(
        "Results published by (optional)", what="The date the results are due",
        description="Residents are told this when they send their answers.")
    first_reminder = WholeNumberField(
        "First reminder, days after the invitation (optional)", widget=GovTextInput(),
        invalid="Enter the days before the first reminder as a whole number, like 7",
        description="Leave empty for no reminders.",
        validators=[Optional(), NumberRange(min=1, max=90, message="The first reminder must "
                                            "be between 1 and 90 days after the invitation")])
    second_reminder = WholeNumberField(
        "Second reminder, days after the invitation (optional)", widget=GovTextInput(),
        invalid="Enter the days before the second reminder as a whole number, like 14",
        validators=[Optional(), NumberRange(min=1, max=90, message="The second reminder must "
                                            "be between 1 and 90 days after the invitation")])
    suppress_below = WholeNumberField(
        "Hide groups of fewer than this many people in the results", widget=GovTextInput(),
        invalid="Enter the smallest group to show as a whole number, like 10",
        description=f"At least {SMALLEST_GROUP}. 10 is usual: smaller groups could identify "
                    "people.",
        validators=[InputRequired(message="Enter the smallest group to show, like 10"),
                    NumberRange(min=SMALLEST_GROUP, max=1000,
                                message=f"The smallest group must be between {SMALLEST_GROUP} "
                                        "and 1,000 people")])
    save = SubmitField("Save the settings", widget=GovSubmitInput())

    def __init__(self, *args: Any, today: date, closes_on: date | None = None,
                 **kwargs: Any) -> None:
        """``closes_on``: the date saved now (a past one may stay while other settings
        change; only a new closing date must be today or later)."""
        super().__init__(*args, **kwargs)
        self.today, self.saved_closes_on = today, closes_on

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        closes, due = self.closes_on.data, self.results_due_on.data
        if (closes is not None and closes != self.saved_closes_on and closes < self.today
                and not self.closes_on.errors):
            self.closes_on.errors.append("The closing date must be today or in the future")
            valid = False
        if closes and due and due < closes and not self.results_due_on.errors:
            self.results_due_on.errors.append(
                "The results cannot be due before the survey closes")
            valid = False
        first, second = self.first_reminder.data, self.second_reminder.data
        if second is not None and first is None and not self.second_reminder.errors:
            self.first_reminder.errors.append("Enter the first reminder, or leave both empty")
            valid = False
        elif (first is not None and second is not None and second <= first
              and not self.second_reminder.errors):
            self.second_reminder.errors.append(
                "The second reminder must come after the first")
            valid = False
        return valid

    @property
    def reminder_days(self) -> list[int]:
        return [d for d in (self.first_reminder.data, self.second_reminder.data)
                if d is not None]
