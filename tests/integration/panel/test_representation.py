"""The representativeness dashboard over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import time
from collections import Counter

import pytest
from sqlalchemy import event, select

from core.extensions import db
from core.models import AuditEvent, Role
from panel.demo import install_target_set, seed_demo
from panel.models import Category, Dimension, Resident, ResidentStatus, TargetSet
from panel.reference_data import TargetRow

URL = "/representation/"
CSV_URL = "/representation/figures.csv"


@pytest.fixture
def demo(app):
    """The demo council with 300 residents (seeded before any test user exists)."""
    return seed_demo(seed=11, residents=300)


def read_csv(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    text = response.get_data().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def expected_counts(statuses: set[ResidentStatus] | None, verified_only: bool
                    ) -> tuple[int, Counter[tuple[str, str]]]:
    """Members in view and (question, answer) counts, worked out resident by resident."""
    members = 0
    answers: Counter[tuple[str, str]] = Counter()
    for resident in db.session.scalars(select(Resident)):
        if statuses is not None and resident.status not in statuses:
            continue
        if verified_only and resident.user.verified_at is None:
            continue
        members += 1
        for answer in resident.answers:
            answers[(answer.dimension.label, answer.category.label)] += 1
    return members, answers


def test_an_officer_sees_the_dashboard(demo, login):
    client = login(Role.OFFICER)
    response = client.get(URL)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1 class=\"govuk-heading-l\">How representative is the panel?</h1>" in html
    assert "Census 2021 – Burnley residents aged 16+" in html
    assert "Who is missing" in html and "would close the gap" in html
    for label in ("Age", "Sex", "Ethnic group", "Disability", "Housing tenure",
                  "Work and study", "Religion", "Sexual orientation", "Ward"):
        assert f">{label}</h2>" in html
    # The rules are stated on the page, and flags are words, not colour alone.
    # Issue 15: status is judged by the gap in points and by chance, not by the index alone.
    assert "at least 1 percentage point below the target, and more than chance" in html
    assert "fewer than 5 members expected and fewer than 5 on the panel" in html
    assert "a two-sided test at the 95% level" in html
    assert "Shares of the panel are of the members who answered the question." in html
    assert ">Under-represented</strong>" in html and ">Over-represented</strong>" in html
    assert html.count(">Prefer not to say</th>") == 9 and html.count(">No answer</th>") == 9
    # Charts are decoration for sighted readers: their numbers are in the tables.
    assert html.count('class="cp-chart" aria-hidden="true"') == 9
    assert 'style="' not in html
    assert 'href="/representation/"' in html  # in the navigation


def test_an_admin_sees_it_too(demo, login):
    assert login(Role.ADMIN).get(URL).status_code == 200


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.ORGANISER])
def test_other_roles_are_refused(demo, login, role):
    client = login(role)
    assert client.get(URL).status_code == 403
    assert client.get(CSV_URL).status_code == 403


@pytest.mark.parametrize("path", [URL, CSV_URL + "?status=all"])
def test_anonymous_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")


def test_an_expired_session_on_an_htmx_call_redirects_to_sign_in(client):
    response = client.get(URL + "?status=all", headers={
        "HX-Request": "true", "HX-Current-URL": "http://localhost/representation/?status=all"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/sign-in?next=")


@pytest.mark.parametrize("status, statuses", [
    ("active", {ResidentStatus.ACTIVE}),
    ("current", {ResidentStatus.ACTIVE, ResidentStatus.PAUSED}),
    ("all", None),
])
@pytest.mark.parametrize("verified", ["yes", "any"])
def test_counts_match_a_resident_by_resident_count(demo, login, status, statuses, verified):
    client = login(Role.OFFICER)
    rows = read_csv(client.get(CSV_URL, query_string={"status": status, "verified": verified}))
    members, answers = expected_counts(statuses, verified == "yes")
    by_question: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_question.setdefault(row["Question"], []).append(row)
    assert len(by_question) == 9
    for question, question_rows in by_question.items():
        assert sum(int(r["Members"]) for r in question_rows) == members, question
        for row in question_rows:
            if row["Answer"] != "No answer":
                assert int(row["Members"]) == answers[(question, row["Answer"])], row
        answered = [r for r in question_rows
                    if r["Answer"] not in ("Prefer not to say", "No answer")]
        answered_total = sum(int(r["Members"]) for r in answered)
        for row in answered:
            if answered_total:
                assert float(row["Share of members who answered (%)"]) == pytest.approx(
                    100 * int(row["Members"]) / answered_total, abs=0.006)


def test_the_filters_change_the_figures(demo, login):
    client = login(Role.OFFICER)
    everyone = expected_counts(None, False)[0]
    active_verified = expected_counts({ResidentStatus.ACTIVE}, True)[0]
    assert everyone > active_verified > 0
    default = client.get(URL).get_data(as_text=True)
    widest = client.get(URL, query_string={"status": "all", "verified": "any"}).get_data(
        as_text=True)
    assert f"<strong>{active_verified:,}</strong> active members who have confirmed" in default
    assert f"<strong>{everyone:,}</strong> members of any status, compared with" in widest
    # The chosen filters stay chosen in the no-JavaScript form.
    assert 'value="all" checked' in widest and 'value="any" checked' in widest


def test_an_htmx_request_gets_only_the_result_block(demo, login):
    client = login(Role.OFFICER)
    response = client.get(URL, query_string={"status": "all"}, headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    assert "<html" not in html and "<form" not in html and "<h1" not in html
    assert '<section id="representation-result"' in html and html.rstrip().endswith("</section>")
    # Screen reader users hear that the figures changed (an out-of-band live region).
    assert 'id="representation-status"' in html and 'hx-swap-oob="innerHTML"' in html
    assert "members of any status who have confirmed their email address" in html
    # The CSV link follows the filters.
    assert "/representation/figures.csv?status=all&amp;verified=yes" in html


@pytest.mark.parametrize("header", ["HX-Boosted", "HX-History-Restore-Request"])
def test_boosted_and_history_requests_get_the_whole_page(demo, login, header):
    client = login(Role.OFFICER)
    html = client.get(URL, headers={"HX-Request": "true", header: "true"}).get_data(as_text=True)
    assert html.lstrip().startswith("<!DOCTYPE html>")


def test_unknown_filter_values_fall_back_to_the_defaults(demo, login):
    client = login(Role.OFFICER)
    odd = client.get(URL, query_string={"status": "nonsense", "verified": "maybe",
                                        "target_set": "abc"})
    assert odd.status_code == 200

    def result(html: str) -> str:  # (the page's CSRF token carries a timestamp)
        return html[html.index('<form class="cp-filters"'):html.index("</main>")]

    assert result(odd.get_data(as_text=True)) == result(client.get(URL).get_data(as_text=True))


def test_another_target_set_can_be_chosen(demo, login):
    ids = {d.key: (d.id, {c.key: c.id for c in d.categories})
           for d in db.session.scalars(select(Dimension))}
    other = install_target_set("Young borough (test)", "Made up for a test", [
        TargetRow("age_band", "16_24", 0.5), TargetRow("age_band", "25_34", 0.5)],
        ids, is_default=False)
    db.session.commit()
    client = login(Role.OFFICER)
    html = client.get(URL, query_string={"target_set": other.id}).get_data(as_text=True)
    assert "compared with <strong>Young borough (test)</strong>" in html
    assert f'<option value="{other.id}" selected>' in html
    rows = read_csv(client.get(CSV_URL, query_string={"target_set": other.id}))
    young = next(r for r in rows if r["Question"] == "Age" and r["Answer"] == "16 to 24")
    assert young["Target share (%)"] == "50.0"
    sex = [r for r in rows if r["Question"] == "Sex"]
    assert {r["Status"] for r in sex} == {"No target", "Not compared"}
    # The default set is still the default.
    default = db.session.scalar(select(TargetSet).where(TargetSet.is_default))
    assert f"compared with <strong>{default.name}</strong>" in client.get(URL).get_data(
        as_text=True)


def test_the_csv_has_the_whole_table(demo, login):
    client = login(Role.OFFICER)
    response = client.get(CSV_URL)
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="panel-representation-')
    assert response.get_data().startswith(b"\xef\xbb\xbf")  # opens cleanly in Excel
    rows = read_csv(response)
    assert list(rows[0]) == [
        "Question", "Answer", "Members", "Share of members who answered (%)",
        "Share of all members (%)", "Target share (%)", "Gap (percentage points)",
        "Representation index", "Status"]
    categories = db.session.scalar(select(db.func.count()).select_from(Category))
    assert len(rows) == categories + 9  # every category, plus "No answer" per question
    statuses = Counter(r["Status"] for r in rows)
    assert statuses["Not compared"] == 18
    assert statuses["Under-represented"] > 0 and statuses["Over-represented"] > 0
    flagged = next(r for r in rows if r["Status"] == "Under-represented")
    assert int(flagged["Representation index"]) < 80
    assert float(flagged["Gap (percentage points)"]) < 0


def test_the_csv_download_is_audited_with_the_special_category_questions_it_holds(demo, login):
    client = login(Role.OFFICER)
    read_csv(client.get(CSV_URL + "?status=all&verified=any"))
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "representation_exported")).one()
    assert event.actor_id is not None
    assert event.detail == {
        "special_category_questions": [
            "ethnic_group", "disability", "religion", "sexual_orientation"],
        "filters": "members of any status"}


def test_spreadsheet_formulas_in_labels_are_defused(demo, login):
    category = db.session.scalar(select(Category).where(Category.key == "female"))
    category.label = "=HYPERLINK(\"http://example.org\")"
    db.session.commit()
    rows = read_csv(login(Role.OFFICER).get(CSV_URL))
    assert "'=HYPERLINK(\"http://example.org\")" in {r["Answer"] for r in rows}


@pytest.mark.clock("2027-02-03 20:00")
def test_the_csv_is_named_with_the_date_in_utc(demo, login, monkeypatch):
    """On a server whose clock is set to a zone ahead of UTC, it is already 4 February there."""
    client = login(Role.OFFICER)
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")
    time.tzset()
    try:
        disposition = client.get(CSV_URL).headers["Content-Disposition"]
    finally:
        monkeypatch.undo()
        time.tzset()
    assert disposition == 'attachment; filename="panel-representation-2027-02-03.csv"'


def test_a_retired_category_with_answers_is_still_counted(demo, login):
    category = db.session.scalar(select(Category).where(Category.key == "rent_free"))
    category.retired_at = db.func.now()
    db.session.commit()
    rows = read_csv(login(Role.OFFICER).get(CSV_URL, query_string={"status": "all",
                                                                   "verified": "any"}))
    members, answers = expected_counts(None, False)
    tenure = [r for r in rows if r["Question"] == "Housing tenure"]
    assert sum(int(r["Members"]) for r in tenure) == members
    if answers[("Housing tenure", "Live here rent-free")]:
        assert "Live here rent-free (retired)" in {r["Answer"] for r in tenure}


def test_one_query_counts_the_panel_whatever_its_size(demo, login):
    client = login(Role.OFFICER)
    client.get(URL)  # warm up: the signed-in user is loaded the same way each time
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert client.get(URL).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert len(statements) <= 8, statements
    assert sum("profile_answers" in s for s in statements) == 1


def test_an_empty_council(login):
    client = login(Role.OFFICER)
    response = client.get(URL)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There are no population targets yet" in html
    assert "There are no profile questions yet" in html
    assert read_csv(client.get(CSV_URL)) == []


def test_members_with_no_answers_show_as_no_answer(app, login, make_resident):
    seed = seed_demo(seed=3, residents=1)
    assert seed.residents == 1
    make_resident(status=ResidentStatus.ACTIVE)  # unverified, no answers
    client = login(Role.OFFICER)
    rows = read_csv(client.get(CSV_URL, query_string={"verified": "any"}))
    members = expected_counts({ResidentStatus.ACTIVE}, False)[0]
    no_answer = {r["Question"]: int(r["Members"]) for r in rows if r["Answer"] == "No answer"}
    assert all(count >= 1 for count in no_answer.values())
    assert all(sum(int(r["Members"]) for r in rows if r["Question"] == q) == members
               for q in no_answer)
