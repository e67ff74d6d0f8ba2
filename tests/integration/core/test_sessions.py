"""Sessions end on the server: sign-out, a password, role or active change end every copy of a
session; idle and absolute timeouts (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from core.extensions import db
from core.models import Role
from tests.conftest import csrf_token_from
from tests.integration.session_helpers import copy_session, one_member_sample

START = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


@pytest.fixture
def sample(make_resident):
    return one_member_sample(make_resident(email="ada@example.org"))


def test_a_cookie_copied_before_sign_out_is_refused_after_it(app, make_user, sign_in, sample):
    officer = make_user(Role.OFFICER)
    client = sign_in(officer)
    url = f"/quota/samples/{sample.id}/members.csv"
    assert "ada@example.org" in client.get(url).get_data(as_text=True)
    thief = app.test_client()
    copy_session(client, thief)
    assert thief.get(url).status_code == 200
    client.post("/sign-out", data={"csrf_token": csrf_token_from(client, "/dashboard")})
    response = thief.get(url)
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize("change", ["role", "deactivate", "password"])
def test_changing_role_activity_or_password_ends_every_session(app, make_user, sign_in, sample,
                                                              change):
    officer = make_user(Role.OFFICER)
    client = sign_in(officer)
    url = f"/quota/samples/{sample.id}/members.csv"
    assert client.get(url).status_code == 200
    if change == "role":
        officer.role = Role.ORGANISER
    elif change == "deactivate":
        officer.is_active_account = False
    else:
        officer.set_password("a brand new long passphrase")
    db.session.commit()
    response = client.get(url)
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_an_unchanged_account_stays_signed_in(app, make_user, sign_in):
    officer = make_user(Role.OFFICER)
    client = sign_in(officer)
    officer.display_name = "Sam"
    officer.role = Role.OFFICER  # the same role again changes nothing
    db.session.commit()
    assert client.get("/dashboard").status_code == 200


@pytest.mark.parametrize("role,idle_minutes", [(Role.OFFICER, 30), (Role.RESIDENT, 120)])
def test_an_idle_session_ends(app, make_user, sign_in, role, idle_minutes):
    user = make_user(role)
    page = "/dashboard" if role == Role.OFFICER else "/account/my-data.json"
    if role == Role.RESIDENT:
        from panel.models import Resident

        db.session.add(Resident(user=user, first_name="Ada", last_name="Lovelace"))
        db.session.commit()
    with time_machine.travel(START, tick=False) as clock:
        client = sign_in(user)
        clock.shift(timedelta(minutes=idle_minutes - 1))
        assert client.get(page).status_code == 200  # still active: the idle clock restarts
        clock.shift(timedelta(minutes=idle_minutes - 1))
        assert client.get(page).status_code == 200
        clock.shift(timedelta(minutes=idle_minutes + 1))
        response = client.get(page)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
        followed = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "signed you out because you had not used the service" in followed


def test_the_idle_timeout_is_configurable(app, make_user, sign_in):
    app.config["IDLE_TIMEOUT_STAFF"] = 5 * 60
    with time_machine.travel(START, tick=False) as clock:
        client = sign_in(make_user(Role.OFFICER))
        clock.shift(timedelta(minutes=6))
        assert client.get("/dashboard").status_code == 302


def test_an_active_session_still_ends_after_the_absolute_lifetime(app, make_user, sign_in):
    with time_machine.travel(START, tick=False) as clock:
        client = sign_in(make_user(Role.OFFICER))
        for _ in range(17):  # every 29 minutes for 8 hours 13 minutes
            clock.shift(timedelta(minutes=29))
            status = client.get("/dashboard").status_code
        assert status == 302


@pytest.mark.parametrize("args", [
    ["users", "set-role", "--role", "organiser"],
    ["users", "deactivate"],
    ["users", "set-password", "--password", "a brand new long passphrase"],
])
def test_the_cli_changes_end_every_session_and_are_audited(app, make_user, sign_in, args):
    from sqlalchemy import select

    from core.models import AuditEvent

    officer = make_user(Role.OFFICER, email="sam@example.org")
    client = sign_in(officer)
    command = [*args[:2], "--email", "sam@example.org", *args[2:]]
    result = app.test_cli_runner().invoke(args=command)
    assert result.exit_code == 0, result.output
    assert client.get("/dashboard").status_code == 302
    assert db.session.scalar(select(AuditEvent.action).where(
        AuditEvent.object_id == officer.id, AuditEvent.action != "signed_in"))


def test_the_cli_refuses_a_weak_new_password(app, make_user):
    make_user(Role.OFFICER, email="sam@example.org")
    result = app.test_cli_runner().invoke(args=[
        "users", "set-password", "--email", "sam@example.org", "--password", "password1234"])
    assert result.exit_code != 0 and "too easy to guess" in result.output
