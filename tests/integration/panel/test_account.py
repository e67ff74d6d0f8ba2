"""Joining, verifying, profile and consent rules, data rights (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import inspect, select, text

from core.extensions import db
from core.models import AuditEvent, Message, User, utcnow
from panel import joining
from panel.demo import install_dimensions, ward_dimension
from panel.models import (
    Category,
    ConsentKind,
    Dimension,
    PostcodeWard,
    ProfileAnswer,
    Resident,
    ResidentStatus,
)
from panel.reference_data import load_burnley_wards, load_default_dimensions
from tests.conftest import csrf_token_from

PASSWORD = "a long enough password"


@pytest.fixture
def schema(app):
    """The default profile questions and Burnley's wards; BB11 2DL is in Trinity."""
    install_dimensions([*load_default_dimensions(), ward_dimension(load_burnley_wards())])
    trinity = db.session.scalar(select(Category).join(Dimension).where(
        Dimension.key == "ward", Category.label == "Trinity (Burnley)"))
    db.session.add(PostcodeWard(postcode="BB112DL", ward_id=trinity.id))
    db.session.commit()
    return app


def join_data(client, **overrides):
    data = {"csrf_token": csrf_token_from(client, "/join"), "first_name": "Ada",
            "last_name": "Lovelace", "email": "ada@example.org", "password": PASSWORD,
            "address_line": "12 Colne Road", "postcode": "bb11 2dl", "ward": "",
            "year_of_birth": "1990", "membership_consent": "y",
            "special_category_consent": "y", "interested_in_events": "y"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def join(client, **overrides):
    """Join, then sign in as the new member (joining itself signs nobody in)."""
    data = join_data(client, **overrides)
    response = client.post("/join", data=data)
    if response.status_code == 302:
        client.post("/sign-in", data={"email": data["email"], "password": data["password"],
                                      "csrf_token": csrf_token_from(client)})
    return response


def answers_of(email):
    resident = db.session.scalar(select(Resident).join(User).where(User.email == email))
    db.session.refresh(resident)
    return {a.dimension.key: a.category.key for a in resident.answers}


def test_joining_creates_an_unverified_member_with_consents_and_sends_a_link(schema, client):
    response = join(client)
    assert response.status_code == 302
    assert response.headers["Location"] == "/join/check-your-email"
    resident = db.session.scalar(select(Resident))
    assert resident.user.verified_at is None and resident.postcode == "BB11 2DL"
    assert {(c.kind, c.granted) for c in resident.consents} == {
        (ConsentKind.MEMBERSHIP, True), (ConsentKind.SPECIAL_CATEGORY, True)}
    assert all(c.privacy_notice_version == "2026-11" for c in resident.consents)
    assert answers_of("ada@example.org") == {"ward": "E05005163", "age_band": "35_44"}
    message = db.session.scalar(select(Message))
    assert message.to_address == "ada@example.org"
    link = re.search(r"http://127.0.0.1:5000(/verify-email/\S+)", message.body_text).group(1)
    assert client.get(link).headers["Location"] == "/account/profile"
    db.session.refresh(resident.user)
    assert resident.user.verified_at is not None


@pytest.mark.parametrize("overrides,field,message", [
    ({"membership_consent": None}, "membership_consent", "You must agree to join the panel"),
    ({"email": "nope"}, "email", "Enter an email address in the correct format"),
    ({"password": "short"}, "password", "Your password must be at least 12 characters"),
    ({"postcode": "12345"}, "postcode", "Enter a real postcode"),
    pytest.param({"year_of_birth": "2020"}, "year_of_birth", "You must be 16 or older",
                 marks=pytest.mark.clock("2027-02-03 10:00")),  # 2020 is 16 in 2036
    ({"year_of_birth": "19x0"}, "year_of_birth", "as 4 numbers"),
    ({"postcode": "BB10 9ZZ"}, "ward", "We do not recognise the postcode BB10 9ZZ as one in"),
])
def test_join_errors_are_shown_next_to_the_field(schema, client, overrides, field, message):
    response = join(client, **overrides)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and page.count(message) == 2  # summary + field
    assert f'href="#{field}' in page
    assert db.session.scalar(select(Resident)) is None  # nothing written


def test_ward_can_be_chosen_when_the_postcode_is_unknown(schema, client):
    assert join(client, postcode="BB10 9ZZ", ward="E05005150").status_code == 302
    assert answers_of("ada@example.org")["ward"] == "E05005150"


@pytest.mark.parametrize("ward", ["a\x00b", "9" * 30, "E05999999"])
def test_a_ward_that_is_not_offered_is_named_next_to_the_field(schema, client, ward):
    response = join(client, postcode="BB10 9ZZ", ward=ward)
    assert response.status_code == 422
    assert response.get_data(as_text=True).count("Select the ward you live in") == 2
    assert db.session.scalar(select(Resident)) is None


def test_a_second_account_with_the_same_email_is_not_made(schema, client, app):
    join(client)
    other = app.test_client()
    response = other.post("/join", data=join_data(other, email="ADA@example.org",
                                                   first_name="Eve"))
    assert response.status_code == 302  # as for anyone joining (see test_join_privacy.py)
    assert [r.first_name for r in db.session.scalars(select(Resident))] == ["Ada"]


def test_special_category_answers_need_explicit_consent(schema, client):
    join(client, special_category_consent=None)
    form = client.get("/account/profile").get_data(as_text=True)
    assert "What is your ethnic group?" not in form and 'name="sex"' in form
    token = csrf_token_from(client, "/account/profile")
    client.post("/account/profile", data={"csrf_token": token, "sex": "female",
                                          "ethnic_group": "white_irish", "religion": "christian"})
    assert answers_of("ada@example.org") == {"ward": "E05005163", "age_band": "35_44",
                                             "sex": "female"}
    assert client.get("/account/profile/ethnic_group").status_code == 404


def test_withdrawing_special_consent_deletes_those_answers(schema, client):
    join(client)
    token = csrf_token_from(client, "/account/profile")
    client.post("/account/profile", data={
        "csrf_token": token, "sex": "male", "ethnic_group": "asian_pakistani",
        "religion": "muslim", "disability_condition": "yes", "disability_reduced": "a_little"})
    assert answers_of("ada@example.org")["disability"] == "disabled"
    client.post("/account/special-category-consent",
                data={"csrf_token": token, "granted": "no"})
    assert set(answers_of("ada@example.org")) == {"ward", "age_band", "sex"}
    resident = db.session.scalar(select(Resident))
    db.session.refresh(resident)
    assert not resident.has_consent(ConsentKind.SPECIAL_CATEGORY)
    assert len(resident.consents) == 3  # the history is kept


def test_every_question_offers_prefer_not_to_say(schema, client):
    join(client)
    page = client.get("/account/profile").get_data(as_text=True)
    groups = re.findall(r'<fieldset class="govuk-fieldset"', page)
    assert len(groups) == page.count('value="prefer_not_to_say"') >= 8


def test_one_answer_changes_in_place_with_htmx(schema, client):
    join(client)
    token = csrf_token_from(client, "/account")
    fragment = client.get("/account/profile/tenure", headers={"HX-Request": "true"})
    assert fragment.get_data(as_text=True).lstrip().startswith("<form")
    saved = client.post("/account/profile/tenure", data={"csrf_token": token,
                                                         "tenure": "owns_outright"},
                        headers={"HX-Request": "true"})
    assert saved.headers["HX-Retarget"] == "#profile-tenure"
    assert 'id="profile-tenure"' in saved.get_data(as_text=True)
    assert "Owns outright" in saved.get_data(as_text=True) or "outright" in saved.get_data(
        as_text=True)
    bad = client.post("/account/profile/tenure", data={"csrf_token": token, "tenure": "castle"},
                      headers={"HX-Request": "true"})
    assert bad.status_code == 422 and "Select one of the options for tenure" in bad.get_data(
        as_text=True)
    assert answers_of("ada@example.org")["tenure"] == "owns_outright"  # nothing lost


def test_contact_preferences_need_one_way_and_a_number_for_phone(schema, client):
    join(client)
    token = csrf_token_from(client, "/account/contact")
    response = client.post("/account/contact", data={"csrf_token": token})
    assert response.status_code == 422
    assert "Choose at least one way for us to contact you" in response.get_data(as_text=True)
    response = client.post("/account/contact", data={"csrf_token": token, "by_phone": "y"})
    assert "Enter a phone number, or untick Phone" in response.get_data(as_text=True)
    client.post("/account/contact", data={"csrf_token": token, "by_post": "y",
                                          "by_phone": "y", "phone": "01282 425011"})
    resident = db.session.scalar(select(Resident))
    db.session.refresh(resident)
    assert (resident.contact_by_email, resident.contact_by_post, resident.phone) == (
        False, True, "01282 425011")


@pytest.mark.clock("2027-02-03 10:00")
def test_pause_resume_and_withdraw(schema, client):
    join(client)
    token = csrf_token_from(client, "/account/pause")
    past = client.post("/account/pause", data={"csrf_token": token,
                                                "until": ["1", "1", "2020"]})
    assert "must be in the future" in past.get_data(as_text=True)
    broken = client.post("/account/pause", data={"csrf_token": token, "until-day": "1"})
    assert broken.status_code == 422
    assert "Enter the date you want us to contact you again" in broken.get_data(as_text=True)
    until = date(2027, 4, 4)  # 60 days on
    client.post("/account/pause", data={"csrf_token": token, "until": [
        str(until.day), str(until.month), str(until.year)]})
    resident = db.session.scalar(select(Resident))
    db.session.refresh(resident)
    assert resident.status == ResidentStatus.PAUSED and resident.paused_until.date() == until
    client.post("/account/resume", data={"csrf_token": token})
    db.session.refresh(resident)
    assert resident.status == ResidentStatus.ACTIVE
    client.post("/account/withdraw", data={"csrf_token": token, "confirm": "y"})
    db.session.refresh(resident)
    assert resident.status == ResidentStatus.WITHDRAWN
    assert not resident.has_consent(ConsentKind.MEMBERSHIP)


def test_download_my_data_as_json_and_csv(schema, client):
    join(client)
    data = json.loads(client.get("/account/my-data.json").get_data(as_text=True))
    assert data["details"][0]["email"] == "ada@example.org"
    assert {row["question"] for row in data["profile"]} == {"Age", "Ward"}
    assert len(data["consents"]) == 2
    csv_text = client.get("/account/my-data.csv").get_data(as_text=True)
    assert csv_text.startswith("section,row,field,value")
    assert "details,1,email,ada@example.org" in csv_text


def test_erasure_leaves_no_personal_data_in_any_table(schema, client):
    join(client, first_name="Zebedee", last_name="Quartermain", email="zq@example.org",
         address_line="7 Uniqueplace Street")
    token = csrf_token_from(client, "/account/erase")
    response = client.post("/account/erase", data={"csrf_token": token, "confirm": "y"})
    assert response.headers["Location"] == "/account/erased"
    needles = ("zq@example.org", "Zebedee", "Quartermain", "Uniqueplace", "BB11 2DL")
    for table in inspect(db.engine).get_table_names():
        rows = db.session.execute(text(f'SELECT * FROM "{table}"')).all()  # noqa: S608
        dump = repr(rows)
        for needle in needles:
            assert needle not in dump, f"{needle} left in {table}"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "resident_erased"))
    assert event is not None and event.actor_id is None
    assert client.get("/account").status_code == 302  # signed out


