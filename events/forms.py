"""The organiser's forms for setting up an event: its details, a session, the support offered,
recruitment, quotas, a screening question, its organisers, its capacity, cancelling it.
Plain-English messages beside each field; times are typed in UK time and turned into naive
UTC here (``core.uk_time.from_uk``). No database writes."""

from __future__ import annotations

import re
from datetime import datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from core.forms import DateField, Form, strip_text
from core.uk_time import from_uk, to_uk
from events.models import EventFormat, ThankYouKind
from panel.forms import DayMonthYearInput
from surveys.question_fields import WholeNumberField
from surveys.settings_form import OptionalDateField

MAX_CAPACITY = 10_000
_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$")


def parse_time(text: str) -> time | None:
    """"10:00", "14.30", "9am", "2:30pm" -> a time, or None if it is not one."""
    found = _TIME.match(text.strip().lower())
    if not found:
        return None
    hour, minute, half = int(found[1]), int(found[2] or 0), found[3]
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    elif found[2] is None:
        return None  # "10" alone is ambiguous
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _max(limit: int, what: str) -> Length:
    return Length(max=limit, message=f"{what} must be {limit:,} characters or fewer")


def _line(label: str, limit: int, what: str, **kwargs: Any) -> StringField:
    return StringField(label, widget=GovTextInput(), filters=[strip_text],
                       validators=[Optional(), _max(limit, what)], **kwargs)


class TimeField(StringField):
    """A time of day typed as text ("10:00", "2:30pm"); ``.time`` once valid."""

    def __init__(self, label: str, *, what: str, required: bool = True, **kwargs: Any) -> None:
        kwargs.setdefault("description", "In UK time, for example 10:00 or 2:30pm.")
        super().__init__(label, widget=GovTextInput(), filters=[strip_text], **kwargs)
        self.what, self.required, self.time = what, required, None

    def pre_validate(self, form: Any) -> None:
        self.time = None
        if not self.data:
            if self.required:
                raise ValidationError(f"Enter {self.what}")
            return
        self.time = parse_time(self.data)
        if self.time is None:
            raise ValidationError(f"{self.what[0].upper()}{self.what[1:]} must be a real time, "
                             "like 10:00 or 2:30pm")


def is_web_link(text: str) -> bool:
    parts = urlsplit(text)
    return parts.scheme in ("http", "https") and "." in parts.netloc and " " not in text


