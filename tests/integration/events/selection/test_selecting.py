"""Selection: the fair panel from the interested, with quotas, households and availability;
reserves in order; the record that reproduces; what organisers may see and do."""

from __future__ import annotations

from sqlalchemy import select

from core.extensions import db
from core.models import AuditEvent, Message, Role
from events import selecting
from events.models import EventFormat, EventStatus, Registration, RegistrationStatus
from tests.integration.events.selection.conftest import answer, csrf

S = RegistrationStatus
FOUR_AND_FOUR = ["female"] * 4 + ["male"] * 4


def _statuses(event) -> dict[int, S]:
    return dict(db.session.execute(select(Registration.id, Registration.status)
                                   .where(Registration.event_id == event.id)).all())


def _organiser(event):
    return event.organisers[0]


def test_selects_the_capacity_meeting_the_quotas_and_ranks_the_rest(room):
    event, people = room(4, FOUR_AND_FOUR)
    record = selecting.select_room(_organiser(event), event, seed=7)
    statuses = _statuses(event)
    selected = [r for r in people if statuses[r.id] == S.SELECTED]
    assert len(selected) == 4 and set(record["selected"]) == {r.id for r in selected}
    sexes = sorted(r.resident.answers[0].category.key for r in selected)
    assert sexes == ["female", "female", "male", "male"]
    reserves = sorted((r for r in people if statuses[r.id] == S.RESERVE),
                      key=lambda r: r.reserve_rank)
    assert [r.reserve_rank for r in reserves] == [1, 2, 3, 4]
    assert [r.id for r in reserves] == record["reserves"]
    assert event.selection["seed"] == 7 and event.selected_at is not None
    assert event.selection["report"]["quotas_met"] is True
    assert event.places_taken == 0   # places are held on confirming
    emails = db.session.scalars(select(Message).order_by(Message.id)).all()
    assert {m.to_address for m in emails} == {r.resident.user.email for r in selected}
    assert all(f"/events/r/{r.token}/confirm" in m.body_text
               for r, m in zip(sorted(selected, key=lambda r: r.resident.user.email),
                               sorted(emails, key=lambda m: m.to_address), strict=True))
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "event_selected"))
    assert selecting.check_reproduces(_organiser(event), event) == []


def test_same_seed_same_people_whatever_order_they_registered(room):
    first, _ = room(4, FOUR_AND_FOUR)
    again, _ = room(4, list(reversed(FOUR_AND_FOUR)))
    a = selecting.select_room(_organiser(first), first, seed=11)
    b = selecting.select_room(_organiser(again), again, seed=11)
    assert len(a["selected"]) == len(b["selected"]) == 4
    assert a["inputs"]["profiles"]["sex"] != b["inputs"]["profiles"]["sex"]   # the other order


def test_one_per_household(room):
    event, people = room(2, ["female", "female", "male", "male"])
    for person in people[:2]:
        person.household_key = "12 Acacia Avenue"
    people[2].resident.household_key = "3 Mill Lane"
    people[3].household_key = "3 Mill Lane"
    db.session.commit()
    record = selecting.select_room(_organiser(event), event, seed=3)
    households = [next(p for p in people if p.id == rid) for rid in record["selected"]]
    assert {h.id for h in households} & {people[0].id, people[1].id}
    assert len({people[0].id, people[1].id} & set(record["selected"])) == 1
    assert len({people[2].id, people[3].id} & set(record["selected"])) == 1
    assert event.selection["inputs"]["households"].count("12 Acacia Avenue") == 2
    # the others share a home with someone selected: reserves all the same, last
    assert set(record["reserves"]) == {p.id for p in people} - set(record["selected"])
    assert set(_statuses(event).values()) == {S.SELECTED, S.RESERVE}


def test_an_assembly_needs_people_for_every_session(room, login, sign_in):
    event, people = room(2, FOUR_AND_FOUR, sessions=2, format=EventFormat.CITIZENS_ASSEMBLY)
    people[0].places[1].available = False
    db.session.commit()
    client = sign_in(_organiser(event))
    page = client.get(f"/events/{event.id}/selection").get_data(as_text=True)
    assert "1 person left out: not available for every session" in page
    record = selecting.select_room(_organiser(event), event, seed=1)
    assert people[0].id not in record["inputs"]["ids"]
    assert record["left_out"] == {"not available for every session": 1}
    assert _statuses(event)[people[0].id] == S.INTERESTED


