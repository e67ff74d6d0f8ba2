"""Recording attendance (SQLite and PostgreSQL): one tap per person per session, the
registration following (attended any session -> attended, else no-show, corrections allowed),
the thank-you owed once, no-shows released before the next session, the printable sheet; only
whoever manages the event gets in."""

from __future__ import annotations

import pytest

from core.extensions import db
from core.models import Role
from events.models import (
    AccessNeed,
    Attendance,
    EventStatus,
    NeedKind,
    Payment,
    PaymentKind,
    RegistrationStatus,
    SessionPlace,
    ThankYouKind,
)
from tests.conftest import csrf_token_from
from tests.integration.events.attendance.conftest import audited, post

S = RegistrationStatus
pytestmark = pytest.mark.clock("2027-03-20 11:00")


def url(event, session, registration=None):
    base = f"/events/{event.id}/sessions/{session.id}/attendance"
    return f"{base}/{registration.id}" if registration else base


def tap(client, event, session, registration, attendance, **headers):
    token = csrf_token_from(client, url(event, session))
    return client.post(url(event, session, registration),
                       data={"attendance": attendance, "csrf_token": token}, headers=headers)


@pytest.fixture
def paid_event(make_event, organiser):
    return make_event(organiser=organiser, thank_you_kind=ThankYouKind.VOUCHER,
                      thank_you_pence=2500)


def test_one_tap_marks_attended_and_owes_the_thank_you_once(
        as_organiser, organiser, paid_event, make_registration):
    registration = make_registration(paid_event, S.CONFIRMED)
    session = paid_event.sessions[0]
    client = as_organiser()
    for _ in range(2):   # a double tap changes nothing more
        response = tap(client, paid_event, session, registration, "attended")
        assert response.status_code == 302
    db.session.expire_all()
    place = db.session.get(SessionPlace, (registration.id, session.id))
    assert place.attendance == Attendance.ATTENDED and place.marked_by_id == organiser.id
    assert place.marked_at is not None
    assert registration.status == S.ATTENDED and paid_event.places_taken == 1
    payments = db.session.query(Payment).filter_by(registration_id=registration.id).all()
    assert [(p.kind, p.amount_pence) for p in payments] == [(PaymentKind.THANK_YOU, 2500)]
    assert len(audited("event_attendance_marked")) == 2


def test_a_correction_to_no_show_takes_back_the_unpaid_thank_you(
        as_organiser, paid_event, make_registration):
    registration = make_registration(paid_event, S.CONFIRMED)
    session = paid_event.sessions[0]
    client = as_organiser()
    tap(client, paid_event, session, registration, "attended")
    tap(client, paid_event, session, registration, "no_show")
    db.session.expire_all()
    assert registration.status == S.NO_SHOW and paid_event.places_taken == 1
    assert db.session.query(Payment).count() == 0


def test_an_event_without_a_thank_you_owes_nothing(as_organiser, make_event, organiser,
                                                   make_registration):
    event = make_event(organiser=organiser)
    registration = make_registration(event, S.CONFIRMED)
    tap(as_organiser(), event, event.sessions[0], registration, "attended")
    db.session.expire_all()
    assert registration.status == S.ATTENDED and db.session.query(Payment).count() == 0


@pytest.mark.clock("2027-03-28 11:00")
def test_attended_at_any_session_counts_as_attended(as_organiser, make_event, organiser,
                                                    make_registration):
    event = make_event(organiser=organiser, sessions=2)
    registration = make_registration(event, S.CONFIRMED)
    client = as_organiser()
    tap(client, event, event.sessions[0], registration, "no_show")
    db.session.expire_all()
    assert registration.status == S.NO_SHOW
    tap(client, event, event.sessions[1], registration, "attended")
    db.session.expire_all()
    assert registration.status == S.ATTENDED


