"""Sign-in throttling counts failures only, per account and address, per address, and per account
overall (a much higher ceiling), so a guesser at one address cannot lock the owner out from
another (SQLite and PostgreSQL; Redis too when TEST_REDIS_URL is set)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from core.models import Role
from tests.conftest import PASSWORD, csrf_token_from

START = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
OFFICER = "officer@example.org"


def attempt(app, password, *, email=OFFICER, address="10.0.0.1"):
    """One sign-in from ``address`` in a fresh browser."""
    client = app.test_client()
    token = csrf_token_from(client)
    return client.post("/sign-in", data={"email": email, "password": password,
                                         "csrf_token": token},
                       environ_base={"REMOTE_ADDR": address})


@pytest.fixture
def officer(make_user):
    return make_user(Role.OFFICER, email=OFFICER)


def test_a_guesser_at_one_address_does_not_lock_out_the_owner_at_another(app, officer):
    with time_machine.travel(START, tick=False):
        statuses = [attempt(app, "wrong guess", address="203.0.113.9").status_code
                    for _ in range(12)]
        assert 429 in statuses
        assert attempt(app, PASSWORD, address="198.51.100.7").status_code == 302


def test_successful_sign_ins_do_not_count(app, officer):
    with time_machine.travel(START, tick=False):
        for _ in range(25):  # a shared office signing in all morning
            assert attempt(app, PASSWORD).status_code == 302


def test_after_too_many_failures_even_the_right_password_waits(app, officer):
    with time_machine.travel(START, tick=False):
        statuses = [attempt(app, "wrong guess").status_code for _ in range(6)]
        assert statuses == [422] * 5 + [429]
        response = attempt(app, PASSWORD)
        assert response.status_code == 429  # not even checked: guessing gains nothing
        page = response.get_data(as_text=True)
        assert "Too many attempts" in page
        assert "Try again in 1 minute" in page
        assert response.headers["Retry-After"] == "60"


def test_the_wait_grows_with_more_failures(app, officer):
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(4):  # 5 a minute, 20 an hour
            for _ in range(5):
                assert attempt(app, "wrong guess").status_code == 422
            assert attempt(app, "wrong guess").status_code == 429
            clock.shift(timedelta(seconds=61))
        response = attempt(app, PASSWORD)
        assert response.status_code == 429
        assert "Try again in 56 minutes" in response.get_data(as_text=True)
        clock.shift(timedelta(minutes=57))
        assert attempt(app, PASSWORD).status_code == 302


def test_unknown_and_known_emails_are_throttled_alike(app, officer):
    with time_machine.travel(START, tick=False):
        for email in (OFFICER, "nobody@example.org"):
            statuses = [attempt(app, "wrong guess", email=email).status_code
                        for _ in range(6)]
            assert statuses == [422] * 5 + [429]


def test_one_address_guessing_many_accounts_is_throttled(app, make_user):
    app.config["SIGN_IN_FAILURES_PER_ADDRESS"] = "8 per minute"
    with time_machine.travel(START, tick=False):
        statuses = [attempt(app, "guess", email=f"person{n}@example.org").status_code
                    for n in range(9)]
        assert statuses == [422] * 8 + [429]
        # Another address is not affected.
        assert attempt(app, "guess", email="person1@example.org",
                       address="10.9.9.9").status_code == 422


def test_many_addresses_guessing_one_account_reach_the_overall_ceiling(app, officer):
    app.config["SIGN_IN_FAILURES_PER_ACCOUNT"] = "12 per hour"
    with time_machine.travel(START, tick=False):
        statuses = [attempt(app, "guess", address=f"10.0.{n}.1").status_code
                    for n in range(13)]
        assert statuses == [422] * 12 + [429]


def test_the_default_ceiling_is_far_above_what_one_address_can_reach(app):
    from limits import parse_many

    def most(key, seconds):
        return min((item.amount for item in parse_many(app.config[key])
                    if item.get_expiry() <= seconds), default=None)

    per_address_hour = most("SIGN_IN_FAILURES_PER_ADDRESS", 3600)
    per_account_hour = most("SIGN_IN_FAILURES_PER_ACCOUNT", 3600)
    assert per_account_hour >= 4 * per_address_hour


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"),
                    reason="set TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/0) to try Redis")
def test_throttling_works_with_redis(app, make_user):
    """The same rules with the counts in Redis (unique names: nothing else there is touched;
    the counts expire by themselves)."""
    import uuid

    from core.config import TestConfig
    from tests.conftest import FreshContextClient
    from wsgi import create_app

    redis_app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=app.config[
        "SQLALCHEMY_DATABASE_URI"], RATELIMIT_STORAGE_URI=os.environ["TEST_REDIS_URL"])
    redis_app.test_client_class = FreshContextClient
    run = uuid.uuid4().hex[:8]
    email = f"officer-{run}@example.org"
    make_user(Role.OFFICER, email=email)
    guesser, owner = f"10.{int(run[:2], 16)}.{int(run[2:4], 16)}.1", "10.255.255.254"
    try:
        statuses = [attempt(redis_app, "wrong guess", email=email, address=guesser).status_code
                    for _ in range(6)]
        assert statuses == [422] * 5 + [429]
        assert attempt(redis_app, PASSWORD, email=email, address=guesser).status_code == 429
        assert attempt(redis_app, PASSWORD, email=email, address=owner).status_code == 302
    finally:
        from core.extensions import db

        with redis_app.app_context():
            db.session.remove()
            db.engine.dispose()