def test_a_workshop_takes_people_free_for_any_session(room):
    event, people = room(2, FOUR_AND_FOUR, sessions=2)
    people[0].places[1].available = False
    people[1].places[0].available = False
    people[1].places[1].available = False
    db.session.commit()
    record = selecting.select_room(_organiser(event), event, seed=1)
    assert people[0].id in record["inputs"]["ids"]
    assert people[1].id not in record["inputs"]["ids"]


def test_screening_question_is_a_quota(room):
    from events.models import ScreeningQuestion

    event, people = room(2, FOUR_AND_FOUR)
    question = ScreeningQuestion(event=event, text="How do you feel about the parks?",
                                 options=["Worried", "Happy"],
                                 quota_shares={"Worried": 0.5, "Happy": 0.5})
    db.session.add(question)
    db.session.commit()
    for i, person in enumerate(people):
        person.screening = {question.key: "Worried" if i in (0, 4) else "Happy"}
    db.session.commit()
    record = selecting.select_room(_organiser(event), event, seed=5)
    chosen = [p for p in people if p.id in record["selected"]]
    assert sorted(p.screening[question.key] for p in chosen) == ["Happy", "Worried"]


def test_quotas_the_interested_cannot_meet_are_named_with_a_top_up_link(room, sign_in):
    event, people = room(4, ["female"] + ["male"] * 5)
    client = sign_in(_organiser(event))
    token = csrf(client, f"/events/{event.id}/selection")
    response = client.post(f"/events/{event.id}/selection", data={"csrf_token": token})
    assert response.status_code == 303
    db.session.expire_all()
    assert event.selection["unmet"] == [["sex", "female", 1]]
    assert set(_statuses(event).values()) == {S.INTERESTED}
    page = client.get(f"/events/{event.id}/selection").get_data(as_text=True)
    assert "The room needs 1 more person in Sex: Female" in page
    assert f"/events/{event.id}/invitations?top_up=1" in page


def test_selection_waits_for_registration_to_close(make_event, sign_in):
    event = make_event(status=EventStatus.RECRUITING)
    client = sign_in(_organiser(event))
    page = client.get(f"/events/{event.id}/selection").get_data(as_text=True)
    assert "Registration is still open" in page and "Select 10 people" not in page
    token = csrf(client, f"/events/{event.id}/selection")
    response = client.post(f"/events/{event.id}/selection", data={"csrf_token": token})
    assert response.status_code == 409
    assert "Registration is still open" in response.get_data(as_text=True)


def test_selecting_twice_is_refused(room, sign_in):
    event, _ = room(4, FOUR_AND_FOUR)
    selecting.select_room(_organiser(event), event, seed=2)
    first = dict(event.selection)
    client = sign_in(_organiser(event))
    token = csrf(client, f"/events/{event.id}/selection")
    response = client.post(f"/events/{event.id}/selection", data={"csrf_token": token})
    assert response.status_code == 409
    db.session.refresh(event)
    assert event.selection["selected"] == first["selected"]


def test_page_lists_selected_and_reserves_and_is_audited(room, sign_in):
    event, people = room(4, FOUR_AND_FOUR)
    selecting.select_room(_organiser(event), event, seed=2)
    client = sign_in(_organiser(event))
    page = client.get(f"/events/{event.id}/selection").get_data(as_text=True)
    assert "Selected (4)" in page and "Reserves (4)" in page
    assert f"E-{people[0].id:05d}" in page
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "event_selection_viewed", AuditEvent.object_id == event.id))
    response = client.post(f"/events/{event.id}/selection/reproduce",
                           data={"csrf_token": csrf(client, f"/events/{event.id}/selection")})
    assert "the same people were selected" in response.get_data(as_text=True)


def test_another_events_organiser_and_residents_are_refused(room, make_user, client_for):
    event, _ = room(4, FOUR_AND_FOUR)
    other = client_for(make_user(Role.ORGANISER))
    assert other.get(f"/events/{event.id}/selection").status_code == 403
    token = csrf(other, "/account")
    assert other.post(f"/events/{event.id}/selection",
                      data={"csrf_token": token}).status_code == 403
    db.session.expire_all()
    assert event.selection is None
    resident = client_for(make_user(Role.RESIDENT))
    assert resident.get(f"/events/{event.id}/selection").status_code == 403
    officer = client_for(make_user(Role.OFFICER))
    assert officer.get(f"/events/{event.id}/selection").status_code == 200
    assert officer.get("/events/999999/selection").status_code == 404


