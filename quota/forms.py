"""The sample builder's form: plain-English messages, GOV.UK widgets. No database writes.

The quota table (a minimum and maximum per category) is not a WTForms field list: its rows
depend on the target set and questions chosen, so ``read_overrides`` reads and checks them.
"""

from __future__ import annotations

from collections.abc import Mapping

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovTextInput,
)
from wtforms import RadioField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from core.forms import Form, strip_text
from quota.models import SampleMode

MAX_SIZE = 100_000
RULES = (
    SelectChoice("under_contact_cap", "Leave out people who have reached the contact limit"),
    SelectChoice("not_in_open_sample", "Leave out people selected in another open sample"),
    SelectChoice("events_only", "Only people who said they are interested in events"),
    SelectChoice("household", "At most one person per household"),
)
DEFAULT_RULES = ("under_contact_cap", "not_in_open_sample")
SIZE_MESSAGE = "Enter the number of people to select as a whole number from 1 to 100,000"


def _whole_number(low: int, high: int, message: str):  # noqa: ANN202
    def check(_form: Form, field: StringField) -> None:
        text = (field.data or "").replace(",", "")
        if not text.isdigit() or not low <= int(text) <= high:
            raise ValidationError(message)

    return check


class SampleForm(Form):
    name = StringField(
        "Name of the sample", widget=GovTextInput(), filters=[strip_text],
        description="For example, 'Libraries survey, spring 2027' or 'Climate jury'.",
        validators=[InputRequired(message="Enter a name for the sample"),
                    Length(max=160, message="The name must be 160 characters or fewer")])
    mode = RadioField(
        "Kind of sample", widget=GovRadioInput(),
        description="A survey sample matches the targets for hundreds or thousands of people. "
                    "A fair panel (a jury or workshop) meets the quotas and gives everyone a "
                    "chance of selection as equal as the quotas allow.",
        choices=[SelectChoice(SampleMode.SURVEY.value, "Survey sample"),
                 SelectChoice(SampleMode.FAIR.value, "Fair panel")],
        default=SampleMode.SURVEY.value,
        validators=[InputRequired(message="Choose the kind of sample")])
    target_set = SelectField("Targets", widget=GovSelect(), coerce=int,
                             description="The population the sample should match.",
                             validators=[InputRequired(message="Choose a target set")])
    dimensions = SelectMultipleField(
        "Questions to match", widget=GovCheckboxesInput(),
        description="Choose the questions whose answers the sample must match.",
        validators=[InputRequired(message="Choose at least one question to match")])
    size = StringField(
        "Number of people to select", widget=GovTextInput(), filters=[strip_text],
        validators=[InputRequired(message="Enter the number of people to select"),
                    _whole_number(1, MAX_SIZE, SIZE_MESSAGE)])
    tolerance = StringField(
        "Tolerance (people either side of each target)", widget=GovTextInput(),
        filters=[strip_text], default="0",
        description="0 meets every target exactly (rounded to whole people). A tolerance of "
                    "1 or 2 makes a draw possible more often and fairer for small groups.",
        validators=[InputRequired(message="Enter the tolerance, for example 0 or 2"),
                    _whole_number(0, MAX_SIZE, "Enter the tolerance as a whole number, for "
                                  "example 0 or 2")])
    rules = SelectMultipleField("Who can be selected", widget=GovCheckboxesInput(),
                                choices=list(RULES), validate_choice=True,
                                description="Everyone in the pool has confirmed their email, "
                                            "is an active member and has given consent.")
    merge = SelectMultipleField(
        "Match on parent groups (optional)", widget=GovCheckboxesInput(), validate_choice=False,
        description="Small answers often get a quota of 0 people. Matching on their parent "
                    "groups (for example the 5 ONS ethnic groups) gives each group a place.")
    wards = SelectMultipleField("Only these wards (optional)", widget=GovCheckboxesInput(),
                                description="Leave all unticked to draw from every ward.")
    seed = StringField(
        "Seed (optional)", widget=GovTextInput(), filters=[strip_text],
        description="Leave blank for a new random draw. The same seed and inputs always give "
                    "the same sample.",
        validators=[Optional(), _whole_number(0, 2**62, "Enter the seed as a whole number, or "
                                              "leave it blank")])


def number(text: str | None) -> int:
    return int((text or "0").replace(",", ""))


def read_overrides(formdata: Mapping[str, str], quotas: list[tuple[str, str, str]],
                   size: int) -> tuple[list[tuple[str, str, int, int]], dict[str, str]]:
    """Minimum and maximum per category from the quota table, and an error per bad field.

    ``quotas`` lists (dimension, category, label) of the table's rows.
    """
    overrides, errors = [], {}
    for dimension, category, label in quotas:
        values = []
        for bound in ("min", "max"):
            field = quota_field(bound, dimension, category)
            text = (formdata.get(field) or "").strip().replace(",", "")
            word = "minimum" if bound == "min" else "maximum"
            if not text.isdigit() or int(text) > size:
                errors[field] = (f"Enter the {word} for {label} as a whole number from 0 to "
                                 f"{size:,}")
            values.append(int(text) if text.isdigit() else 0)
        if not errors.get(quota_field("min", dimension, category)) and values[0] > values[1]:
            errors[quota_field("max", dimension, category)] = (
                f"The maximum for {label} must be at least its minimum ({values[0]})")
        overrides.append((dimension, category, values[0], values[1]))
    return overrides, errors


def quota_field(bound: str, dimension: str, category: str) -> str:
    return f"quota-{bound}-{dimension}-{category}"
