"""Forms for the staff pages of panel/views/admin*.py: target sets, profile questions, settings."""

from __future__ import annotations

from typing import Any

from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovFileInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, ValidationError

from core.forms import Form, strip_text
from panel import contact_policy, target_sets


class ImportTargetsForm(Form):
    name = StringField(
        "Name", widget=GovTextInput(), filters=[strip_text],
        description="For example, Census 2021 – residents aged 16+",
        validators=[InputRequired(message="Enter a name for the target set"),
                    Length(max=target_sets.NAME_LIMIT, message="The name must be "
                           f"{target_sets.NAME_LIMIT} characters or fewer")])
    source = TextAreaField(
        "Source (optional)", widget=GovTextArea(), filters=[strip_text],
        description="Where the figures come from, for example the Census tables and ages.",
        validators=[Length(max=target_sets.SOURCE_LIMIT, message="The source must be "
                           f"{target_sets.SOURCE_LIMIT} characters or fewer")])
    file = FileField(
        "CSV file", widget=GovFileInput(),
        description="Columns: dimension, category, and share or count (note is optional). "
                    "Name each dimension and category by its key or its label.",
        validators=[FileRequired(message="Select a CSV file")])
    make_default = BooleanField("Make this the default target set", widget=GovCheckboxInput())
    submit = SubmitField("Check the file", widget=GovSubmitInput())


class TargetSetDetailsForm(Form):
    name = ImportTargetsForm.name
    source = ImportTargetsForm.source
    submit = SubmitField("Save changes", widget=GovSubmitInput())


class ConfirmDeleteForm(Form):
    submit = SubmitField("Delete target set", widget=GovSubmitInput())


class DimensionForm(Form):
    label = StringField("Short name", widget=GovTextInput(), filters=[strip_text],
                        description="Shown to staff in lists and tables, for example "
                                    "Children under 16")
    key = StringField("Key", widget=GovTextInput(), filters=[strip_text],
                      description="Used in target files and exports: lower-case letters, "
                                  "numbers and underscores, for example children_under_16. "
                                  "It cannot be changed later.")
    question = StringField("Question", widget=GovTextInput(), filters=[strip_text],
                           description="As residents see it, for example Do you have any "
                                       "children under 16 living with you?")
    hint = StringField("Hint (optional)", widget=GovTextInput(), filters=[strip_text],
                       description="Extra help shown under the question")
    why = TextAreaField("Why we ask", widget=GovTextArea(), filters=[strip_text],
                        description="Residents see this with the question. Say plainly what "
                                    "the answer is used for.")
    special_category = RadioField(
        "Is this special category data?", widget=GovRadioInput(),
        description="Ethnic group, health, religion, sexual orientation and similar. Residents "
                    "are only asked if they have given their explicit consent.",
        choices=[SelectChoice("yes", "Yes"), SelectChoice("no", "No")],
        validators=[InputRequired(message="Select yes if this is special category data")])
    answers = TextAreaField("Answers", widget=GovTextArea(),
                            description="One on each line, in the order residents should see "
                                        "them. We add Prefer not to say at the end.")
    submit = SubmitField("Add question", widget=GovSubmitInput())


class CategoryForm(Form):
    label = StringField("Answer", widget=GovTextInput(), filters=[strip_text])
    key = StringField("Key (optional)", widget=GovTextInput(), filters=[strip_text],
                      description="Leave blank to make one from the answer")
    group_label = StringField("Group (optional)", widget=GovTextInput(), filters=[strip_text],
                              description="For answers shown in groups, for example "
                                          "Asian or Asian British")
    submit = SubmitField("Add answer", widget=GovSubmitInput())


def _policy_field(problem: Any) -> Any:
    def check(_form: Form, field: StringField) -> None:
        message = problem(field.data)
        if message:
            raise ValidationError(message)
    return check


class ContactCapForm(Form):
    max_contacts = StringField(
        "Most contacts per resident", widget=GovTextInput(), filters=[strip_text],
        description=f"A whole number from {contact_policy.MIN_CONTACTS} to "
                    f"{contact_policy.MAX_CONTACTS}. Invitations and reminders count.",
        validators=[_policy_field(contact_policy.max_contacts_problem)])
    days = StringField(
        "In any period of", widget=GovTextInput(), filters=[strip_text],
        description=f"A whole number of days from {contact_policy.MIN_DAYS} to "
                    f"{contact_policy.MAX_DAYS}",
        validators=[_policy_field(contact_policy.days_problem)])
    submit = SubmitField("Save limit", widget=GovSubmitInput())