def test_special_category_quotas_need_an_officer_or_an_approved_design(room, make_user):
    import pytest

    event, people = room(2, ["female", "male"] * 2, shares={
        "sex": {"female": 0.5, "male": 0.5}, "disability": {"disabled": 0.5,
                                                           "not_disabled": 0.5}})
    event.dimensions = ["sex", "disability"]
    for i, person in enumerate(people):
        answer(person.resident, "disability", "disabled" if i % 2 else "not_disabled")
    db.session.commit()
    with pytest.raises(selecting.SelectionError, match="special-category"):
        selecting.select_room(_organiser(event), event, seed=1)
    assert event.selection is None
    record = selecting.select_room(make_user(Role.OFFICER), event, seed=1)
    assert len(record["selected"]) == 2
    page = selecting.page_for(_organiser(event), event)
    hidden = [t for t in page.tallies if t.key == "disability"]
    assert hidden and hidden[0].hidden and hidden[0].rows == []
    assert page.minimum_probability is None


def test_too_few_interested_says_how_many_more(room):
    import pytest

    event, _ = room(4, ["female", "male", "male"], shares={"sex": {"female": 1, "male": 1}})
    with pytest.raises(selecting.QuotasNotMet) as error:
        selecting.select_room(_organiser(event), event, seed=1)
    assert str(error.value).endswith("The room needs 1 more person in Sex: Female; 1 more "
                                     "person (from different households) overall.")
    assert event.selection["unmet"] == [["sex", "female", 1]]
    assert event.selection["more_needed"] == 1


def test_an_officer_approved_design_lets_organisers_use_special_category_quotas(
        room, make_user, client_for):
    from quota.models import SampleDesign, SampleMode
    from quota.pool import SampleSpec

    event, people = room(2, ["female", "male"] * 2, shares={
        "sex": {"female": 0.5, "male": 0.5}, "disability": {"disabled": 0.5,
                                                           "not_disabled": 0.5}})
    for i, person in enumerate(people):
        answer(person.resident, "disability", "disabled" if i < 2 else "not_disabled")
    spec = SampleSpec(name="Parks design", mode=SampleMode.FAIR,
                      target_set_id=event.target_set_id, dimensions=("sex", "disability"),
                      size=2)
    design = SampleDesign(name="Parks design", spec=spec.to_json(),
                          approved_by_id=make_user(Role.OFFICER).id)
    db.session.add(design)
    db.session.commit()
    event.design_id = design.id
    event.dimensions = ["sex"]
    db.session.commit()
    record = selecting.select_room(_organiser(event), event, seed=8)
    chosen = [p for p in people if p.id in record["selected"]]
    assert len(chosen) == 2 and {people.index(p) < 2 for p in chosen} == {True, False}
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "event_selected"))
    assert audit.detail["special_category_questions"] == ["disability"]
    page = client_for(_organiser(event)).get(f"/events/{event.id}/selection")
    html = page.get_data(as_text=True)
    assert "shown only to officers" in html and "Not disabled" not in html


def test_unmet_special_category_quotas_are_not_named_to_organisers(room, make_user):
    from quota.models import SampleDesign, SampleMode
    from quota.pool import SampleSpec

    event, people = room(2, ["female", "male"] * 2, shares={
        "sex": {"female": 0.5, "male": 0.5}, "disability": {"disabled": 0.5,
                                                           "not_disabled": 0.5}})
    for person in people:
        answer(person.resident, "disability", "not_disabled")
    spec = SampleSpec(name="D", mode=SampleMode.FAIR, target_set_id=event.target_set_id,
                      dimensions=("sex", "disability"), size=2)
    db.session.add(design := SampleDesign(name="D", spec=spec.to_json()))
    db.session.commit()
    event.design_id = design.id
    db.session.commit()
    import pytest
    with pytest.raises(selecting.QuotasNotMet) as error:
        selecting.select_room(_organiser(event), event, seed=8)
    assert "Disab" not in str(error.value) and "design an officer approved" in str(error.value)
    assert event.selection["unmet"]        # stored for the top-up wave all the same
    assert "Disabled" in selecting.page_for(make_user(Role.OFFICER), event).unmet
