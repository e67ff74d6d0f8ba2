"""Admin pages: profile questions (add, reorder, retire) and the over-consultation limit,
with the contact-limit queries other features use. SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import AuditEvent, Role, Setting
from panel import contact_policy, dimensions, profiles
from panel.contact_policy import ContactCap
from panel.demo import install_dimensions, install_target_set, ward_dimension
from panel.forms import profile_form
from panel.models import Category, Contact, Dimension, ProfileAnswer, Target
from panel.reference_data import TargetRow, load_burnley_wards, load_default_dimensions
from tests.conftest import csrf_token_from

NOW = datetime(2026, 11, 25, 12, 0)


@pytest.fixture
def schema(app):
    install_dimensions([*load_default_dimensions(), ward_dimension(load_burnley_wards())])
    db.session.commit()
    return app


@pytest.fixture
def admin(login):
    return login(Role.ADMIN)


def dimension(key: str) -> Dimension:
    db.session.expire_all()
    return db.session.scalar(select(Dimension).where(Dimension.key == key))


def category(dimension_key: str, key: str) -> Category:
    return next(c for c in dimension(dimension_key).categories if c.key == key)


def order() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(Dimension.key).order_by(Dimension.position)))


def answers(key: str) -> list[str]:
    return [c.key for c in dimension(key).categories]


def audited(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def post(client, url: str, htmx: bool = False, **data):
    token = csrf_token_from(client, "/admin/dimensions")
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(url, data={"csrf_token": token, **data}, headers=headers)


# --- access ------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/admin/dimensions", "/admin/dimensions/new",
                                  "/admin/settings"])
@pytest.mark.parametrize("role,status", [
    (Role.RESIDENT, 403), (Role.OFFICER, 403), (Role.ORGANISER, 403), (Role.ADMIN, 200)])
def test_only_admins_manage_questions_and_settings(schema, login, path, role, status):
    assert login(role).get(path).status_code == status


def test_admin_sees_the_navigation_links(schema, admin):
    page = admin.get("/dashboard").get_data(as_text=True)
    for text, href in [("Profile questions", "/admin/dimensions"), ("Settings", "/admin/settings"),
                       ("Population targets", "/targets")]:
        assert re.search(rf'href="{href}"[^>]*>\s*{text}', page), text


def test_posts_need_the_csrf_token(schema, admin):
    sex = dimension("sex")
    response = admin.post(f"/admin/dimensions/{sex.id}/retire")
    assert response.status_code == 400 and dimension("sex").retired_at is None


# --- adding ------------------------------------------------------------------------------------

CHILDREN = {"label": "Children under 16", "key": "children_under_16",
            "question": "Do you have any children under 16 living with you?",
            "hint": "", "why": "So we hear from parents and carers.", "special_category": "no",
            "answers": "Yes\n\n No \nPrefer not to say\n"}


def test_admin_adds_a_question_and_residents_are_asked_it(schema, admin, make_resident):
    response = post(admin, "/admin/dimensions/new", **CHILDREN)
    new = dimension("children_under_16")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/dimensions/{new.id}"
    assert [(c.key, c.label, c.prefer_not_to_say) for c in new.categories] == [
        ("yes", "Yes", False), ("no", "No", False),
        ("prefer_not_to_say", "Prefer not to say", True)]
    assert order()[-1] == "children_under_16" and new.source == "question"
    assert audited("dimension_added")[0].object_id == new.id
    resident = make_resident()
    assert "children_under_16" in [q.key for q in profiles.profile_questions(resident)]


@pytest.mark.parametrize("changes,field,message", [
    ({"key": ""}, "key", "Enter a key, like children_under_16"),
    ({"key": "Children-16"}, "key", "The key must start with a letter"),
    ({"key": "sex"}, "key", "There is already a question with the key sex"),
    ({"label": ""}, "label", "Enter the short name"),
    ({"question": "x" * 301}, "question", "Question must be 300 characters or fewer"),
    ({"why": ""}, "why", "Enter the reason we ask"),
    ({"special_category": ""}, "special_category", "Select yes if this is special category"),
    ({"answers": "Yes\nPrefer not to say"}, "answers", "Enter at least 2 answers"),
    ({"answers": "Yes\nyes"}, "answers", "The answer &#39;yes&#39; is there more than once"),
])
def test_a_bad_question_is_refused_with_the_problem_by_the_field(schema, admin, changes, field,
                                                                  message):
    response = post(admin, "/admin/dimensions/new", **{**CHILDREN, **changes})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert page.count(message) == 2 and f'href="#{field}' in page  # summary + field
    assert dimension("children_under_16") is None


def test_every_problem_is_shown_at_once(schema, admin):
    response = post(admin, "/admin/dimensions/new", key="sex", label="", question="", why="",
                    special_category="", answers="")
    page = response.get_data(as_text=True)
    for message in ("There is already a question with the key sex", "Enter the short name",
                    "Enter the question", "Enter the reason we ask", "Enter at least 2 answers",
                    "Select yes if this is special category data"):
        assert message in page


def test_admin_adds_an_answer_before_prefer_not_to_say(schema, admin):
    tenure = dimension("tenure")
    response = post(admin, f"/admin/dimensions/{tenure.id}/categories/new",
                    label="Live in a houseboat", key="", group_label="Other")
    assert response.status_code == 302
    assert answers("tenure")[-2:] == ["live_in_a_houseboat", "prefer_not_to_say"]
    assert category("tenure", "live_in_a_houseboat").group_label == "Other"
    duplicate = post(admin, f"/admin/dimensions/{tenure.id}/categories/new",
                     label="live in a HOUSEBOAT", key="", group_label="")
    assert duplicate.status_code == 422
    assert "Housing tenure already has the answer" in duplicate.get_data(as_text=True)
    bad_key = post(admin, f"/admin/dimensions/{tenure.id}/categories/new",
                   label="Caravan", key="Caravan!", group_label="")
    assert "The key must start with a letter" in bad_key.get_data(as_text=True)
    assert len(audited("category_added")) == 1


def test_answers_worked_out_by_the_service_cannot_be_added(schema, admin):
    age = dimension("age_band")
    assert admin.get(f"/admin/dimensions/{age.id}/categories/new").status_code == 404
    page = admin.get(f"/admin/dimensions/{age.id}").get_data(as_text=True)
    assert "cannot be added or retired here" in page and ">Retire<" not in page


# --- reordering --------------------------------------------------------------------------------

def test_moving_a_question_without_javascript(schema, admin):
    before = order()
    sex = dimension("sex")
    response = post(admin, f"/admin/dimensions/{sex.id}/move", direction="up")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/dimensions#dimension-{sex.id}"
    assert order() == [before[1], before[0], *before[2:]]
    assert "Sex moved up: it is now number 1." in admin.get("/admin/dimensions").get_data(
        as_text=True)
    event = audited("dimension_moved")[0]
    assert event.object_id == sex.id and event.detail["direction"] == "up"


def test_moving_with_htmx_swaps_the_list_and_keeps_focus(schema, admin):
    sex = dimension("sex")
    response = post(admin, f"/admin/dimensions/{sex.id}/move", htmx=True, direction="up")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and not page.startswith("<!DOCTYPE")
    assert page.lstrip().startswith('<div id="dimension-list">')
    # now first: no "Move up" any more, so focus goes to its "Move down"
    assert f'id="dimension-{sex.id}-up"' not in page
    assert re.search(rf'id="dimension-{sex.id}-down"[^>]*autofocus', page)
    assert 'hx-swap-oob="innerHTML"' in page and "Sex moved up: it is now number 1." in page
    again = post(admin, f"/admin/dimensions/{sex.id}/move", htmx=True, direction="up")
    assert "Sex is already first." in again.get_data(as_text=True)
    assert len(audited("dimension_moved")) == 1


def test_moving_an_answer_keeps_prefer_not_to_say_last(schema, admin):
    male = category("sex", "male")
    post(admin, f"/admin/categories/{male.id}/move", direction="up")
    assert answers("sex") == ["male", "female", "prefer_not_to_say"]
    post(admin, f"/admin/categories/{category('sex', 'female').id}/move", direction="down")
    assert answers("sex") == ["male", "female", "prefer_not_to_say"]  # already last
    pnts = category("sex", "prefer_not_to_say")
    response = post(admin, f"/admin/categories/{pnts.id}/move", htmx=True, direction="up")
    assert "Prefer not to say is always the last answer" in response.get_data(as_text=True)
    assert answers("sex") == ["male", "female", "prefer_not_to_say"]


def test_a_nonsense_direction_is_a_bad_request(schema, admin):
    assert post(admin, f"/admin/dimensions/{dimension('sex').id}/move",
                direction="sideways").status_code == 400


# --- retiring ----------------------------------------------------------------------------------

def test_retiring_an_answer_keeps_history_and_stops_offering_it(schema, admin, make_resident):
    resident = make_resident()
    roma = category("ethnic_group", "white_roma")
    db.session.add(ProfileAnswer(resident_id=resident.id, dimension_id=roma.dimension_id,
                                 category_id=roma.id))
    target_set = install_target_set("Test", "", [TargetRow("ethnic_group", "white_roma", 1.0)],
                                    {"ethnic_group": (roma.dimension_id, {"white_roma": roma.id})})
    db.session.commit()
    page = admin.get(f"/admin/dimensions/{roma.dimension_id}").get_data(as_text=True)
    assert re.search(r"Roma\s*<span[^>]*>white_roma", page)

    response = post(admin, f"/admin/categories/{roma.id}/retire", htmx=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Roma retired: residents can no longer choose it" in page
    assert re.search(rf'id="category-{roma.id}-retire"[^>]*autofocus[^>]*>Restore', page)
    roma = category("ethnic_group", "white_roma")
    assert roma.retired_at is not None
    assert db.session.scalar(select(ProfileAnswer).where(ProfileAnswer.category_id == roma.id))
    assert db.session.scalar(select(Target).where(Target.target_set_id == target_set.id))
    question = next(q for q in profiles.profile_questions(resident) if q.key == "ethnic_group")
    with schema.test_request_context():
        offered = [c.value for c in profile_form([question]).ethnic_group.choices]
    assert "white_roma" not in offered and "white_irish" in offered

    post(admin, f"/admin/categories/{roma.id}/restore")
    assert category("ethnic_group", "white_roma").retired_at is None
    assert [e.action for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_id == roma.id,
                                 AuditEvent.object_type == "category"))] == [
        "category_retired", "category_restored"]


@pytest.mark.parametrize("dimension_key,category_key,message", [
    ("sex", "prefer_not_to_say", "Prefer not to say is always offered"),
    ("age_band", "16_24", "Age is worked out from the year of birth"),
])
def test_some_answers_cannot_be_retired(schema, admin, dimension_key, category_key, message):
    target = category(dimension_key, category_key)
    response = post(admin, f"/admin/categories/{target.id}/retire", htmx=True)
    assert message in response.get_data(as_text=True)
    assert category(dimension_key, category_key).retired_at is None


def test_the_last_answer_cannot_be_retired(schema, admin):
    post(admin, f"/admin/categories/{category('sex', 'male').id}/retire")
    response = post(admin, f"/admin/categories/{category('sex', 'female').id}/retire")
    assert response.status_code == 302
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Sex must keep at least one answer besides Prefer not to say" in page
    assert category("sex", "female").retired_at is None


def test_retiring_a_question_stops_it_being_asked(schema, admin, make_resident):
    resident = make_resident()
    tenure = dimension("tenure")
    response = post(admin, f"/admin/dimensions/{tenure.id}/retire", htmx=True)
    assert "Housing tenure retired" in response.get_data(as_text=True)
    assert dimension("tenure").retired_at is not None
    assert "tenure" not in [q.key for q in profiles.profile_questions(resident)]
    response = post(admin, f"/admin/dimensions/{tenure.id}/restore", **{"from": "dimension"})
    assert response.headers["Location"] == f"/admin/dimensions/{tenure.id}"
    assert "tenure" in [q.key for q in profiles.profile_questions(resident)]
    assert [e.action for e in audited("dimension_retired") + audited("dimension_restored")] == [
        "dimension_retired", "dimension_restored"]


# --- the contact limit -------------------------------------------------------------------------

def test_settings_show_the_default_limit(schema, admin):
    page = admin.get("/admin/settings").get_data(as_text=True)
    assert "3 contacts in any 90 days" in page and "(the standard setting)" in page
    assert 'value="3"' in page and 'value="90"' in page
    assert contact_policy.contact_cap() == ContactCap(3, 90)


def test_admin_changes_the_limit(schema, admin):
    token = csrf_token_from(admin, "/admin/settings")
    response = admin.post("/admin/settings", data={"csrf_token": token, "max_contacts": " 4 ",
                                                   "days": "60"})
    assert response.status_code == 302
    assert db.session.get(Setting, "contact_cap").value == {"max_contacts": 4, "days": 60}
    assert contact_policy.contact_cap() == ContactCap(4, 60)
    assert "Saved: at most 4 contacts in any 60 days" in admin.get("/admin/settings").get_data(
        as_text=True)
    event = audited("contact_cap_changed")[0]
    assert event.detail == {"before": {"max_contacts": 3, "days": 90},
                            "after": {"max_contacts": 4, "days": 60}}


@pytest.mark.parametrize("max_contacts,days,field,message", [
    ("", "90", "max_contacts", "Enter the most contacts per resident"),
    ("three", "90", "max_contacts", "The most contacts must be a whole number, like 3"),
    ("2.5", "90", "max_contacts", "The most contacts must be a whole number, like 3"),
    ("0", "90", "max_contacts", "The most contacts must be between 1 and 20"),
    ("21", "90", "max_contacts", "The most contacts must be between 1 and 20"),
    ("3", "", "days", "Enter the number of days in the period"),
    ("3", "-5", "days", "The number of days must be a whole number, like 90"),
    ("3", "6", "days", "The period must be between 7 and 365 days"),
    ("3", "366", "days", "The period must be between 7 and 365 days"),
])
def test_a_bad_limit_is_refused(schema, admin, max_contacts, days, field, message):
    token = csrf_token_from(admin, "/admin/settings")
    response = admin.post("/admin/settings", data={
        "csrf_token": token, "max_contacts": max_contacts, "days": days})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert page.count(message) == 2 and f'href="#{field}"' in page
    assert db.session.get(Setting, "contact_cap") is None


def add_contacts(resident, *ages: timedelta) -> None:
    for age in ages:
        db.session.add(Contact(resident_id=resident.id, at=NOW - age, purpose="test"))
    db.session.commit()


def test_residents_at_the_limit(schema, make_resident):
    busy, edge, quiet, fresh = (make_resident(email=f"r{i}@example.org") for i in range(4))
    day = timedelta(days=1)
    add_contacts(busy, 1 * day, 30 * day, 89 * day, 200 * day)
    add_contacts(edge, 1 * day, 2 * day, 90 * day)  # exactly 90 days ago: no longer counts
    add_contacts(quiet, 5 * day)
    add_contacts(fresh, -day, 0 * day, 0 * day)  # one in the future (not yet made)
    at_cap = set(db.session.scalars(contact_policy.at_cap_subquery(NOW)))
    assert at_cap == {busy.id}
    assert [r.id for r in db.session.scalars(contact_policy.residents_at_cap_query(NOW))] == [
        busy.id]
    assert contact_policy.count_at_cap(NOW) == 1
    assert contact_policy.contacts_in_window(edge.id, NOW) == 2
    assert contact_policy.is_at_cap(busy.id, NOW) and not contact_policy.is_at_cap(edge.id, NOW)
    counts = dict(db.session.execute(contact_policy.contacts_in_window_subquery(NOW)).all())
    assert counts == {busy.id: 3, edge.id: 2, quiet.id: 1, fresh.id: 2}
    status = contact_policy.cap_status_for(busy.id, NOW)
    assert status.at_cap and status.clears_at == NOW - 89 * day + 90 * day
    # a stricter limit catches more; the same query is used by the pool rules
    assert set(db.session.scalars(contact_policy.at_cap_subquery(NOW, ContactCap(2, 90)))) == {
        busy.id, edge.id, fresh.id}
    db.session.add(Setting(key="contact_cap", value={"max_contacts": 1, "days": 30}))
    db.session.commit()
    assert set(db.session.scalars(contact_policy.at_cap_subquery(NOW))) == {
        busy.id, edge.id, quiet.id, fresh.id}


def test_a_damaged_setting_falls_back_to_the_default(schema):
    db.session.add(Setting(key="contact_cap", value={"max_contacts": "lots"}))
    db.session.commit()
    assert contact_policy.contact_cap() == contact_policy.DEFAULT_CAP


# --- pure helpers ------------------------------------------------------------------------------

def test_answer_labels_and_keys():
    assert dimensions.answer_labels(" Yes \n\nNo  way\nprefer NOT to say\n") == ("Yes", "No way")
    assert dimensions.make_key("Under 16's", set()) == "under_16_s"
    assert dimensions.make_key("16 or over", set()) == "a_16_or_over"
    assert dimensions.make_key("Yes", {"yes", "yes_2"}) == "yes_3"
    assert dimensions.make_key("!!!", set()) == "answer"
