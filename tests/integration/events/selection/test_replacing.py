"""Filling a place someone gave up with the reserve who keeps every quota, after seeing the
quota effect; a proposal that changed since it was shown is refused."""

from __future__ import annotations

from sqlalchemy import select

from core.extensions import db
from core.models import AuditEvent, Message, Role
from events import replacing, selecting
from events.models import Registration, RegistrationStatus
from events.registrations import change_status
from tests.integration.events.selection.conftest import csrf

S = RegistrationStatus


def _selected(room, sexes=None):
    event, people = room(4, sexes or ["female"] * 4 + ["male"] * 4)
    organiser = event.organisers[0]
    selecting.select_room(organiser, event, seed=4)
    db.session.query(Message).delete()
    db.session.commit()
    return event, people, organiser


def _sex(registration: Registration) -> str:
    return registration.resident.answers[0].category.key


def test_a_decliner_is_replaced_by_the_reserve_who_keeps_the_quotas(room, client_for):
    event, people, organiser = _selected(room)
    leaving = next(p for p in people if p.status == S.SELECTED and _sex(p) == "female")
    change_status(leaving, S.DECLINED)
    db.session.commit()
    assert replacing.places_to_fill(event) == [leaving]
    client = client_for(organiser)
    page = client.get(f"/events/{event.id}/selection").get_data(as_text=True)
    assert "Places to fill (1)" in page and "Find a replacement" in page
    url = f"/events/{event.id}/registrations/{leaving.id}/replace"
    shown = client.get(url)
    assert shown.status_code == 200
    html = shown.get_data(as_text=True)
    proposal = replacing.propose(organiser, event, leaving)
    assert _sex(proposal.replacement) == "female"
    assert proposal.replacement.status == S.RESERVE
    assert "Sex: Female" in html and "Offer the place to" in html
    rows = {answer: (row.min, row.max, row.now, row.after) for _, answer, row in proposal.effect}
    assert rows == {"Female": (2, 2, 2, 2), "Male": (2, 2, 2, 2)}
    response = client.post(url, data={"csrf_token": csrf(client, url),
                                      "replacement_id": proposal.replacement.id})
    assert response.status_code == 303
    db.session.expire_all()
    replacement = proposal.replacement
    assert replacement.status == S.SELECTED and replacement.replaces_id == leaving.id
    assert replacement.reserve_rank is None and replacement.note
    assert replacing.places_to_fill(event) == []
    message = db.session.scalars(select(Message)).one()
    assert message.to_address == replacement.resident.user.email
    assert f"/events/r/{replacement.token}/confirm" in message.body_text
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "event_place_replaced"))
    assert client.get(url).status_code == 200          # nothing left to fill: says so
    assert "does not need filling" in client.get(url).get_data(as_text=True)


def test_a_changed_proposal_is_refused(room, client_for):
    event, people, organiser = _selected(room)
    leaving = next(p for p in people if p.status == S.SELECTED)
    change_status(leaving, S.DECLINED)
    db.session.commit()
    proposal = replacing.propose(organiser, event, leaving)
    change_status(proposal.replacement, S.WITHDRAWN)   # the reserve left meanwhile
    db.session.commit()
    client = client_for(organiser)
    url = f"/events/{event.id}/registrations/{leaving.id}/replace"
    response = client.post(url, data={"csrf_token": csrf(client, url),
                                      "replacement_id": proposal.replacement.id},
                           follow_redirects=True)
    assert "has changed since the page was shown" in response.get_data(as_text=True)
    db.session.expire_all()
    assert replacing.places_to_fill(event) == [leaving]
    bad = client.post(url, data={"csrf_token": csrf(client, url), "replacement_id": "x"},
                      follow_redirects=True)
    assert bad.status_code == 200 and "has changed" in bad.get_data(as_text=True)