class DetailsForm(Form):
    engagement = SelectField(
        "Which engagement is this event part of?", widget=GovSelect(), choices=[],
        validators=[InputRequired(message="Select the engagement this event is part of")])
    title = StringField(
        "What is the event called?", widget=GovTextInput(), filters=[strip_text],
        description="Residents see this in their invitation, for example Future of our "
                    "parks workshop.",
        validators=[InputRequired(message="Enter what the event is called"),
                    _max(160, "The name")])
    purpose = TextAreaField(
        "What is it for?", widget=GovTextArea(), filters=[strip_text],
        description="Shown in the invitation: what will be discussed and how it will be used.",
        validators=[_max(5000, "The purpose")])
    format = RadioField(
        "Format", widget=GovRadioInput(),
        choices=[SelectChoice(f.value, f.label) for f in EventFormat],
        validators=[InputRequired(message="Select the format of the event")])
    capacity = WholeNumberField(
        "How many places?", widget=GovTextInput(),
        invalid="Enter the number of places as a whole number, like 30",
        description="The number of people who will take part.",
        validators=[InputRequired(message="Enter the number of places, like 30"),
                    NumberRange(min=1, max=MAX_CAPACITY,
                                message=f"The number of places must be between 1 and "
                                        f"{MAX_CAPACITY:,}")])
    submit = SubmitField("Save and continue", widget=GovSubmitInput())

    def __init__(self, *args: Any, engagements: list[tuple[int, str]] = (),
                 with_capacity: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.engagement.choices = [SelectChoice("", "Select an engagement")] + [
            SelectChoice(str(i), title) for i, title in engagements]
        if not with_capacity:
            del self.capacity

    def values(self) -> dict[str, Any]:
        found = {"engagement_id": int(self.engagement.data), "title": self.title.data,
                 "purpose": self.purpose.data or "", "format": EventFormat(self.format.data)}
        if "capacity" in self._fields:
            found["capacity"] = self.capacity.data
        return found


class SessionForm(Form):
    day = DateField("Date", widget=DayMonthYearInput(), format="%d %m %Y",
                    what="The date of the session", description="For example, 20 3 2027.",
                    validators=[InputRequired(message="Enter the date of the session")])
    starts = TimeField("Start time", what="the start time")
    ends = TimeField("End time", what="the end time")
    venue = _line("Venue (leave empty for an online session)", 200, "The venue",
                  description="For example, Burnley Town Hall.")
    address = TextAreaField("Address", widget=GovTextArea(), filters=[strip_text],
                            validators=[_max(1000, "The address")])
    online_url = _line("Online link", 500, "The online link",
                       description="For an online session, the link to join, starting "
                                   "https://")
    step_free = BooleanField("Step-free access", widget=GovCheckboxInput())
    hearing_loop = BooleanField("Hearing loop", widget=GovCheckboxInput())
    submit = SubmitField("Save the session", widget=GovSubmitInput())

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.starts.time and self.ends.time and self.ends.time <= self.starts.time:
            self.ends.errors.append("The end time must be after the start time")
            valid = False
        if self.online_url.data and not self.online_url.errors and \
                not is_web_link(self.online_url.data):
            self.online_url.errors.append(
                "Enter the online link as a web address, like https://meet.example.org/abc")
            valid = False
        if not self.venue.data and not self.online_url.data and not self.venue.errors:
            self.venue.errors.append("Enter the venue, or an online link for an online session")
            valid = False
        if self.venue.data and not self.address.data and not self.address.errors:
            self.address.errors.append("Enter the address of the venue")
            valid = False
        return valid

    def values(self) -> dict[str, Any]:
        return {"starts_at": from_uk(self.day.data, self.starts.time),
                "ends_at": from_uk(self.day.data, self.ends.time),
                "venue": self.venue.data or "", "address": self.address.data or "",
                "online_url": self.online_url.data or "", "step_free": self.step_free.data,
                "hearing_loop": self.hearing_loop.data}

    def fill(self, session: Any) -> None:
        starts, ends = to_uk(session.starts_at), to_uk(session.ends_at)
        self.day.data = starts.date()
        self.starts.data, self.ends.data = starts.strftime("%H:%M"), ends.strftime("%H:%M")


class PoundsField(StringField):
    """An amount in pounds ("25", "£25.50") -> ``pence``."""

    def __init__(self, label: str, **kwargs: Any) -> None:
        super().__init__(label, widget=GovTextInput(), filters=[strip_text], **kwargs)
        self.pence: int | None = None

    def pre_validate(self, form: Any) -> None:
        self.pence = None
        if not self.data:
            return
        try:
            amount = Decimal(self.data.replace("£", "").replace(",", ""))
        except InvalidOperation:
            raise ValidationError("Enter the amount in pounds, like 25 or 25.50") from None
        if not amount.is_finite() or amount < 0 or amount > 10_000 or \
                amount != amount.quantize(Decimal("0.01")):
            raise ValidationError("Enter the amount in pounds, like 25 or 25.50, up to £10,000")
        self.pence = int(amount * 100)


class SupportForm(Form):
    offers_childcare = BooleanField("Childcare", widget=GovCheckboxInput())
    offers_travel = BooleanField("Travel costs", widget=GovCheckboxInput())
    offers_bsl = BooleanField("British Sign Language interpreter", widget=GovCheckboxInput())
    offers_dietary = BooleanField("Food for dietary needs", widget=GovCheckboxInput())
    interpreter_languages = _line(
        "Interpreters for these languages (optional)", 200, "The languages",
        description="For example, Urdu, Polish. Leave empty if none.")
    thank_you_kind = RadioField(
        "Thank-you for taking part", widget=GovRadioInput(),
        choices=[SelectChoice(k.value, k.label) for k in ThankYouKind],
        validators=[InputRequired(message="Select whether people get a thank-you payment or "
                                          "voucher")])
    thank_you_amount = PoundsField("Amount in pounds",
                                   description="For each person who attends, for example 25.")
    submit = SubmitField("Save the support", widget=GovSubmitInput())

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.thank_you_kind.data in (ThankYouKind.PAYMENT, ThankYouKind.VOUCHER) and \
                not self.thank_you_amount.errors and not self.thank_you_amount.pence:
            self.thank_you_amount.errors.append("Enter the amount of the thank-you, like 25")
            valid = False
        return valid

    def values(self) -> dict[str, Any]:
        kind = ThankYouKind(self.thank_you_kind.data)
        return {"offers_childcare": self.offers_childcare.data,
                "offers_travel": self.offers_travel.data, "offers_bsl": self.offers_bsl.data,
                "offers_dietary": self.offers_dietary.data,
                "interpreter_languages": self.interpreter_languages.data or "",
                "thank_you_kind": kind,
                "thank_you_pence": 0 if kind == ThankYouKind.NONE else self.thank_you_amount.pence}


def _days(label: str, what: str) -> WholeNumberField:
    return WholeNumberField(
        label, widget=GovTextInput(), invalid=f"Enter {what} as a whole number of days, like 7",
        validators=[Optional(), NumberRange(min=1, max=90, message=f"{what[0].upper()}"
                                            f"{what[1:]} must be between 1 and 90 days")])


class RecruitmentForm(Form):
    expected_response_rate = WholeNumberField(
        "Expected response rate, per cent", widget=GovTextInput(),
        invalid="Enter the response rate as a whole number, like 30",
        description="How many of those invited you expect to say they are interested. The "
                    "invitation wave is that much bigger than the places.",
        validators=[InputRequired(message="Enter the expected response rate, like 30"),
                    NumberRange(min=1, max=100, message="The response rate must be between "
                                                       "1 and 100 per cent")])
    closes_on = OptionalDateField("Registration closes on", what="The closing date",
                                  description="For example, 27 2 2027.")
    closes_at = TimeField("Registration closes at", what="the closing time", required=False,
                          description="In UK time, for example 17:00. Leave empty for "
                                      "midnight at the end of the day.")
    confirm_on = OptionalDateField("People selected must confirm by (optional)",
                                   what="The date to confirm by")
    confirm_at = TimeField("Confirm by time (optional)", what="the time to confirm by",
                           required=False)
    first_reminder = _days("First reminder, days before the first session", "the first reminder")
    second_reminder = _days("Second reminder, days before the first session (optional)",
                            "the second reminder")
    submit = SubmitField("Save recruitment", widget=GovSubmitInput())

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        closes = self.closes()
        confirm = self.confirm_by()
        if self.closes_at.data and not self.closes_on.data and not self.closes_at.errors:
            self.closes_on.errors.append("Enter the date registration closes")
            valid = False
        if self.confirm_at.data and not self.confirm_on.data and not self.confirm_at.errors:
            self.confirm_on.errors.append("Enter the date to confirm by")
            valid = False
        if closes and confirm and confirm <= closes and not self.confirm_on.errors:
            self.confirm_on.errors.append("The date to confirm by must be after registration "
                                          "closes")
            valid = False
        first, second = self.first_reminder.data, self.second_reminder.data
        if second is not None and first is not None and second >= first and \
                not self.second_reminder.errors:
            self.second_reminder.errors.append(
                "The second reminder must be fewer days before the session than the first")
            valid = False
        if second is not None and first is None and not self.second_reminder.errors:
            self.first_reminder.errors.append("Enter the first reminder, or leave both empty")
            valid = False
        return valid

    def closes(self) -> datetime | None:
        if not self.closes_on.data:
            return None
        return from_uk(self.closes_on.data, self.closes_at.time or time(23, 59))

    def confirm_by(self) -> datetime | None:
        if not self.confirm_on.data:
            return None
        return from_uk(self.confirm_on.data, self.confirm_at.time or time(23, 59))

    def values(self) -> dict[str, Any]:
        return {"expected_response_rate": self.expected_response_rate.data,
                "registration_closes_at": self.closes(), "confirm_by": self.confirm_by(),
                "reminder_days": [d for d in (self.first_reminder.data,
                                              self.second_reminder.data) if d is not None]}

    def fill(self, event: Any) -> None:
        for moment, day, at in ((event.registration_closes_at, self.closes_on, self.closes_at),
                                (event.confirm_by, self.confirm_on, self.confirm_at)):
            if moment is not None:
                local = to_uk(moment)
                day.data, at.data = local.date(), local.strftime("%H:%M")
        days = list(event.reminder_days or [])
        self.first_reminder.data = days[0] if days else None
        self.second_reminder.data = days[1] if len(days) > 1 else None


class QuotaForm(Form):
    design = SelectField(
        "Approved quota design (optional)", widget=GovSelect(), choices=[], default="",
        description="A design an engagement officer approved. It sets the target set and "
                    "questions, and may use special-category questions such as ethnicity.")
    target_set = SelectField("Compare with (target set)", widget=GovSelect(), choices=[],
                             default="")
    dimensions = SelectMultipleField("Quota questions", widget=GovCheckboxesInput(),
                                     choices=[])
    one_per_household = BooleanField("No more than one person from each household",
                                     widget=GovCheckboxInput())
    submit = SubmitField("Save quotas", widget=GovSubmitInput())

    def __init__(self, *args: Any, designs: list[tuple[int, str]] = (),
                 target_sets: list[tuple[int, str]] = (),
                 dimensions: list[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.design.choices = [SelectChoice("", "None: choose the questions below")] + [
            SelectChoice(str(i), name) for i, name in designs]
        self.target_set.choices = [SelectChoice("", "Select a target set")] + [
            SelectChoice(str(i), name) for i, name in target_sets]
        self.dimensions.choices = [SelectChoice(k, label) for k, label in dimensions]

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if not self.design.data and self.dimensions.data and not self.target_set.data:
            self.target_set.errors.append("Select the target set to compare the room with")
            valid = False
        return valid


class QuestionForm(Form):
    text = StringField("Question", widget=GovTextInput(), filters=[strip_text],
                       description="For example, How do you feel about the changes to parks?",
                       validators=[InputRequired(message="Enter the question"),
                                   _max(300, "The question")])
    options = TextAreaField(
        "Answers to choose from", widget=GovTextArea(),
        description="One answer on each line, at least two.",
        validators=[InputRequired(message="Enter the answers, one on each line")])
    shares = TextAreaField(
        "Quota shares, per cent (optional)", widget=GovTextArea(),
        description="To use this question as a quota: one number on each line, in the same "
                    "order as the answers, adding up to 100.")
    submit = SubmitField("Save the question", widget=GovSubmitInput())

    def answer_options(self) -> list[str]:
        return list(dict.fromkeys(
            line.strip() for line in (self.options.data or "").splitlines() if line.strip()))

    def validate_options(self, field: Any) -> None:
        options = self.answer_options()
        if len(options) < 2:
            raise ValidationError("Enter at least two answers, one on each line")
        if any(len(o) > 200 for o in options):
            raise ValidationError("Each answer must be 200 characters or fewer")
        if len(options) > 20:
            raise ValidationError("Enter no more than 20 answers")

    def quota_shares(self) -> dict[str, float] | None:
        lines = [x.strip().rstrip("%") for x in (self.shares.data or "").splitlines()
                 if x.strip()]
        if not lines:
            return None
        return {option: float(Decimal(x)) / 100
                for option, x in zip(self.answer_options(), lines, strict=True)}

    def validate_shares(self, field: Any) -> None:
        lines = [x.strip().rstrip("%").strip() for x in (field.data or "").splitlines()
                 if x.strip()]
        if not lines:
            return
        if len(lines) != len(self.answer_options()):
            raise ValidationError("Give one share for each answer, or leave the shares empty")
        try:
            numbers = [Decimal(x) for x in lines]
        except InvalidOperation:
            raise ValidationError("Each share must be a number, like 25") from None
        if any(not n.is_finite() or n < 0 or n > 100 for n in numbers):
            raise ValidationError("Each share must be between 0 and 100")
        if abs(sum(numbers) - 100) > Decimal("0.5"):
            raise ValidationError(f"The shares must add up to 100 (they add up to "
                             f"{sum(numbers).normalize():f})")


class OrganisersForm(Form):
    organisers = SelectMultipleField("Organisers", widget=GovCheckboxesInput(), choices=[],
                                     description="They can see and manage this event.")
    submit = SubmitField("Save organisers", widget=GovSubmitInput())

    def __init__(self, *args: Any, people: list[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisers.choices = [SelectChoice(str(i), label) for i, label in people]


class CapacityForm(Form):
    capacity = DetailsForm.capacity
    move = SelectMultipleField("Who moves to the reserve list?", widget=GovCheckboxesInput(),
                               choices=[])
    submit = SubmitField("Change the number of places", widget=GovSubmitInput())

    def __init__(self, *args: Any, confirmed: list[tuple[int, str]] = (),
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.move.choices = [SelectChoice(str(i), label) for i, label in confirmed]


class CancelForm(Form):
    reason = TextAreaField(
        "Why is the event cancelled?", widget=GovTextArea(), filters=[strip_text],
        description="Everyone invited, interested, selected, confirmed or on the reserve list "
                    "is emailed this.",
        validators=[InputRequired(message="Enter why the event is cancelled"),
                    _max(2000, "The reason")])
    submit = SubmitField("Cancel the event", widget=GovSubmitInput())


class OpenForm(Form):
    submit = SubmitField("Open recruitment", widget=GovSubmitInput())


class RemoveForm(Form):
    submit = SubmitField("Remove", widget=GovSubmitInput())
