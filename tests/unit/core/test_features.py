"""How a feature plugs into the host (core.features): what create_app refuses, and the order
in which it keeps what features declare. Real apps, built with small features made here."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Blueprint

import core
from core.config import TestConfig
from core.features import Feature, NavItem, Schedule, page_url, registry
from core.jobs.kinds import JobKind
from core.models import Role, User
from core.templating import navigation_for

bp = Blueprint("things", __name__)


@bp.get("/things")
def list_things() -> str:
    return "things"


@bp.get("/things/home")
def things_home() -> str:
    return "home"


@bp.get("/things/admin")
def things_admin() -> str:
    return "admin"


def _nothing(_job, _progress) -> dict:  # noqa: ANN001
    return {}


def account(role: Role) -> User:
    return User(id=1, role=role, is_active_account=True)


def app_with(*features: Feature):  # noqa: ANN201
    return core.create_app(TestConfig, features=features)


def test_a_feature_given_twice_is_refused():
    with pytest.raises(ValueError, match="'things' is registered twice"):
        app_with(Feature(name="things"), Feature(name="things"))


def test_a_feature_may_not_take_the_hosts_name():
    with pytest.raises(ValueError, match="'core' is registered twice"):
        app_with(Feature(name="core"))


def test_two_features_declaring_one_job_kind_are_refused():
    kind = JobKind("count-things", _nothing)
    with pytest.raises(ValueError, match="job kind 'count-things'"):
        app_with(Feature(name="a", job_kinds=(kind,)),
                 Feature(name="b", job_kinds=(JobKind("count-things", _nothing),)))


def test_two_features_declaring_one_scheduled_task_are_refused():
    def tidy() -> str:
        return "tidied"

    with pytest.raises(ValueError, match="scheduled task 'tidy'"):
        app_with(Feature(name="a", schedules=(Schedule("tidy", timedelta(hours=1), tidy),)),
                 Feature(name="b", schedules=(Schedule("tidy", timedelta(days=1), tidy),)))


def test_a_scheduled_task_name_fits_the_record_of_when_it_ran():
    def tidy() -> str:
        return "tidied"

    Schedule("t" * 40, timedelta(hours=1), tidy)
    for name in ("", "t" * 41):
        with pytest.raises(ValueError, match="1 to 40 characters"):
            Schedule(name, timedelta(hours=1), tidy)


def test_different_names_are_all_kept():
    def tidy() -> str:
        return "tidied"

    app = app_with(
        Feature(name="a", job_kinds=(JobKind("one", _nothing),),
                schedules=(Schedule("tidy-a", timedelta(hours=1), tidy),)),
        Feature(name="b", job_kinds=(JobKind("two", _nothing),),
                schedules=(Schedule("tidy-b", timedelta(hours=1), tidy),)))
    found = registry(app)
    assert list(found.job_kinds) == ["one", "two"]
    assert list(found.schedules) == ["tidy-a", "tidy-b"]
    assert [f.name for f in found.features] == ["core", "a", "b"]


def test_nav_is_ordered_by_position_then_by_the_order_given():
    officer = frozenset({Role.OFFICER})
    app = app_with(
        Feature(name="a", blueprints=(bp,), nav=(
            NavItem("Late", "things.list_things", officer, position=200),
            NavItem("First tie", "things.things_home", officer, position=50),
        )),
        Feature(name="b", nav=(
            NavItem("Second tie", "things.list_things", officer, position=50),
            NavItem("Early", "things.things_home", officer, position=5),
        )))
    texts = [item.text for item in registry(app).nav]
    # the host's own "Outbox" (position 90) sits among them by position
    assert texts == ["Early", "First tie", "Second tie", "Outbox", "Late"]


def test_nav_shows_each_role_only_its_own_entries():
    app = app_with(Feature(name="a", blueprints=(bp,), nav=(
        NavItem("For staff", "things.list_things", frozenset({Role.OFFICER}), position=1),
        NavItem("For admins", "things.things_admin", frozenset({Role.ADMIN}), position=2),
        NavItem("For everyone", "things.things_home", position=3),
    )))
    with app.test_request_context("/things"):
        def texts(role: Role) -> list[str]:
            return [item["text"] for item in navigation_for(account(role))]

        assert texts(Role.RESIDENT) == ["For everyone"]
        assert texts(Role.OFFICER) == ["For staff", "For everyone"]
        # an admin may do what staff may do, and sees the host's outbox too
        assert texts(Role.ADMIN) == ["For staff", "For admins", "For everyone", "Outbox"]
        active = [item for item in navigation_for(account(Role.OFFICER))
                  if item["active"]]
        assert [item["text"] for item in active] == ["For staff"]


def test_nav_is_empty_for_someone_not_signed_in():
    from flask_login import AnonymousUserMixin

    app = app_with(Feature(name="a", blueprints=(bp,),
                           nav=(NavItem("For everyone", "things.things_home"),)))
    with app.test_request_context("/"):
        assert navigation_for(AnonymousUserMixin()) == []


def test_page_url_is_the_site_root_when_no_feature_declares_the_page():
    app = app_with(Feature(name="a", blueprints=(bp,)))
    with app.test_request_context("/"):
        assert page_url("home") == "/"
        assert page_url("dashboard") == "/"


def test_page_url_keeps_the_root_of_an_app_mounted_under_a_prefix():
    app = app_with(Feature(name="a"))
    with app.test_request_context("/", base_url="http://example.org/panel/"):
        assert page_url("home") == "/panel/"


def test_page_url_is_the_first_feature_to_declare_the_page():
    app = app_with(Feature(name="a", blueprints=(bp,), pages={"home": "things.things_home"}),
                   Feature(name="b", pages={"home": "things.list_things",
                                            "dashboard": "things.things_admin"}))
    with app.test_request_context("/"):
        assert page_url("home") == "/things/home"
        assert page_url("dashboard") == "/things/admin"


def test_data_sections_and_erasers_are_collected_in_the_order_given():
    def section(name: str):  # noqa: ANN202
        return lambda resident: (name, [])

    calls: list[str] = []

    def eraser(name: str):  # noqa: ANN202
        return lambda resident: calls.append(name)

    s1, s2, s3 = section("one"), section("two"), section("three")
    e1, e2, e3 = eraser("one"), eraser("two"), eraser("three")
    app = app_with(Feature(name="a", data_sections=(s1, s2), erasers=(e1,)),
                   Feature(name="b"),
                   Feature(name="c", data_sections=(s3,), erasers=(e2, e3)))
    found = registry(app)
    assert found.data_sections == [s1, s2, s3]
    assert [run(None)[0] for run in found.data_sections] == ["one", "two", "three"]
    assert found.erasers == [e1, e2, e3]
    for erase in found.erasers:
        erase(None)
    assert calls == ["one", "two", "three"]


def test_a_features_blueprints_and_commands_are_registered():
    import click

    @click.command("count-things")
    def count_things() -> None:
        click.echo("3 things")

    app = app_with(Feature(name="a", blueprints=(bp,), cli=(count_things,)))
    assert "things" in app.blueprints
    assert app.test_client().get("/things").get_data(as_text=True) == "things"
    assert app.test_cli_runner().invoke(args=["count-things"]).output == "3 things\n"


def test_a_feature_declares_the_settings_it_reads_with_their_defaults(monkeypatch):
    from core.config import Env, EnvInt

    feature = Feature(name="a", settings={
        "THINGS_PER_PAGE": EnvInt("THINGS_PER_PAGE", 20), "THINGS_TITLE": "Things",
        "SERVICE_NAME": "Not the host's"})
    monkeypatch.delenv("THINGS_PER_PAGE", raising=False)
    app = app_with(feature)
    assert app.config["THINGS_PER_PAGE"] == 20 and app.config["THINGS_TITLE"] == "Things"
    assert app.config["SERVICE_NAME"] == "Civic Panel"  # the app's configuration wins
    monkeypatch.setenv("THINGS_PER_PAGE", "50")  # read when the app is made, not before
    assert app_with(feature).config["THINGS_PER_PAGE"] == 50
    given = core.create_app(TestConfig, features=[feature], THINGS_TITLE="Given")
    assert given.config["THINGS_TITLE"] == "Given"  # and so do create_app's overrides
    with pytest.raises(ValueError, match="setting 'THINGS_TITLE'"):
        app_with(feature, Feature(name="b", settings={"THINGS_TITLE": Env("T", "")}))


def test_an_app_without_features_has_only_the_hosts_pages():
    app = core.create_app(TestConfig)
    assert set(app.blueprints) == {"auth", "site", "outbox", "jobs"}
    assert app.test_client().get("/privacy").status_code == 200
