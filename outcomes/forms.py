"""The officer's forms for outcomes: the plan, the response, an action, an update, a bulk status
change. Plain-English messages beside each field; no database writes here."""

from __future__ import annotations

from typing import Any

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
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from core.forms import Form, strip_text
from outcomes.progress import ActionStatus
from panel.engagements import SpectrumLevel
from surveys.question_fields import WholeNumberField
from surveys.settings_form import OptionalDateField

TITLE, SHORT, LONG, LINK = 160, 200, 5000, 500


def _max(limit: int, what: str) -> Length:
    return Length(max=limit, message=f"{what} must be {limit:,} characters or fewer")


def _text(label: str, limit: int, what: str, **kwargs: Any) -> TextAreaField:
    return TextAreaField(label, widget=GovTextArea(), filters=[strip_text],
                         validators=[_max(limit, what)], **kwargs)


def _line(label: str, limit: int, what: str, **kwargs: Any) -> StringField:
    return StringField(label, widget=GovTextInput(), filters=[strip_text],
                       validators=[Optional(), _max(limit, what)], **kwargs)


class PlanForm(Form):
    title = StringField(
        "What is the engagement called?", widget=GovTextInput(), filters=[strip_text],
        description="Residents see this, for example Future of our libraries.",
        validators=[InputRequired(message="Enter what the engagement is called"),
                    _max(TITLE, "The name")])
    topic = _line("Topic (optional)", 80, "The topic",
                  description="For example Libraries. Engagements on the same topic are "
                              "listed together.")
    level = RadioField(
        "How much will residents' views shape the decision?", widget=GovRadioInput(),
        choices=[SelectChoice(level.value, f"{level.label}: {level.promise}")
                 for level in SpectrumLevel],
        validators=[InputRequired(message="Select how much residents' views will shape the "
                                          "decision")])
    why = _text("What is being decided, and why are you asking?", LONG, "This",
                description="Shown to residents from the day the engagement is announced.")
    starts_on = OptionalDateField("Opening date (optional)", what="The opening date",
                                  description="For example, 27 3 2027.")
    ends_on = OptionalDateField("Closing date (optional)", what="The closing date",
                                description="The last day residents can take part.")
    wards = SelectMultipleField(
        "Which wards does it affect?", widget=GovCheckboxesInput(), choices=[],
        description="Leave all unticked if it affects the whole borough.")
    decision_maker = _line("Who makes the decision?", SHORT, "Who decides",
                           description="For example, the Cabinet, or the Head of Libraries.")
    decision_due = _line("When will it be decided?", SHORT, "When it is decided",
                         description="A date or a meeting, for example Cabinet, 12 March "
                                     "2027.")
    can_change = _text("What can residents' views change?", LONG, "This")
    cannot_change = _text("What cannot change?", LONG, "This",
                          description="Fixed constraints: the law, a budget, a decision "
                                      "already made.")
    budget = _line("Budget (optional)", SHORT, "The budget")
    results_use = _text("How will the results be used?", LONG, "This")
    go_ahead = BooleanField(
        "I have looked at these engagements and still want to plan this one",
        widget=GovCheckboxInput())
    submit = SubmitField("Save the plan", widget=GovSubmitInput())

    def __init__(self, *args: Any, wards: list[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.wards.choices = [SelectChoice(code, name) for code, name in wards]

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.starts_on.data and self.ends_on.data and self.ends_on.data < self.starts_on.data:
            self.ends_on.errors.append("The closing date must be on or after the opening date")
            valid = False
        return valid

    def plan(self) -> dict[str, Any]:
        return {"title": self.title.data, "topic": self.topic.data or "",
                "level": SpectrumLevel(self.level.data), "why": self.why.data or "",
                "starts_on": self.starts_on.data, "ends_on": self.ends_on.data,
                "ward_codes": list(self.wards.data or []),
                "decision_maker": self.decision_maker.data or "",
                "decision_due": self.decision_due.data or "",
                "can_change": self.can_change.data or "",
                "cannot_change": self.cannot_change.data or "",
                "budget": self.budget.data or "", "results_use": self.results_use.data or ""}


class ResponseForm(Form):
    summary = _text("You said: a summary of what residents told us", LONG, "The summary",
                    description="Plain English. Leave a blank line between paragraphs.")
    decision = _text("We did: what the council decided (optional until it has)", LONG,
                     "The decision")
    decision_link = _line("Link to the council decision (optional)", LINK, "The link",
                          description="For example, the minutes or the decision notice.")
    change_note = _line("What changed in this version?", 300, "What changed",
                        description="Needed when a response is already published: "
                                    "residents see it beside the new version.")
    questions = SelectMultipleField("Survey questions to publish as charts and tables",
                                    widget=GovCheckboxesInput(), choices=[])
    weighted = SelectMultipleField(
        "Show these weighted to the borough", widget=GovCheckboxesInput(), choices=[],
        description="Weighting corrects for who answered, using the population targets.")
    save = SubmitField("Save the draft", widget=GovSubmitInput())
    preview = SubmitField("Save and preview", widget=GovSubmitInput())

    def __init__(self, *args: Any, questions: list[tuple[int, str]] = (),
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [SelectChoice(str(qid), text) for qid, text in questions]
        self.questions.choices = choices
        self.weighted.choices = list(choices)

    def chosen(self) -> tuple[dict[str, Any], ...]:
        weighted = set(self.weighted.data or [])
        return tuple({"question_id": int(q), "weighted": q in weighted}
                     for q in self.questions.data or [])


STATUS_CHOICES = [SelectChoice(status.value, status.label) for status in ActionStatus]


class ActionForm(Form):
    title = StringField("What will the council do?", widget=GovTextInput(),
                        filters=[strip_text],
                        validators=[InputRequired(message="Enter what the council will do"),
                                    _max(SHORT, "This")])
    owner = StringField("Which service owns it?", widget=GovTextInput(), filters=[strip_text],
                        description="For example, Libraries service.",
                        validators=[InputRequired(message="Enter the service that owns this "
                                                          "action"), _max(120, "The service")])
    description = _text("More detail (optional)", LONG, "The detail")
    target_date = OptionalDateField("Target date (optional)", what="The target date",
                                    description="For example, 31 3 2027.")
    parent = SelectField("Part of another action? (optional)", widget=GovSelect(), default="",
                         choices=[], validate_choice=False)
    weight = WholeNumberField(
        "Weight within that action", widget=GovTextInput(), default=1,
        invalid="Enter the weight as a whole number, like 1",
        description="How much this part counts towards the larger action's progress.",
        validators=[Optional(), NumberRange(min=1, max=100, message="The weight must be "
                                                                    "between 1 and 100")])
    submit = SubmitField("Add the action", widget=GovSubmitInput())

    def __init__(self, *args: Any, parents: list[tuple[int, str]] = (),
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.parent.choices = [SelectChoice("", "No, it stands alone"),
                               *(SelectChoice(str(i), t) for i, t in parents)]

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.parent.data not in {c.value for c in self.parent.choices}:
            self.parent.errors.append("Choose an action from the list")
            valid = False
        return valid


class UpdateForm(Form):
    status = RadioField("Status", widget=GovRadioInput(), choices=STATUS_CHOICES,
                        validators=[InputRequired(message="Select the status")])
    progress = WholeNumberField(
        "Progress, per cent (optional)", widget=GovTextInput(),
        invalid="Enter the progress as a whole number from 0 to 99, like 40",
        description="Leave empty for the status's usual figure (planned 0, in progress 50).",
        validators=[Optional(), NumberRange(min=0, max=99, message="Progress must be between "
                                                                   "0 and 99 (done is 100)")])
    target_date = OptionalDateField("New target date (optional)", what="The target date")
    note = _text("What happened (shown on the timeline)", 2000, "The note")
    reason = _text("Why it is not taken forward", LONG, "The reason",
                   description="Needed when the status is Not taken forward.")
    decision_link = _line("Link to the council decision", LINK, "The link",
                          description="Needed when the status is Not taken forward.")
    save = SubmitField("Save as a draft", widget=GovSubmitInput())
    publish = SubmitField("Publish the update", widget=GovSubmitInput())


class BulkStatusForm(Form):
    actions = SelectMultipleField("Actions to change", widget=GovCheckboxesInput(), choices=[],
                                  validators=[InputRequired(message="Choose at least one "
                                                                    "action")])
    status = SelectField("New status", widget=GovSelect(), choices=STATUS_CHOICES,
                         validators=[InputRequired(message="Select the new status")])
    note = _text("What happened (shown on each timeline)", 2000, "The note")
    reason = _text("Why they are not taken forward (if so)", LONG, "The reason")
    decision_link = _line("Link to the council decision (if not taken forward)", LINK,
                          "The link")
    submit = SubmitField("Publish the new status", widget=GovSubmitInput())

    def __init__(self, *args: Any, actions: list[tuple[int, str]] = (),
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actions.choices = [SelectChoice(str(i), t) for i, t in actions]
