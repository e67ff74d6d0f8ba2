"""The officer's panel list and member record (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.models import AuditEvent, Role, User, utcnow
from panel.demo import seed_demo
from panel.models import Contact, Resident, ResidentStatus


@pytest.fixture
def panel(app):
    seed_demo(seed=7, residents=300)
    return app


def found(page: str) -> int:
    return int(re.search(r"<strong>([\d,]+)</strong> members? found", page).group(1)
               .replace(",", ""))


def test_officer_lists_searches_and_filters_members(panel, login):
    client = login(Role.OFFICER)
    page = client.get("/panel/members").get_data(as_text=True)
    total = db.session.scalar(select(func.count()).select_from(Resident))
    assert found(page) == total
    assert page.count('<tr class="govuk-table__row">') == 50 + 1  # a page of 50 + the header
    someone = db.session.scalar(select(Resident).order_by(Resident.id).offset(10))
    page = client.get(f"/panel/members?q={someone.last_name.upper()}").get_data(as_text=True)
    assert someone.full_name in page
    paused = db.session.scalar(select(func.count()).select_from(Resident).where(
        Resident.status == ResidentStatus.PAUSED))
    assert found(client.get("/panel/members?status=paused").get_data(as_text=True)) == paused


def test_filter_by_any_dimension_combines_with_and(panel, login):
    client = login(Role.OFFICER)
    female = found(client.get("/panel/members?d.sex=female").get_data(as_text=True))
    female_young = found(client.get(
        "/panel/members?d.sex=female&d.age_band=16_24").get_data(as_text=True))
    assert 0 < female_young < female
    nobody = client.get("/panel/members?d.sex=no-such-category").get_data(as_text=True)
    assert found(nobody) == 0


def test_sorting_and_pages(panel, login):
    client = login(Role.OFFICER)
    first = client.get("/panel/members?sort=name&dir=asc").get_data(as_text=True)
    names = re.findall(r'/panel/members/\d+">([^<]+)</a>', first)
    surnames = [n.split()[-1] for n in names]
    assert surnames == sorted(surnames, key=str.lower) or surnames == sorted(surnames)
    second = client.get("/panel/members?sort=name&dir=asc&page=2").get_data(as_text=True)
    assert set(re.findall(r'/panel/members/(\d+)"', first)).isdisjoint(
        re.findall(r'/panel/members/(\d+)"', second))
    assert client.get("/panel/members?page=999").status_code == 200  # clamped, not an error


def test_bad_filters_are_named_not_a_500(panel, login):
    client = login(Role.OFFICER)
    response = client.get("/panel/members?status=zombie&joined_from=31-02-2024&page=x")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Some filters were ignored" in page and "real dates" in page


def test_members_at_the_contact_cap_are_shown(panel, login):
    resident = db.session.scalar(select(Resident).order_by(Resident.id))
    for days_ago in (1, 10, 20):
        db.session.add(Contact(resident_id=resident.id, at=utcnow() - timedelta(days=days_ago),
                               purpose="survey_invitation"))
    db.session.add(Contact(resident_id=resident.id, at=utcnow() - timedelta(days=200),
                           purpose="survey_invitation"))
    db.session.commit()
    client = login(Role.OFFICER)
    page = client.get("/panel/members?at_cap=yes").get_data(as_text=True)
    assert found(page) == 1 and "At contact limit" in page
    never = found(client.get("/panel/members?contacted=never").get_data(as_text=True))
    assert never == db.session.scalar(select(func.count()).select_from(Resident)) - 1


def test_htmx_search_returns_only_the_results(panel, login):
    client = login(Role.OFFICER)
    response = client.get("/panel/members?q=a", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<section id="member-results"') and "<html" not in body


def test_member_record_is_audited(panel, login, make_user):
    client = login(Role.OFFICER)
    resident = db.session.scalar(select(Resident).order_by(Resident.id))
    page = client.get(f"/panel/members/{resident.id}").get_data(as_text=True)
    assert resident.user.email in page and "has been logged" in page
    officer = db.session.scalar(select(User).where(User.role == Role.OFFICER,
                                                   User.email.like("officer%@example.org")))
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "viewed_member"))
    assert event.actor_id == officer.id and event.object_id == resident.id
    assert client.get("/panel/members/999999").status_code == 404


@pytest.mark.parametrize("role,status", [(Role.RESIDENT, 403), (Role.ORGANISER, 403),
                                         (Role.ADMIN, 200)])
def test_only_officers_see_members(panel, login, role, status):
    client = login(role)
    assert client.get("/panel/members").status_code == status
    resident_id = db.session.scalar(select(Resident.id))
    assert client.get(f"/panel/members/{resident_id}").status_code == status
