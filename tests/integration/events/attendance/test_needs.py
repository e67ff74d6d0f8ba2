"""Access needs (SQLite and PostgreSQL): counts by kind and status, who needs what (viewing
audited), updating how a need is met and its cost (validated, in pence), and the venue
checklist warning where a session's venue lacks what people need."""

from __future__ import annotations

import pytest

from core.extensions import db
from events.models import (
    AccessNeed,
    NeedKind,
    NeedStatus,
    Payment,
    PaymentKind,
    RegistrationStatus,
)
from tests.integration.events.attendance.conftest import audited, post

S = RegistrationStatus
pytestmark = pytest.mark.clock("2027-03-01 09:00")


@pytest.fixture
def event(make_event, organiser):
    event = make_event(organiser=organiser)
    event.sessions[0].step_free = False
    db.session.commit()
    return event


def need(registration, kind, detail="", status=NeedStatus.REQUESTED):
    made = AccessNeed(registration=registration, kind=kind, detail=detail, status=status)
    db.session.add(made)
    db.session.commit()
    return made


def test_counts_and_the_venue_checklist(as_organiser, event, make_registration, member):
    confirmed = make_registration(event, S.CONFIRMED, member("w@example.org",
                                                             first_name="Wheelchair"))
    selected = make_registration(event, S.SELECTED)
    declined = make_registration(event, S.DECLINED)
    need(confirmed, NeedKind.STEP_FREE, status=NeedStatus.BOOKED)
    need(selected, NeedKind.INTERPRETER, "polish")
    need(selected, NeedKind.CHILDCARE, "two children")
    need(declined, NeedKind.BSL)                     # not coming: not counted
    page = as_organiser().get(f"/events/{event.id}/access-needs").get_data(as_text=True)
    assert "Step-free access" in page and "Childcare" in page
    assert "British Sign Language" not in page
    assert "This venue is not recorded as step-free." in page
    assert "Interpreters" in page and "Polish" in page
    assert "Wheelchair" not in page                  # names only on the audited page
    assert not audited("event_access_needs_viewed")


def test_who_needs_what_is_audited(as_organiser, event, make_registration, member):
    registration = make_registration(event, S.CONFIRMED, member("d@example.org",
                                                                first_name="Dora"))
    need(registration, NeedKind.DIETARY, "vegan")
    page = as_organiser().get(f"/events/{event.id}/access-needs/people").get_data(as_text=True)
    assert "Dora" in page and "vegan" in page
    assert audited("event_access_needs_viewed")


@pytest.mark.parametrize("cost", ["-1", "abc", "12.345", "20000", "1" * 40, "NaN", "sNaN",
                                  "Infinity", "1e400"])
def test_a_bad_cost_is_refused_and_nothing_saved(cost, as_organiser, event, make_registration):
    made = need(make_registration(event, S.CONFIRMED), NeedKind.TRAVEL)
    address = f"/events/{event.id}/access-needs/{made.id}"
    response = post(as_organiser(), address, address, status="booked", cost=cost)
    assert response.status_code == 422
    assert "govuk-error-summary" in response.get_data(as_text=True)
    db.session.expire_all()
    assert made.status == NeedStatus.REQUESTED and made.cost_pence == 0


def test_updating_a_need_saves_pence_and_owes_expenses(as_organiser, event, make_registration):
    made = need(make_registration(event, S.CONFIRMED), NeedKind.TRAVEL)
    address = f"/events/{event.id}/access-needs/{made.id}"
    client = as_organiser()
    assert client.get(address).status_code == 200
    response = post(client, address, address, status="booked", cost="12.50")
    assert response.status_code == 302
    db.session.expire_all()
    assert made.status == NeedStatus.BOOKED and made.cost_pence == 1250
    payment = db.session.query(Payment).one()
    assert payment.kind == PaymentKind.EXPENSES and payment.amount_pence == 1250
    assert audited("event_access_need_updated")
    assert post(client, address, address, status="nonsense").status_code == 422


def test_a_need_of_another_event_is_not_found(as_organiser, event, make_event,
                                              make_registration):
    other = make_event()
    made = need(make_registration(other, S.CONFIRMED), NeedKind.TRAVEL)
    assert as_organiser().get(f"/events/{event.id}/access-needs/{made.id}").status_code == 404
