"""Who may see or act on a survey, its pages, questions and responses (``surveys.feature``
rules, asked through ``core.permissions``), and every officers' page that loads one asks."""

from __future__ import annotations

import ast

import pytest
from flask_login import AnonymousUserMixin

from core.extensions import db
from core.features import registry
from core.models import Role
from core.permissions import Rules, can_manage, can_view
from panel.engagements import Engagement, SpectrumLevel
from surveys.models import Question, Response, Section, Survey, SurveyState
from tests.conftest import PROJECT_ROOT, csrf_token_from


@pytest.fixture
def survey(app):
    survey = Survey(engagement=Engagement(title="Future of our libraries",
                                          level=SpectrumLevel.CONSULT, why="Why"),
                    title="Libraries survey")
    survey.sections = [Section(title="Your library", position=0, questions=[Question(
        survey=survey, key="q1", kind="short_text", position=0, text="Which library?")])]
    db.session.add(survey)
    db.session.add(Response(survey=survey))
    db.session.commit()
    return survey


def everything(survey: Survey) -> list[object]:
    section = survey.sections[0]
    return [survey, section, section.questions[0],
            db.session.query(Response).filter_by(survey_id=survey.id).one()]


@pytest.mark.parametrize("role", [Role.OFFICER, Role.ADMIN])
def test_officers_and_admins_see_and_act_on_a_survey_and_all_it_holds(make_user, survey,
                                                                      role):
    actor = make_user(role)
    for obj in everything(survey):
        assert can_view(actor, obj) and can_manage(actor, obj), obj


@pytest.mark.parametrize("role", [Role.ORGANISER, Role.RESIDENT])
def test_nobody_else_sees_a_survey_or_anything_it_holds(make_user, survey, role):
    actor = make_user(role)
    for obj in everything(survey):
        assert not can_view(actor, obj) and not can_manage(actor, obj), obj


def test_a_visitor_who_is_not_signed_in_sees_nothing(survey):
    for obj in everything(survey):
        assert not can_view(AnonymousUserMixin(), obj) and not can_view(None, obj)


def test_a_section_and_a_question_follow_their_surveys_rule(make_user, survey, monkeypatch):
    """One decision, for the survey: refuse it, and its pages and questions go with it."""
    monkeypatch.setitem(registry().permissions, Survey, Rules(
        view=lambda actor, _survey: True, manage=lambda actor, _survey: False))
    officer = make_user(Role.OFFICER)
    for obj in everything(survey):
        assert can_view(officer, obj) and not can_manage(officer, obj), obj


def test_an_officers_page_asks_the_rule_for_the_survey_it_loads(login, survey, monkeypatch):
    officer = login(Role.OFFICER)
    token = csrf_token_from(officer, f"/surveys/{survey.id}")
    monkeypatch.setitem(registry().permissions, Survey, Rules(
        view=lambda actor, _survey: True, manage=lambda actor, _survey: False))
    assert officer.get(f"/surveys/{survey.id}").status_code == 200  # seeing is allowed
    refused = officer.post(f"/surveys/{survey.id}/open", data={"csrf_token": token})
    assert refused.status_code == 403  # acting is not
    db.session.refresh(survey)
    assert survey.state == SurveyState.DRAFT
    monkeypatch.setitem(registry().permissions, Survey, Rules(view=lambda actor, _s: False))
    assert officer.get(f"/surveys/{survey.id}").status_code == 403
    assert officer.get(f"/surveys/{survey.id}/results").status_code == 403
    assert officer.get("/surveys").status_code == 200  # the list loads no one survey


def test_an_officers_page_asks_the_rule_for_the_question_it_loads(login, survey, monkeypatch):
    officer = login(Role.OFFICER)
    question = survey.sections[0].questions[0]
    url = f"/surveys/{survey.id}/questions/{question.id}/edit"
    assert officer.get(url).status_code == 200
    monkeypatch.setitem(registry().permissions, Question, Rules(view=lambda actor, _q: False))
    assert officer.get(url).status_code == 403
    assert officer.get(f"/surveys/{survey.id}").status_code == 200


LOADERS = {"survey_id": "load_survey", "section_id": "load_section",
           "question_id": "load_question", "job_id": "load_invitation_job"}


def test_every_officers_page_loads_what_its_address_names_through_the_loader():
    """A page with ``<int:survey_id>`` (or a section, question, job) in its address loads it
    with ``_load`` (404, then the permission rule), never by hand."""
    checked = 0
    for name in ("build", "run"):
        tree = ast.parse((PROJECT_ROOT / "surveys" / "views" / f"{name}.py").read_text())
        for view in (n for n in tree.body if isinstance(n, ast.FunctionDef)):
            routed = any(isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute)
                         and isinstance(d.func.value, ast.Name) and d.func.value.id == "bp"
                         for d in view.decorator_list)
            if not routed:
                continue
            called = {c.func.id for c in ast.walk(view)
                      if isinstance(c, ast.Call) and isinstance(c.func, ast.Name)}
            for arg in view.args.args:
                if arg.arg in LOADERS:
                    checked += 1
                    assert LOADERS[arg.arg] in called, f"{name}.{view.name}: {arg.arg}"
    assert checked >= 20
