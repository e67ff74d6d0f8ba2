"""The payment ledger (SQLite and PostgreSQL): thank-yous owed on attendance and expenses from
access needs with a cost, marking paid (date and reference, validated, once), totals, and the
spreadsheet made safe for Excel; all audited."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest

from core.extensions import db
from events.attendance import mark
from events.models import (
    AccessNeed,
    Attendance,
    NeedKind,
    NeedStatus,
    Payment,
    PaymentKind,
    RegistrationStatus,
    ThankYouKind,
)
from events.payments import ledger, sync_expenses
from tests.integration.events.attendance.conftest import audited, post

S = RegistrationStatus
pytestmark = pytest.mark.clock("2027-03-21 09:00")


@pytest.fixture
def event(make_event, organiser):
    return make_event(organiser=organiser, thank_you_kind=ThankYouKind.PAYMENT,
                      thank_you_pence=3000)


def attended(event, registration, organiser):
    place = next(p for p in registration.places)
    mark(organiser, place, Attendance.ATTENDED)


def test_the_ledger_owes_thank_yous_and_expenses(as_organiser, organiser, event,
                                                 make_registration, member):
    first = make_registration(event, S.CONFIRMED, member("a@example.org", first_name="Ann"))
    second = make_registration(event, S.CONFIRMED, member("b@example.org", first_name="Bea"))
    make_registration(event, S.CONFIRMED)            # did not come: owed nothing
    first.needs.append(AccessNeed(kind=NeedKind.TRAVEL, status=NeedStatus.BOOKED,
                                  cost_pence=1250))
    db.session.commit()
    for registration in (first, second):
        attended(event, registration, organiser)
    found = ledger(event)
    assert sorted((line.name.split()[0], line.payment.kind) for line in found.lines) == [
        ("Ann", PaymentKind.EXPENSES), ("Ann", PaymentKind.THANK_YOU),
        ("Bea", PaymentKind.THANK_YOU)]
    assert found.owed_pence == 7250 and found.paid_pence == 0
    page = as_organiser().get(f"/events/{event.id}/payments").get_data(as_text=True)
    assert "£72.50" in page and "Travel costs or transport £12.50" in page
    assert audited("event_payments_viewed")


def test_marking_paid_needs_a_date_and_happens_once(as_organiser, organiser, event,
                                                    make_registration):
    registration = make_registration(event, S.CONFIRMED)
    attended(event, registration, organiser)
    payment = db.session.query(Payment).one()
    client = as_organiser()
    address = f"/events/{event.id}/payments/{payment.id}/paid"
    bad = post(client, address, address, **{"paid_on": ["", "", ""], "reference": "X1"})
    assert bad.status_code == 422 and "Enter the date paid" in bad.get_data(as_text=True)
    wrong = post(client, address, address, **{"paid_on": ["31", "2", "2027"]})
    assert wrong.status_code == 422
    future = post(client, address, address, **{"paid_on": ["22", "3", "2027"]})
    assert future.status_code == 422 and "today or in the past" in future.get_data(as_text=True)
    db.session.expire_all()
    assert payment.paid_at is None
    done = post(client, address, address, **{"paid_on": ["21", "3", "2027"],
                                              "reference": "BACS 0042"})
    assert done.status_code == 302
    db.session.expire_all()
    assert payment.paid_at == datetime(2027, 3, 21, 12, 0) and payment.reference == "BACS 0042"
    again = post(client, address, address, **{"paid_on": ["22", "3", "2027"]})
    assert again.status_code == 422 and "already marked as paid" in again.get_data(as_text=True)
    assert len(audited("event_payment_paid")) == 1
    found = ledger(event)
    assert found.owed_pence == 0 and found.paid_pence == 3000


def test_a_paid_thank_you_stays_when_attendance_is_corrected(organiser, event,
                                                             make_registration):
    registration = make_registration(event, S.CONFIRMED)
    attended(event, registration, organiser)
    payment = db.session.query(Payment).one()
    payment.paid_at = datetime(2027, 3, 21)
    db.session.commit()
    mark(organiser, registration.places[0], Attendance.NO_SHOW)
    assert db.session.query(Payment).count() == 1


def test_expenses_follow_the_needs_costs(organiser, event, make_registration):
    registration = make_registration(event, S.CONFIRMED)
    need = AccessNeed(kind=NeedKind.CHILDCARE, cost_pence=2000)
    registration.needs.append(need)
    sync_expenses(registration)
    db.session.commit()
    assert db.session.query(Payment).one().amount_pence == 2000
    need.status = NeedStatus.CANNOT_PROVIDE
    sync_expenses(registration)
    db.session.commit()
    assert db.session.query(Payment).count() == 0


def test_the_spreadsheet_is_safe(as_organiser, organiser, event, make_registration, member):
    registration = make_registration(event, S.CONFIRMED, member(
        "evil@example.org", first_name="=HYPERLINK(1)", last_name=""))
    attended(event, registration, organiser)
    response = as_organiser().get(f"/events/{event.id}/payments.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][0] == "Reference" and rows[1][1] == "'=HYPERLINK(1)"
    assert rows[1][3] == "30.00" and rows[1][5] == ""
    assert audited("event_payments_downloaded")
