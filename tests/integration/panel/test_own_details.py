"""A resident changes their own name, email address (confirmed from the new address) and
address (ward and household worked out again as on joining); audited (SQLite and
PostgreSQL)."""

from __future__ import annotations

import re

from sqlalchemy import select

from core.extensions import db
from core.models import AuditEvent, Message, Role
from panel.households import household_key
from tests.conftest import PASSWORD, csrf_token_from
from tests.integration.panel.test_account import answers_of, schema  # noqa: F401


def post(client, path, **data):
    return client.post(path, data={"csrf_token": csrf_token_from(client, path), **data})


def test_account_page_links_to_each_change(make_resident, sign_in):
    client = sign_in(make_resident(email="ada@example.org").user)
    page = client.get("/account").get_data(as_text=True)
    for path in ("/account/name", "/account/email", "/account/address", "/change-password"):
        assert f'href="{path}"' in page


def test_staff_have_no_details_pages(login):
    assert login(Role.OFFICER).get("/account/name").status_code == 403


def test_name_is_changed_and_audited(make_resident, sign_in):
    resident = make_resident(email="ada@example.org")
    client = sign_in(resident.user)
    assert 'value="Ada"' in client.get("/account/name").get_data(as_text=True)
    response = post(client, "/account/name", first_name=" Augusta ", last_name="King")
    assert response.status_code == 302
    db.session.refresh(resident)
    assert resident.full_name == "Augusta King" and resident.user.display_name == "Augusta King"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "details_changed"))
    assert event.actor_id == resident.user.id
    response = post(client, "/account/name", first_name="", last_name="King")
    assert response.status_code == 422
    assert response.get_data(as_text=True).count("Enter your first name") == 2


def test_email_changes_only_when_the_new_address_confirms(app, make_resident, sign_in):
    resident = make_resident(email="ada@example.org")
    client = sign_in(resident.user)
    response = post(client, "/account/email", email="Ada.King@Example.org")
    assert response.status_code == 302
    db.session.refresh(resident.user)
    assert resident.user.email == "ada@example.org"  # not yet
    message = db.session.scalar(select(Message).where(Message.to_address == "ada.king@example.org"))
    link = re.search(r"https?://[^/\s]+(/account/confirm-email/\S+)", message.body_text).group(1)
    assert client.get(link).status_code == 302
    db.session.refresh(resident.user)
    assert resident.user.email == "ada.king@example.org" and resident.user.verified_at
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "email_changed"))
    notice = db.session.scalar(select(Message).where(Message.to_address == "ada@example.org"))
    assert "ada.king@example.org" not in notice.body_text  # the old address is told, not shown
    assert "has just been changed" in notice.body_text
    again = client.get(link)  # the old address is gone: the link stops working
    assert again.status_code == 400 and "not valid any more" in again.get_data(as_text=True)


def test_email_of_another_account_is_not_taken_or_revealed(make_user, make_resident, sign_in):
    make_user(Role.OFFICER, email="taken@example.org")
    resident = make_resident(email="ada@example.org")
    client = sign_in(resident.user)
    response = post(client, "/account/email", email="taken@example.org")
    assert response.status_code == 302  # the same answer as for a free address
    assert db.session.scalars(select(Message.to_address)).all() == []
    bad = post(client, "/account/email", email="not-an-email")
    assert bad.status_code == 422


def test_address_change_works_out_ward_and_household_again(schema, make_resident,  # noqa: F811
                                                            sign_in):
    resident = make_resident(email="ada@example.org", address_line="1 Old Street",
                             postcode="BB10 1AA")
    client = sign_in(resident.user)
    response = post(client, "/account/address", address_line="12 Colne Road",
                    postcode="bb11 2dl", ward="")
    assert response.status_code == 302
    db.session.refresh(resident)
    assert resident.postcode == "BB11 2DL"
    assert resident.household_key == household_key("12 Colne Road", "BB11 2DL")
    assert answers_of("ada@example.org")["ward"] == "E05005163"  # Trinity, from the postcode
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "details_changed"))


def test_unknown_postcode_needs_a_ward(schema, make_resident, sign_in):  # noqa: F811
    resident = make_resident(email="ada@example.org")
    client = sign_in(resident.user)
    response = post(client, "/account/address", address_line="3 High Street",
                    postcode="BB10 9ZZ", ward="")
    assert response.status_code == 422
    assert response.get_data(as_text=True).count("Select the ward you live in") == 2
    response = post(client, "/account/address", address_line="3 High Street",
                    postcode="BB10 9ZZ", ward="E05005150")
    assert response.status_code == 302
    assert answers_of("ada@example.org")["ward"] == "E05005150"


def test_signed_in_with_the_password_after_an_email_change(app, make_resident, sign_in):
    resident = make_resident(email="ada@example.org")
    client = sign_in(resident.user)
    post(client, "/account/email", email="new@example.org")
    link = re.search(r"(/account/confirm-email/\S+)", db.session.scalar(
        select(Message.body_text))).group(1)
    client.get(link)
    other = app.test_client()
    token = csrf_token_from(other)
    response = other.post("/sign-in", data={"email": "new@example.org", "password": PASSWORD,
                                            "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