def test_when_no_reserve_keeps_the_quotas_the_quota_is_named(room, client_for):
    event, people, organiser = _selected(room, ["female"] * 2 + ["male"] * 5)
    leaving = next(p for p in people if p.status == S.SELECTED and _sex(p) == "female")
    change_status(leaving, S.DECLINED)
    db.session.commit()
    client = client_for(organiser)
    html = client.get(f"/events/{event.id}/registrations/{leaving.id}/replace"
                      ).get_data(as_text=True)
    assert "Nobody on the reserve list can take this place" in html
    assert "Sex: Female" in html


def test_only_places_given_up_can_be_filled(room, client_for):
    event, people, organiser = _selected(room)
    holding = next(p for p in people if p.status == S.SELECTED)
    client = client_for(organiser)
    url = f"/events/{event.id}/registrations/{holding.id}/replace"
    assert "does not need filling" in client.get(url).get_data(as_text=True)
    response = client.post(url, data={"csrf_token": csrf(client, url), "replacement_id": "1"})
    assert response.status_code == 303
    db.session.expire_all()
    assert holding.status == S.SELECTED
    assert client.get(f"/events/{event.id}/registrations/999999/replace").status_code == 404


def test_another_events_organiser_cannot_replace(room, client_for, make_user):
    event, people, _ = _selected(room)
    leaving = next(p for p in people if p.status == S.SELECTED)
    change_status(leaving, S.DECLINED)
    db.session.commit()
    other = client_for(make_user(Role.ORGANISER))
    url = f"/events/{event.id}/registrations/{leaving.id}/replace"
    assert other.get(url).status_code == 403
    assert other.post(url, data={"csrf_token": csrf(other, "/account"),
                                 "replacement_id": "1"}).status_code == 403
    db.session.expire_all()
    assert replacing.places_to_fill(event) == [leaving]


def test_two_organisers_filling_the_same_place_at_once_fill_it_once(app, room):
    from tests.integration.at_once import at_once

    event, people, organiser = _selected(room)
    leaving = next(p for p in people if p.status == S.SELECTED)
    change_status(leaving, S.DECLINED)
    db.session.commit()
    chosen = replacing.propose(organiser, event, leaving).replacement.id
    event_id, leaving_id, organiser_id = event.id, leaving.id, organiser.id
    db.session.commit()

    def fill(_):
        from core.models import User
        from events.models import Event
        return replacing.replace(db.session.get(User, organiser_id),
                                 db.session.get(Event, event_id),
                                 db.session.get(Registration, leaving_id), chosen).id

    outcomes = at_once(app, 3, fill)
    assert outcomes.count(chosen) == 1, outcomes
    db.session.expire_all()
    assert db.session.query(Registration).filter_by(replaces_id=leaving_id).count() == 1


def test_two_organisers_selecting_at_once_select_once(app, room):
    from tests.integration.at_once import at_once

    event, _ = room(4, ["female"] * 4 + ["male"] * 4)
    event_id, organiser_id = event.id, event.organisers[0].id
    db.session.commit()

    def select_now(_):
        from core.models import User
        from events.models import Event
        return len(selecting.select_room(db.session.get(User, organiser_id),
                                         db.session.get(Event, event_id))["selected"])

    outcomes = at_once(app, 2, select_now)
    assert outcomes.count(4) == 1, outcomes
    db.session.expire_all()
    assert db.session.query(Registration).filter_by(status=S.SELECTED).count() == 4
    assert db.session.query(Message).count() == 4


def test_a_no_show_released_before_the_next_session_is_a_place_to_fill(room):
    event, people, organiser = _selected(room)
    absent = next(p for p in people if p.status == S.SELECTED)
    change_status(absent, S.CONFIRMED)
    change_status(absent, S.NO_SHOW)
    change_status(absent, S.RELEASED)
    db.session.commit()
    assert replacing.places_to_fill(event) == [absent]
    proposal = replacing.propose(organiser, event, absent)
    assert proposal.replacement.status == S.RESERVE
    assert all(row.kept for _, _, row in proposal.effect)
