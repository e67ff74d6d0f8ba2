"""Housekeeping that features declare (core.scheduling), run by one cron line:
``flask schedule run`` runs each task that is due, once, and records when; ``flask schedule
list`` says how often each runs and when it last did. The clock is set for every step."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from flask import Flask

import core
from core.config import TestConfig
from core.extensions import db
from core.features import Feature, Schedule
from core.models import Setting
from core.scheduling import interval_in_words
from tests.conftest import BACKENDS, empty_all_tables

START = datetime(2027, 2, 3, 10, 0, tzinfo=UTC)
runs: list[str] = []


def task(name: str):  # noqa: ANN201
    def run() -> str:
        runs.append(name)
        return f"did {name} ({len(runs)} so far)"
    return run


HOURLY = Schedule("hourly-tidy", timedelta(hours=1), task("hourly"), "Tidy up every hour.")
DAILY = Schedule("daily-sweep", timedelta(days=1), task("daily"), "Sweep once a day.")
OTHER = Schedule("other-feature-task", timedelta(hours=1), task("other"))


def make_app(url: str, *features: Feature) -> Flask:
    return core.create_app(TestConfig, features=features, SQLALCHEMY_DATABASE_URI=url)


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, database_urls: dict[str, str]) -> str:
    return database_urls[request.param]


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    runs.clear()
    app = make_app(database_url, Feature(name="a", schedules=(HOURLY, DAILY)),
                   Feature(name="b", schedules=(OTHER,)))
    with app.app_context():
        yield app
        db.session.rollback()
        empty_all_tables()
        db.session.remove()
        db.engine.dispose()


def schedule(app: Flask, command: str, at: datetime) -> list[str]:
    with time_machine.travel(at, tick=False):
        result = app.test_cli_runner().invoke(args=["schedule", command])
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def last_run(name: str) -> str | None:
    db.session.expire_all()
    row = db.session.get(Setting, f"schedule:{name}:last_run")
    return row.value if row is not None else None


def test_the_first_run_does_every_task_in_the_order_declared_and_records_when(app):
    assert schedule(app, "run", START) == [
        "hourly-tidy: did hourly (1 so far)",
        "daily-sweep: did daily (2 so far)",
        "other-feature-task: did other (3 so far)",
    ]
    assert runs == ["hourly", "daily", "other"]
    for name in ("hourly-tidy", "daily-sweep", "other-feature-task"):
        assert last_run(name) == "2027-02-03T10:00:00"


def test_a_task_does_not_run_again_until_its_interval_has_passed(app):
    schedule(app, "run", START)
    runs.clear()
    assert schedule(app, "run", START + timedelta(minutes=5)) == ["Nothing was due."]
    assert schedule(app, "run", START + timedelta(minutes=59, seconds=59)) == [
        "Nothing was due."]
    assert runs == []
    # an hour on: the hourly tasks are due again, the daily one is not
    assert schedule(app, "run", START + timedelta(hours=1)) == [
        "hourly-tidy: did hourly (1 so far)", "other-feature-task: did other (2 so far)"]
    assert last_run("hourly-tidy") == "2027-02-03T11:00:00"
    assert last_run("daily-sweep") == "2027-02-03T10:00:00"
    runs.clear()
    assert schedule(app, "run", START + timedelta(hours=1, minutes=30)) == ["Nothing was due."]
    # a day on, every task is due once
    schedule(app, "run", START + timedelta(days=1))
    assert runs == ["hourly", "daily", "other"]
    assert schedule(app, "run", START + timedelta(days=1)) == ["Nothing was due."]


def test_a_late_run_counts_from_when_it_ran_not_from_when_it_was_due(app):
    schedule(app, "run", START)
    schedule(app, "run", START + timedelta(hours=3, minutes=20))  # cron was down for a while
    runs.clear()
    assert schedule(app, "run", START + timedelta(hours=4)) == ["Nothing was due."]
    schedule(app, "run", START + timedelta(hours=4, minutes=20))
    assert runs == ["hourly", "other"]


def test_the_record_is_in_the_database_so_another_app_sees_it(app, database_url):
    """cron starts a new process each time: what one run records, the next one reads."""
    schedule(app, "run", START)
    runs.clear()
    later = make_app(database_url, Feature(name="a", schedules=(HOURLY, DAILY)),
                     Feature(name="b", schedules=(OTHER,)))
    with later.app_context():
        assert schedule(later, "run", START + timedelta(minutes=30)) == ["Nothing was due."]
        db.session.remove()
        db.engine.dispose()
    assert runs == []


def test_list_says_how_often_each_task_runs_and_when_it_last_did(app):
    assert schedule(app, "list", START) == [
        "hourly-tidy: every hour, last ran never. Tidy up every hour.",
        "daily-sweep: every day, last ran never. Sweep once a day.",
        "other-feature-task: every hour, last ran never.",
    ]
    schedule(app, "run", START)
    runs.clear()
    listed = schedule(app, "list", START + timedelta(minutes=5))
    assert listed[0] == "hourly-tidy: every hour, last ran 3 Feb 2027 10:00. Tidy up every hour."
    assert runs == []  # listing runs nothing


def test_a_failing_task_is_undone_reported_and_tried_again_and_the_others_still_run(
        database_url, caplog):
    def broken() -> str:
        db.session.add(Setting(key="half-done", value=1))
        db.session.flush()
        raise RuntimeError("the disk is full")

    runs.clear()
    app = make_app(database_url, Feature(name="a", schedules=(
        Schedule("broken-task", timedelta(hours=1), broken), HOURLY)))
    with app.app_context():
        with time_machine.travel(START, tick=False):
            result = app.test_cli_runner().invoke(args=["schedule", "run"])
        assert result.exit_code == 1  # cron mails a failure
        assert result.output.splitlines() == [
            "broken-task: failed, and will be tried again on the next run (the log has the "
            "details)",
            "hourly-tidy: did hourly (1 so far)",
        ]
        assert "Scheduled task broken-task failed" in caplog.text
        assert "the disk is full" in caplog.text
        assert db.session.get(Setting, "half-done") is None  # its work was rolled back
        assert last_run("broken-task") is None and last_run("hourly-tidy") is not None
        with time_machine.travel(START + timedelta(minutes=5), tick=False):
            again = app.test_cli_runner().invoke(args=["schedule", "run"])
        assert again.output.startswith("broken-task: failed") and runs == ["hourly"]
        db.session.rollback()
        empty_all_tables()
        db.session.remove()
        db.engine.dispose()


def test_an_app_whose_features_declare_no_task(database_url):
    app = make_app(database_url, Feature(name="quiet"))
    with app.app_context():
        assert schedule(app, "run", START) == ["Nothing was due."]
        assert schedule(app, "list", START) == ["No feature declares a scheduled task."]
        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize(("every", "words"), [
    (timedelta(days=1), "day"), (timedelta(days=14), "2 weeks"), (timedelta(hours=6), "6 hours"),
    (timedelta(minutes=15), "15 minutes"), (timedelta(seconds=90), "90 seconds")])
def test_an_interval_is_said_as_a_person_would(every, words):
    assert interval_in_words(every) == words
