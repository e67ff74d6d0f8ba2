"""Forms for the host package: plain-English messages, GOV.UK widgets. No database writes."""

from __future__ import annotations

from datetime import UTC, datetime

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovDateInput,
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, Optional, ValidationError

from core.forms import DateField, Form, check_new_password, strip_text
from panel.profile_rules import (
    CONDITION_OPTIONS,
    OLDEST_YEAR_OF_BIRTH,
    REDUCED_OPTIONS,
    YOUNGEST_MEMBER_AGE,
    is_valid_postcode,
)


class JoinForm(Form):
    first_name = StringField("First name", widget=GovTextInput(), filters=[strip_text], validators=[
        InputRequired(message="Enter your first name"),
        Length(max=80, message="First name must be 80 characters or fewer")])
    last_name = StringField("Last name", widget=GovTextInput(), filters=[strip_text], validators=[
        InputRequired(message="Enter your last name"),
        Length(max=80, message="Last name must be 80 characters or fewer")])
    email = EmailField(
        "Email address", widget=GovTextInput(), filters=[strip_text],
        description="We will send you a link to confirm it.",
        validators=[
            InputRequired(message="Enter your email address"),
            Email(message="Enter an email address in the correct format, like name@example.com",
                  check_deliverability=False),
            Length(max=254, message="Email address must be 254 characters or fewer")])
    password = PasswordField(
        "Create a password", widget=GovPasswordInput(),
        description="At least 12 characters. A few unrelated words make a strong password.",
        validators=[InputRequired(message="Create a password")])
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
    year_of_birth = StringField(
        "Year of birth (optional)", widget=GovTextInput(), filters=[strip_text],
        description="For example, 1980. We use it to work out your age group.")
    membership_consent = BooleanField(
        "I want to join the panel and agree to the privacy notice", widget=GovCheckboxInput(),
        validators=[InputRequired(message="You must agree to join the panel to continue")])
    special_category_consent = BooleanField(
        "I also give my explicit consent for the council to keep my answers about my ethnic "
        "group, health or disability, religion and sexual orientation (optional)",
        widget=GovCheckboxInput())
    interested_in_events = BooleanField(
        "I am interested in taking part in workshops and events", widget=GovCheckboxInput(),
        default=False)  # never ticked in advance: the person opts in
    submit = SubmitField("Join the panel", widget=GovSubmitInput())

    def validate_password(self, field: PasswordField) -> None:
        check_new_password(field, self.email.data, self.first_name.data, self.last_name.data)

    def validate_postcode(self, field: StringField) -> None:
        if field.data and not is_valid_postcode(field.data):
            raise ValidationError("Enter a real postcode, like BB11 2DL")

    def validate_year_of_birth(self, field: StringField) -> None:
        if not field.data:
            return
        this_year = datetime.now(UTC).year
        if not field.data.isdigit() or len(field.data) != 4:
            raise ValidationError("Enter your year of birth as 4 numbers, like 1980")
        year = int(field.data)
        if year > this_year - YOUNGEST_MEMBER_AGE:
            raise ValidationError("You must be 16 or older to join the panel")
        if year < OLDEST_YEAR_OF_BIRTH:
            raise ValidationError("Enter a year of birth after 1900")


class ContactPreferencesForm(Form):
    by_email = BooleanField("Email", widget=GovCheckboxInput())
    by_post = BooleanField("Post", widget=GovCheckboxInput())
    by_phone = BooleanField("Phone", widget=GovCheckboxInput())
    phone = StringField("Phone number", widget=GovTextInput(), filters=[strip_text],
                        validators=[Length(max=30, message="Phone number is too long")])
    interested_in_events = BooleanField(
        "I am interested in taking part in workshops and events", widget=GovCheckboxInput())
    submit = SubmitField("Save contact preferences", widget=GovSubmitInput())

    def validate_phone(self, field: StringField) -> None:
        digits = "".join(ch for ch in field.data or "" if ch.isdigit())
        if self.by_phone.data and not field.data:
            raise ValidationError("Enter a phone number, or untick Phone")
        if field.data and not 10 <= len(digits) <= 13:
            raise ValidationError("Enter a UK phone number, like 01282 425011 or 07700 900982")

    def validate_by_email(self, field: BooleanField) -> None:
        if not (field.data or self.by_post.data or self.by_phone.data):
            raise ValidationError("Choose at least one way for us to contact you")


class DayMonthYearInput(GovDateInput):
    """GOV.UK date input that survives a request with the day, month or year missing, and
    fills in a saved date as people type it and as our hints show it: 5 3 2027, not 05 03."""

    def map_gov_params(self, field, **kwargs):  # type: ignore[no-untyped-def]
        if field.raw_data is not None and len(field.raw_data) != 3:
            field.raw_data = None
        params = super().map_gov_params(field, **kwargs)
        if field.raw_data is None and field.data:
            saved = (field.data.day, field.data.month, field.data.year)
            for item, part in zip(params["items"], saved, strict=True):
                item["value"] = str(part)
        return params


class PauseForm(Form):
    until = DateField("Pause until", widget=DayMonthYearInput(), format="%d %m %Y",
                      what="Date you want to pause until",
                      description="For example, 27 3 2027. We will not contact you before then.",
                      validators=[InputRequired(message="Enter the date you want us to "
                                                        "contact you again")])
    submit = SubmitField("Pause my membership", widget=GovSubmitInput())


class ConfirmForm(Form):
    confirm = BooleanField(widget=GovCheckboxInput(), validators=[
        InputRequired(message="Tick the box to confirm")])
    submit = SubmitField("Continue", widget=GovSubmitInput())


class SpecialConsentForm(Form):
    granted = RadioField(
        "Can we keep your answers about your ethnic group, health or disability, religion and "
        "sexual orientation?", widget=GovRadioInput(),
        choices=[SelectChoice("yes", "Yes, I give my explicit consent"),
                 SelectChoice("no", "No – delete any answers I have given to these questions")],
        validators=[InputRequired(message="Select yes or no")])
    submit = SubmitField("Save", widget=GovSubmitInput())


def profile_form(questions: list, formdata: object = None) -> Form:
    """A form with one radio question per profile question (disability: its two questions).

    Every question is optional; the templates render the radios (with "Prefer not to say"
    set apart), the form only validates that a chosen answer is one of the offered ones.
    """

    class ProfileForm(Form):
        submit = SubmitField("Save answers", widget=GovSubmitInput())

    for question in questions:
        if question.key == "disability":
            ProfileForm.disability_condition = _radio(CONDITION_OPTIONS)
            ProfileForm.disability_reduced = _radio(REDUCED_OPTIONS)
        else:
            options = [(c.key, c.label) for c in question.dimension.categories
                       if c.retired_at is None]
            setattr(ProfileForm, question.key, _radio(options))
    return ProfileForm(formdata=formdata) if formdata is not None else ProfileForm()


def _radio(options: list | tuple) -> RadioField:
    # strip_whitespace=False: a space is not "no answer" but an answer that is not offered
    return RadioField(choices=[SelectChoice(value, label) for value, label in options],
                      validators=[Optional(strip_whitespace=False)])