def test_a_no_show_is_released_before_the_next_session(as_organiser, make_event, organiser,
                                                       make_registration):
    event = make_event(organiser=organiser, sessions=2)
    registration = make_registration(event, S.CONFIRMED)
    client = as_organiser()
    tap(client, event, event.sessions[0], registration, "no_show")
    page = client.get(f"/events/{event.id}/attendance").get_data(as_text=True)
    assert "Release and replace" in page
    response = post(client, f"/events/{event.id}/registrations/{registration.id}/release",
                    f"/events/{event.id}/attendance")
    assert response.status_code == 302
    assert response.location.endswith(
        f"/events/{event.id}/registrations/{registration.id}/replace")
    db.session.expire_all()
    assert registration.status == S.RELEASED and event.places_taken == 0
    assert audited("event_registration_released")


@pytest.mark.clock("2027-04-01 11:00")
def test_no_release_once_every_session_has_started(as_organiser, make_event, organiser,
                                                   make_registration):
    event = make_event(organiser=organiser, sessions=2)
    registration = make_registration(event, S.NO_SHOW)
    client = as_organiser()
    assert "Release and replace" not in client.get(
        f"/events/{event.id}/attendance").get_data(as_text=True)
    post(client, f"/events/{event.id}/registrations/{registration.id}/release",
         f"/events/{event.id}/attendance")
    db.session.expire_all()
    assert registration.status == S.NO_SHOW and event.places_taken == 1