def test_a_resident_only_ever_sees_their_own_account(schema, client, app):
    join(client)
    other = app.test_client()
    join(other, email="bob@example.org", first_name="Bob")
    page = other.get("/account").get_data(as_text=True)
    assert "bob@example.org" in page and "ada@example.org" not in page
    mine = json.loads(other.get("/account/my-data.json").get_data(as_text=True))
    assert mine["details"][0]["email"] == "bob@example.org"


def test_staff_have_no_panel_account_pages(schema, login):
    from core.models import Role

    assert login(Role.OFFICER).get("/account").status_code == 403


def test_unverified_sign_ups_expire(schema, client):
    join(client)
    assert joining.expire_unverified(timedelta(days=7)) == 0
    removed = joining.expire_unverified(timedelta(days=7), now=utcnow() + timedelta(days=8))
    assert removed == 1
    assert db.session.scalar(select(User)) is None
    assert db.session.scalar(select(ProfileAnswer)) is None


def test_expired_or_tampered_links_get_a_clear_page(schema, client):
    join(client)
    response = client.get("/verify-email/not-a-token")
    assert response.status_code == 400
    assert "This link is not valid" in response.get_data(as_text=True)


def test_expire_unverified_command_runs_from_the_cli(schema, client, app):
    join(client)
    result = app.test_cli_runner().invoke(args=["panel", "expire-unverified", "--days", "7"])
    assert result.exit_code == 0 and "Erased 0 unconfirmed sign-ups" in result.output
    assert db.session.scalar(select(Resident)) is not None  # a fresh sign-up is kept
