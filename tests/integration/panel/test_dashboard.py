"""The dashboard is a start page: each figure leads to the members it counts, what needs
attention links to where it is dealt with, and only to pages the viewer may open (SQLite and
PostgreSQL)."""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta

import pytest

from core.extensions import db
from core.models import Job, JobStatus, Message, MessageStatus, Role
from panel.engagements import Engagement, SpectrumLevel
from panel.imports import service as import_service
from panel.models import Contact, ResidentStatus
from quota.models import MemberRole, Sample, SampleMember, SampleMode
from surveys.models import Survey, SurveyState

pytestmark = pytest.mark.clock("2026-06-10 10:00")
NOW = datetime(2026, 6, 10, 10, 0)


def found(page: str) -> int:
    return int(re.search(r"<strong>([\d,]+)</strong> members? found", page).group(1)
               .replace(",", ""))


def links(page: str) -> dict[str, str]:
    """Link text (tags and spaces squeezed) -> href."""
    return {re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).strip(): html.unescape(href)
            for href, text in re.findall(r'<a class="govuk-link[^"]*" href="([^"]+)">(.*?)</a>',
                                         page, re.S)}


@pytest.fixture
def panel(member, make_resident):
    for n in range(3):
        member(f"active{n}@example.org")
    member("paused@example.org", status=ResidentStatus.PAUSED, paused_until=NOW + timedelta(30))
    member("left@example.org", status=ResidentStatus.WITHDRAWN)
    make_resident(email="late@example.org", joined_at=NOW - timedelta(days=5))
    make_resident(email="new@example.org", joined_at=NOW - timedelta(days=1))
    limited = member("limited@example.org", joined_at=NOW - timedelta(days=100))
    for days in (1, 2, 3):
        db.session.add(Contact(resident_id=limited.id, at=NOW - timedelta(days=days),
                               purpose="survey_invitation"))
    db.session.commit()


def test_each_figure_leads_to_the_members_it_counts(panel, login):
    client = login(Role.OFFICER)
    page = client.get("/dashboard").get_data(as_text=True)
    figures = {text: href for text, href in links(page).items() if href.startswith(
        "/panel/members")}
    expected = {"people on the panel": 8, "active": 6, "paused": 1, "withdrawn": 1,
                "joined in the last 30 days": 7}
    for label, count in expected.items():
        [(text, href)] = [(t, h) for t, h in figures.items() if t.endswith(" " + label)
                          and t.split(" ", 1)[1] == label]
        assert int(text.split(" ")[0]) == count, label
        assert found(client.get(href).get_data(as_text=True)) == count, label


def test_what_needs_attention_links_to_where_it_is_dealt_with(panel, login, make_user):
    officer = make_user(Role.OFFICER)
    upload, _ = import_service.store_upload(officer, "people.csv",
                                            b"first_name,last_name\nAda,Lovelace\n")
    job = Job(kind=import_service.JOB_KIND, status=JobStatus.FAILED, created_by_id=officer.id,
              message="The file could not be read", created_at=NOW - timedelta(days=1))
    db.session.add(job)
    db.session.commit()

    client = login(Role.OFFICER)
    page = client.get("/dashboard").get_data(as_text=True)
    found_links = links(page)
    assert "1 member has not confirmed their email address 3 days or more" in page
    unconfirmed = found_links["See who has not confirmed"]
    assert found(client.get(unconfirmed).get_data(as_text=True)) == 1
    assert "late@example.org" in client.get(unconfirmed).get_data(as_text=True)
    assert "1 member is at the contact limit" in page
    assert found(client.get(found_links["See who is at the limit"]).get_data(
        as_text=True)) == 1
    assert found_links["Choose the columns for people.csv"] == f"/panel/import/{upload.id}/columns"
    assert "Import residents failed on 9 June at 10:00: The file could not be read" in page
    assert found_links["See what happened"] == f"/jobs/{job.id}"
    assert client.get(f"/jobs/{job.id}").status_code == 200
    assert "/outbox" not in page  # an officer cannot open the outbox


def test_samples_and_surveys_sections(panel, login):
    engagement = Engagement(title="Libraries", level=SpectrumLevel.CONSULT, why="Why")
    db.session.add_all([
        Survey(engagement=engagement, title="Libraries survey", state=SurveyState.OPEN,
               closes_at=NOW + timedelta(days=3)),
        Survey(engagement=engagement, title="Parks survey", state=SurveyState.OPEN,
               closes_at=NOW + timedelta(days=30)),
        Survey(engagement=engagement, title="Bins survey", state=SurveyState.CLOSED),
        Survey(engagement=engagement, title="Draft one"),
        Sample(name="Parks panel", mode=SampleMode.SURVEY, size=1, seed=1, algorithm="test",
               software_version="test", pool_size=1, spec={"dimensions": []}, inputs={}, report={},
               members=[SampleMember(role=MemberRole.SELECTED)]),
    ])
    db.session.commit()
    client = login(Role.OFFICER)
    page = client.get("/dashboard").get_data(as_text=True)
    found_links = links(page)
    assert found_links["Parks panel"].startswith("/quota/samples/")
    assert found_links["See every sample and design"] == "/quota/samples"
    assert found_links["Libraries survey"].endswith("/results")
    assert "Closes 13 Jun" in page and "open until 10 Jul 2026" in page
    assert page.index("Libraries survey") < page.index("Parks survey")  # soonest closing first
    assert "Closed, results not published yet" in page and "Bins survey" in page
    assert "1 draft." in page and found_links["See every survey"] == "/surveys"
    for href in found_links.values():  # (a sample's own page needs a real draw's report)
        if href.startswith("/") and not href.startswith("/quota/samples/"):
            assert client.get(href).status_code == 200, href


def test_an_organiser_is_linked_only_to_what_they_may_open(panel, login):
    client = login(Role.ORGANISER)
    page = client.get("/dashboard").get_data(as_text=True)
    hrefs = set(links(page).values())
    assert not any(h.startswith(("/panel/members", "/surveys", "/panel/import", "/outbox"))
                   for h in hrefs)
    assert "/quota/samples" in hrefs and "Surveys" not in re.findall(r"<h2[^>]*>(.*?)</h2>",
                                                                     page)
    for href in hrefs:
        if href.startswith("/") and not href.startswith("/quota/samples/"):
            assert client.get(href).status_code == 200, href


def test_an_admin_is_sent_to_the_outbox_for_undelivered_email(panel, login):
    db.session.add(Message(to_address="a@example.org", subject="Hello", body_text="Hi",
                           message_id="<1@example.org>", status=MessageStatus.FAILED))
    db.session.commit()
    client = login(Role.ADMIN)
    page = client.get("/dashboard").get_data(as_text=True)
    assert "1 email could not be delivered" in page
    assert links(page)["See the emails that failed"] == "/outbox"
