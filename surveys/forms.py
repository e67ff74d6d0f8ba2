"""Forms for building surveys: plain-English messages, GOV.UK widgets. No database writes."""

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
from panel.engagements import SpectrumLevel
from surveys.display_logic import CONDITION_KINDS, labels, name_of
from surveys.models import Audience, Question, ResponseMode
from surveys.question_fields import WholeNumberField
from surveys.question_types import TYPES

TITLE_LIMIT, TEXT_LIMIT, LONG_LIMIT = 160, 500, 5000
CHOICE_KINDS = ("single", "multiple", "ranking")


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class SurveyForm(Form):
    engagement_title = StringField(
        "What is the engagement called?", widget=GovTextInput(), filters=[strip_text],
        description="Residents see this, for example Future of our libraries.",
        validators=[InputRequired(message="Enter what the engagement is called"),
                    Length(max=TITLE_LIMIT, message=f"The name must be {TITLE_LIMIT} "
                                                    "characters or fewer")])
    topic = StringField("Topic (optional)", widget=GovTextInput(), filters=[strip_text],
                        description="For example Libraries, Parks or Housing.",
                        validators=[Length(max=80, message="The topic must be 80 characters "
                                                           "or fewer")])
    level = RadioField(
        "How much will residents' views shape the decision?", widget=GovRadioInput(),
        choices=[SelectChoice(level.value, f"{level.label}: {level.promise}")
                 for level in SpectrumLevel if level != SpectrumLevel.INFORM],
        validators=[InputRequired(message="Select how much residents' views will shape the "
                                          "decision")])
    why = TextAreaField(
        "Why are you asking?", widget=GovTextArea(), filters=[strip_text],
        description="Shown to residents before they start: what the council is deciding, and "
                    "when.",
        validators=[InputRequired(message="Say why you are asking residents"),
                    Length(max=LONG_LIMIT, message=f"This must be {LONG_LIMIT:,} characters "
                                                   "or fewer")])
    title = StringField(
        "Survey title", widget=GovTextInput(), filters=[strip_text],
        validators=[InputRequired(message="Enter a title for the survey"),
                    Length(max=TITLE_LIMIT, message=f"The title must be {TITLE_LIMIT} "
                                                    "characters or fewer")])
    audience = RadioField(
        "Who will you ask?", widget=GovRadioInput(),
        choices=[SelectChoice(a.value, a.label) for a in Audience],
        validators=[InputRequired(message="Select who you will ask")])
    sample = SelectField("Which sample? (for a quota sample)", widget=GovSelect(), default="",
                         validate_choice=False,  # checked below, only for a quota sample
                         description="Draw one first on the Samples page if you need to.")
    submit = SubmitField("Create the survey", widget=GovSubmitInput())

    def __init__(self, *args: Any, samples: list[tuple[int, str]] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.sample.choices = [SelectChoice("", "Choose a sample"),
                               *(SelectChoice(str(i), name) for i, name in samples)]

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        offered = {choice.value for choice in self.sample.choices if choice.value}
        if self.audience.data == Audience.SAMPLE.value and self.sample.data not in offered:
            self.sample.errors.append("Choose the sample to invite")
            valid = False
        return valid


class SectionForm(Form):
    section_title = StringField(
        "Section title", widget=GovTextInput(), filters=[strip_text],
        description="Each section is a page of the survey.",
        validators=[InputRequired(message="Enter a title for the section"),
                    Length(max=TITLE_LIMIT, message=f"The title must be {TITLE_LIMIT} "
                                                    "characters or fewer")])
    add_section = SubmitField("Add the section", widget=GovSubmitInput())


class QuestionForm(Form):
    kind = RadioField("Type of question", widget=GovRadioInput(),
                      choices=[SelectChoice(kind, t.label) for kind, t in TYPES.items()],
                      validators=[InputRequired(message="Select the type of question")])
    text = TextAreaField(
        "Question", widget=GovTextArea(), filters=[strip_text],
        validators=[InputRequired(message="Enter the question"),
                    Length(max=TEXT_LIMIT, message=f"The question must be {TEXT_LIMIT} "
                                                   "characters or fewer")])
    hint = TextAreaField("Hint (optional)", widget=GovTextArea(), filters=[strip_text],
                         validators=[Length(max=TEXT_LIMIT, message=f"The hint must be "
                                                                    f"{TEXT_LIMIT} characters "
                                                                    "or fewer")])
    options = TextAreaField(
        "Answers to choose from, one per line", widget=GovTextArea(), filters=[strip_text],
        description="Each line is one answer.")
    statements = TextAreaField(
        "Statements, one per line", widget=GovTextArea(), filters=[strip_text],
        description="Each line is one statement, answered on the agree–disagree scale.")
    other = BooleanField("Offer “Other (please say)”", widget=GovCheckboxInput())
    required = BooleanField("Residents must answer this question", widget=GovCheckboxInput())
    max_choices = WholeNumberField(
        "Most answers a resident can choose (optional)", widget=GovTextInput(),
        validators=[Optional(), NumberRange(min=1, message="Enter a whole number, 1 or more")])
    minimum = WholeNumberField("Smallest number allowed (optional)", widget=GovTextInput(),
                               validators=[Optional()])
    maximum = WholeNumberField("Largest number allowed (optional)", widget=GovTextInput(),
                               validators=[Optional()])
    save = SubmitField("Save the question", widget=GovSubmitInput())
    # each type's one-line description, under its radio (merged by position)
    kind_items = [{"hint": {"text": t.description}} for t in TYPES.values()]

    @property
    def settings(self) -> tuple[str, ...]:
        """The fields of the chosen type (none until a type is chosen)."""
        chosen = TYPES.get(self.kind.data or "")
        return chosen.settings if chosen else ()

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        kind = self.kind.data
        options, statements = _lines(self.options.data), _lines(self.statements.data)
        if kind in CHOICE_KINDS and len(options) < 2:
            self.options.errors.append("Enter at least two answers, one per line")
            valid = False
        if len(set(map(str.casefold, options))) < len(options):
            self.options.errors.append("Each answer must be different")
            valid = False
        if kind == "matrix" and not statements:
            self.statements.errors.append("Enter at least one statement")
            valid = False
        if (kind == "multiple" and self.max_choices.data
                and self.max_choices.data > len(options) + bool(self.other.data)):
            self.max_choices.errors.append("This is more than the number of answers")
            valid = False
        if (kind == "number" and self.minimum.data is not None
                and self.maximum.data is not None and self.minimum.data > self.maximum.data):
            self.maximum.errors.append("The largest number must be at least the smallest")
            valid = False
        if any(len(line) > TEXT_LIMIT for line in options + statements):
            (self.options if any(len(o) > TEXT_LIMIT for o in options)
             else self.statements).errors.append(f"Each line must be {TEXT_LIMIT} characters "
                                                 "or fewer")
            valid = False
        return valid

    @property
    def option_lines(self) -> list[str]:
        return _lines(self.options.data)

    @property
    def statement_lines(self) -> list[str]:
        return _lines(self.statements.data)


EVERYONE = ""


def section_form(earlier: list[Question], show_if: dict | None) -> Any:
    """The page's title and its display logic: tick answers to one earlier question to show
    the page only to people who gave one of them (no ticks: always shown)."""
    conditions = [q for q in earlier if q.kind in CONDITION_KINDS]
    fields: dict[str, Any] = {
        "section_title": SectionForm.section_title,
        "intro": TextAreaField("Introduction (optional)", widget=GovTextArea(),
                               filters=[strip_text],
                               validators=[Length(max=LONG_LIMIT, message="The introduction "
                                                  f"must be {LONG_LIMIT:,} characters or fewer")]),
        "save": SubmitField("Save the page", widget=GovSubmitInput()),
    }
    for question in conditions:
        spec = question.spec()
        fields[f"when_{question.key}"] = SelectMultipleField(
            f"Show this page only if “{question.text}” is answered", widget=GovCheckboxesInput(),
            choices=[SelectChoice(v, label) for v, label in TYPES[spec.kind].categories(spec)])

    def validate(form: Any, extra_validators: Any = None) -> bool:
        valid = Form.validate(form, extra_validators)
        ticked = [q for q in conditions if form[f"when_{q.key}"].data]
        if len(ticked) > 1:
            form[f"when_{ticked[1].key}"].errors.append(
                "Choose answers to one question only: a page can depend on one question")
            valid = False
        return valid

    def condition(form: Any) -> dict | None:
        ticked = [q for q in conditions if form[f"when_{q.key}"].data]
        return ({"question": ticked[0].key, "in": list(form[f"when_{ticked[0].key}"].data)}
                if ticked else None)

    fields["validate"] = validate
    fields["condition"] = condition
    fields["conditions"] = conditions
    cls = type("SectionSettingsForm", (Form,), fields)
    data = {}
    if show_if:
        data[f"when_{show_if['question']}"] = show_if.get("in", [])
    return cls(data=data)  # a POST's own data take precedence


class _QuestionWithLogic(QuestionForm):
    """A question form with "Who sees this question?": everyone, or the people who gave one
    of the ticked answers to one earlier question (its answers revealed under its radio)."""

    conditions: list[Question] = []

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        chosen = self.show_if_question.data or EVERYONE
        if chosen not in {EVERYONE, *(q.key for q in self.conditions)}:
            self.show_if_question.errors.append("Select who sees this question")
            return False
        if chosen != EVERYONE and not self[f"when_{chosen}"].data:
            source = next(q for q in self.conditions if q.key == chosen)
            self[f"when_{chosen}"].errors.append(
                f"Select at least one answer to {name_of(source)} that shows this question")
            valid = False
        return valid

    def condition(self) -> dict | None:
        chosen = self.show_if_question.data or EVERYONE
        if chosen == EVERYONE:
            return None
        return {"question": chosen, "in": list(self[f"when_{chosen}"].data)}


def question_form(earlier: list[Question], show_if: dict | None = None, *,
                  data: dict[str, Any] | None = None, prefix: str = "") -> QuestionForm:
    """The question form, with display logic on ``earlier`` choice questions (earlier pages).

    ``data`` fills a GET (the question as stored); a POST's own data take precedence."""
    conditions = [q for q in earlier if q.kind in CONDITION_KINDS]
    fields: dict[str, Any] = {"conditions": conditions, "show_if_question": RadioField(
        "Who sees this question?", widget=GovRadioInput(), default=EVERYONE,
        validate_choice=False,  # checked in validate(), with a plain-English message
        description="To show it only to some people, choose an earlier question and tick "
                    "the answers that lead to it.",
        choices=[SelectChoice(EVERYONE, "Everyone"),
                 *(SelectChoice(q.key, f"Only people who gave certain answers to {name_of(q)}")
                   for q in conditions)])}
    for question in conditions:
        fields[f"when_{question.key}"] = SelectMultipleField(
            f"Answers to {name_of(question)} that show this question",
            widget=GovCheckboxesInput(),
            choices=[SelectChoice(v, label) for v, label in labels(question).items()])
    cls = type("QuestionSettingsForm", (_QuestionWithLogic,), fields)
    data = dict(data or {})
    if show_if:
        data["show_if_question"] = show_if["question"]
        data[f"when_{show_if['question']}"] = show_if.get("in", [])
    return cls(data=data or None, prefix=prefix)


class EnteredResponseForm(Form):
    """The base of the form for keying in a response: how it was given (then the questions)."""

    mode = RadioField("How was this response given?", widget=GovRadioInput(),
                      choices=[SelectChoice(m.value, m.label) for m in ResponseMode
                               if m != ResponseMode.ONLINE],
                      validators=[InputRequired(message="Select how the response was given")])