def test_htmx_swaps_just_the_row(as_organiser, paid_event, make_registration):
    registration = make_registration(paid_event, S.CONFIRMED)
    response = tap(as_organiser(), paid_event, paid_event.sessions[0], registration,
                   "attended", **{"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert body.lstrip().startswith('<li class="govuk-summary-card') and "<html" not in body
    assert f'id="place-{registration.id}"' in body and "Attended</strong>" in body


def test_the_session_page_lists_place_holders_only_and_searches_by_name(
        as_organiser, make_event, organiser, make_registration, member):
    event = make_event(organiser=organiser)
    make_registration(event, S.CONFIRMED, member("g@example.org", first_name="Grace",
                                                 last_name="Hopper"))
    make_registration(event, S.CONFIRMED, member("k@example.org", first_name="Katherine",
                                                 last_name="Johnson"))
    make_registration(event, S.RESERVE, member("r@example.org", first_name="Rosalind",
                                               last_name="Franklin"))
    client = as_organiser()
    page = client.get(url(event, event.sessions[0])).get_data(as_text=True)
    assert "Grace Hopper" in page and "Katherine Johnson" in page and "Rosalind" not in page
    found = client.get(url(event, event.sessions[0]) + "?q=hop").get_data(as_text=True)
    assert "Grace Hopper" in found and "Katherine Johnson" not in found
    fragment = client.get(url(event, event.sessions[0]) + "?q=kath",
                          headers={"HX-Request": "true"}).get_data(as_text=True)
    assert fragment.lstrip().startswith('<section id="people"') and "Katherine" in fragment


def test_someone_without_a_place_cannot_be_marked(as_organiser, make_event, organiser,
                                                  make_registration):
    event = make_event(organiser=organiser)
    reserve = make_registration(event, S.RESERVE)
    response = tap(as_organiser(), event, event.sessions[0], reserve, "attended",
                   **{"HX-Request": "true"})
    assert response.status_code == 422 and "no longer hold a place" in response.get_data(
        as_text=True)
    db.session.expire_all()
    assert reserve.status == S.RESERVE and event.places_taken == 0


def test_a_cancelled_event_takes_no_attendance(as_organiser, make_event, organiser,
                                               make_registration):
    event = make_event(organiser=organiser, status=EventStatus.CANCELLED)
    registration = make_registration(event, S.CONFIRMED)
    tap(as_organiser(), event, event.sessions[0], registration, "attended")
    db.session.expire_all()
    assert registration.status == S.CONFIRMED
    assert db.session.get(SessionPlace, (registration.id, event.sessions[0].id)).attendance \
        is None


def test_bad_input_is_refused(as_organiser, make_event, organiser, make_registration):
    event = make_event(organiser=organiser)
    registration = make_registration(event, S.CONFIRMED)
    client = as_organiser()
    assert tap(client, event, event.sessions[0], registration, "maybe").status_code == 400
    other = make_event()
    assert client.get(url(event, other.sessions[0])).status_code == 404
    db.session.expire_all()
    assert registration.status == S.CONFIRMED


def test_the_printable_sheet(as_organiser, make_event, organiser, make_registration, member):
    event = make_event(organiser=organiser)
    registration = make_registration(event, S.CONFIRMED, member(
        "h@example.org", first_name="Hedy", last_name="Lamarr"))
    db.session.add(AccessNeed(registration=registration, kind=NeedKind.STEP_FREE))
    db.session.commit()
    page = as_organiser().get(f"/events/{event.id}/sessions/{event.sessions[0].id}/sheet")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and text.count("<h1") == 1
    assert "Hedy Lamarr" in text and f"R{registration.id:05d}" in text
    assert "Step-free access" in text and "Signature" in text
    assert audited("event_sheet_viewed")


@pytest.mark.parametrize("path", ["attendance", "sessions/{sid}/attendance",
                                  "sessions/{sid}/sheet", "access-needs",
                                  "access-needs/people", "payments", "payments.csv", "after"])
def test_only_whoever_manages_the_event_gets_in(path, make_event, organiser, client_for,
                                                make_user, make_resident):
    event = make_event(organiser=organiser)
    address = f"/events/{event.id}/" + path.format(sid=event.sessions[0].id)
    assert client_for(make_resident().user).get(address).status_code == 403
    assert client_for(make_user(Role.ORGANISER)).get(address).status_code == 403
    assert client_for(organiser).get(address).status_code == 200
    assert client_for(make_user(Role.OFFICER)).get(address).status_code == 200


def test_another_organiser_cannot_mark(make_event, organiser, make_registration, sign_in,
                                       make_user):
    event = make_event(organiser=organiser)
    registration = make_registration(event, S.CONFIRMED)
    client = sign_in(make_user(Role.ORGANISER))
    token = csrf_token_from(client, "/quota/samples/new")
    response = client.post(url(event, event.sessions[0], registration),
                           data={"attendance": "attended", "csrf_token": token})
    assert response.status_code == 403
    db.session.expire_all()
    assert registration.status == S.CONFIRMED


def test_another_organiser_can_change_nothing(make_event, organiser, make_registration,
                                              client_for, make_user):
    from events.models import AccessNeed, EventTheme, Payment, PaymentKind

    event = make_event(organiser=organiser, sessions=2)
    registration = make_registration(event, S.NO_SHOW)
    need = AccessNeed(registration=registration, kind=NeedKind.TRAVEL)
    payment = Payment(registration=registration, kind=PaymentKind.EXPENSES, amount_pence=100)
    theme = EventTheme(event=event, title="Benches")
    db.session.add_all([need, payment, theme])
    db.session.commit()
    client = client_for(make_user(Role.ORGANISER))
    token = csrf_token_from(client, "/quota/samples/new")
    base = f"/events/{event.id}"
    for path in (f"registrations/{registration.id}/release", f"access-needs/{need.id}",
                 f"payments/{payment.id}/paid", "held", "feedback-survey", "themes",
                 f"themes/{theme.id}", f"themes/{theme.id}/move", f"themes/{theme.id}/remove"):
        response = client.post(f"{base}/{path}", data={"csrf_token": token, "title": "x",
                                                         "status": "paid", "cost": "1"})
        assert response.status_code == 403, path
    db.session.expire_all()
    assert registration.status == S.NO_SHOW and need.status.value == "requested"
    assert payment.paid_at is None and theme.title == "Benches" and len(event.themes) == 1
