"""Configuration is read from the environment when an app is made (core.config.load, called
by create_app), never when the project is imported."""

from __future__ import annotations

import pytest

import core
from core.config import Config, DevelopmentConfig, Env, EnvBool, EnvInt, TestConfig, load
from wsgi import create_app


def test_a_variable_changed_after_import_reaches_the_next_app(monkeypatch):
    monkeypatch.setenv("COUNCIL_NAME", "Pendle Borough Council")
    monkeypatch.setenv("SMTP_PORT", "2525")
    app = create_app(TestConfig)
    assert app.config["COUNCIL_NAME"] == "Pendle Borough Council"
    assert app.config["SMTP_PORT"] == 2525
    assert "Pendle Borough Council" in app.test_client().get("/privacy").get_data(as_text=True)
    monkeypatch.setenv("COUNCIL_NAME", "Hyndburn Borough Council")
    assert create_app(TestConfig).config["COUNCIL_NAME"] == "Hyndburn Borough Council"
    assert app.config["COUNCIL_NAME"] == "Pendle Borough Council"  # an app keeps its own


def test_civic_panel_env_is_read_when_the_app_is_made(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    monkeypatch.setenv("CIVIC_PANEL_ENV", "development")
    app = core.create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["ENV_NAME"] == "development"
    assert app.config["SECRET_KEY"] == "dev-only-not-secret"
    assert app.config["SESSION_COOKIE_SECURE"] is False
    monkeypatch.setenv("CIVIC_PANEL_ENV", "production")
    with pytest.raises(RuntimeError, match="SECRET_KEY is not set"):
        core.create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    app = core.create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["ENV_NAME"] == "production"
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_a_mapping_and_keyword_overrides_win_over_the_environment(monkeypatch):
    monkeypatch.setenv("CIVIC_PANEL_ENV", "test")
    monkeypatch.setenv("SERVICE_NAME", "From the environment")
    app = core.create_app({"SERVICE_NAME": "From the mapping"})
    assert app.config["SERVICE_NAME"] == "From the mapping" and app.config["TESTING"] is True
    app = core.create_app(TestConfig, SERVICE_NAME="From a keyword")
    assert app.config["SERVICE_NAME"] == "From a keyword"


def test_the_test_config_keeps_its_fixed_values_whatever_the_environment(monkeypatch):
    """A developer's DATABASE_URL or SMTP_HOST never reaches a test app."""
    monkeypatch.setenv("DATABASE_URL", "postgresql://someone@production/panel")
    monkeypatch.setenv("SMTP_HOST", "smtp.example.org")
    monkeypatch.setenv("SECRET_KEY", "the real one")
    app = create_app(TestConfig)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite://"
    assert app.config["SMTP_HOST"] == ""
    assert app.config["SECRET_KEY"] == "test-secret-key"


def test_production_settings_from_the_environment_given():
    settings = Config.from_environment({
        "DATABASE_URL": "postgres://u@h/db", "SESSION_COOKIE_SECURE": "off", "PROXIES": "2",
        "SMTP_TIMEOUT": "2.5", "RATELIMIT_ENABLED": "no"})
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"
    assert settings["SESSION_COOKIE_SECURE"] is False
    assert settings["REMEMBER_COOKIE_SECURE"] is False  # follows the session cookie
    assert settings["PROXIES"] == 2 and settings["SMTP_TIMEOUT"] == 2.5
    assert settings["RATELIMIT_ENABLED"] is False


def test_production_defaults_with_an_empty_environment():
    settings = Config.from_environment({})
    assert settings["SECRET_KEY"] == ""
    assert settings["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert settings["SQLALCHEMY_DATABASE_URI"].endswith("instance/civic_panel.sqlite")
    assert settings["SESSION_COOKIE_SECURE"] is True and settings["PROXIES"] == 0
    assert settings["MAIL_SEND_AFTER_REQUEST"] is False
    assert not any(isinstance(value, Env) for value in settings.values())


def test_development_defaults_differ_where_a_demo_needs_them_to():
    settings = DevelopmentConfig.from_environment({})
    assert settings["SECRET_KEY"] == "dev-only-not-secret"
    assert settings["SESSION_COOKIE_SECURE"] is False
    assert settings["MAIL_SEND_AFTER_REQUEST"] is True
    assert settings["JOBS_RUN_AFTER_REQUEST"] is True


def test_load_picks_the_class_civic_panel_env_names():
    assert load(None, {"CIVIC_PANEL_ENV": "test"})["ENV_NAME"] == "test"
    assert load({}, {"CIVIC_PANEL_ENV": "development"})["ENV_NAME"] == "development"
    assert load(None, {})["ENV_NAME"] == "production"
    assert load(TestConfig, {"CIVIC_PANEL_ENV": "development"})["ENV_NAME"] == "test"


@pytest.mark.parametrize("given,expected", [
    (None, 8), ("", 8), ("12", 12)])
def test_a_number_left_empty_is_its_default(given, expected):
    environ = {} if given is None else {"N": given}
    assert EnvInt("N", 8).read(environ) == expected


@pytest.mark.parametrize("given", ["1", "true", "Yes", " on "])
def test_true_in_the_words_people_use(given):
    assert EnvBool("B", False).read({"B": given}) is True
    assert EnvBool("B", True).read({"B": "false"}) is False


def test_importing_the_configuration_reads_no_environment():
    """What runs at import (module and class bodies, not functions) never touches os.environ:
    a setting read there would be frozen at import again."""
    import ast
    import inspect

    from core import config

    def run_at_import(statements: list[ast.stmt]) -> list[ast.AST]:
        found: list[ast.AST] = []
        for statement in statements:
            if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if isinstance(statement, ast.ClassDef):
                found += run_at_import(statement.body)
            else:
                found += list(ast.walk(statement))
        return found

    nodes = run_at_import(ast.parse(inspect.getsource(config)).body)
    assert any(isinstance(node, ast.Call) for node in nodes)  # it does see the class bodies
    touched = [ast.unparse(node) for node in nodes
               if isinstance(node, ast.Attribute) and node.attr in {"environ", "getenv"}]
    assert touched == []
