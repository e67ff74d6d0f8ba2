"""What the sample page, the replace page and members.csv show a newcomer: the chart's geometry,
answers in the questionnaire's order, labels instead of codes, people told apart by reference
and ward, and the re-run's outcome at once."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import Role
from panel.models import Category, Dimension
from quota import services
from quota.models import MemberRole
from quota.people import reference
from tests.conftest import csrf_token_from
from tests.integration.quota.test_samples import demo, officer, spec  # noqa: F401

CODES = re.compile(r"age_band|ethnic_group|\bward\b [A-Z]\d|E0500\d{4}|asian_|white_|\d\d_\d\d")


def draw(**changes):
    return services.draw_sample(officer(), spec(**changes))


def page(client, sample) -> str:
    return client.get(f"/quota/samples/{sample.id}").get_data(as_text=True)


def test_a_target_above_every_achieved_value_is_drawn_at_its_place(demo, login):  # noqa: F811
    sample = draw()
    report = dict(sample.report)
    report["categories"] = [dict(c) for c in report["categories"]]
    first = next(c for c in report["categories"] if c["dimension"] == "sex")
    first["target"] = 10 * max(max(c["achieved"], c["max"]) for c in report["categories"])
    sample.report = report
    db.session.commit()
    html = page(login(Role.OFFICER), sample)
    positions = [int(x) for x in re.findall(r"cp-x-(\d+)", html)]
    widths = [int(x) for x in re.findall(r"cp-w-(\d+)", html)]
    assert positions and max(positions) == 100 and max(widths) <= 100


def labels_in_order(dimension: str) -> list[str]:
    return list(db.session.scalars(select(Category.label).join(Category.dimension)
                                   .where(Dimension.key == dimension)
                                   .order_by(Category.position, Category.id)))


def test_answers_follow_the_questionnaires_order(demo, login):  # noqa: F811
    sample = draw(dimensions=("ethnic_group", "age_band"), tolerance=3)
    html = page(login(Role.OFFICER), sample)
    table = html.split('id="tally-ethnic_group-heading"')[1].split("<h3")[0]
    shown = re.findall(r'<th scope="row" class="govuk-table__header">([^<]+)</th>', table)
    expected = [label for label in labels_in_order("ethnic_group") if label in shown]
    assert len(shown) > 3
    assert [s for s in shown if s in expected] == expected
    methods = html.split('id="methods"')[1]
    places = [methods.find(f"Ethnic group {label} ") for label in expected]
    assert all(p > 0 for p in places) and places == sorted(places)


def test_the_replace_page_shows_labels_and_tells_people_apart(demo, login):  # noqa: F811
    sample = draw(dimensions=("age_band", "ethnic_group", "sex"), wards=(), tolerance=1)
    client = login(Role.OFFICER)
    differing = None
    for member in sample.members_with(MemberRole.SELECTED):
        proposal = services.propose(sample, member)
        if "Differs" in proposal.reason:
            differing = member, proposal
            break
    assert differing, "no replacement differs from the person it replaces"
    member, proposal = differing
    html = client.get(f"/quota/samples/{sample.id}/members/{member.id}/replace"
                      ).get_data(as_text=True)
    body = html.split("<main", 1)[1]
    assert not CODES.search(body.replace(f"/members/{member.id}/replace", ""))
    assert "Differs from the person who dropped out on" in body
    assert re.search(r"(Age|Ethnic group|Sex): [A-Z][^;]* instead of ", body)
    assert reference(member.resident_id) in body and reference(proposal.resident_id) in body


def test_lists_of_people_show_a_reference_and_ward(demo, login):  # noqa: F811
    sample = draw()
    html = page(login(Role.OFFICER), sample)
    selected = html.split('id="selected"')[1].split("Reserves (")[0]
    reserves = html.split("Reserves (")[1].split('id="methods"')[0]
    for member in sample.members_with(MemberRole.SELECTED):
        assert reference(member.resident_id) in selected
    for member in sample.members_with(MemberRole.RESERVE):
        assert reference(member.resident_id) in reserves
    wards = set(db.session.scalars(select(Category.label).join(Category.dimension)
                                   .where(Dimension.key == "ward")))
    assert sum(w in selected for w in wards) >= 2 and any(w in reserves for w in wards)


def test_members_csv_has_a_reference_and_ward_for_organisers_too(demo, login):  # noqa: F811
    sample = draw(dimensions=("age_band", "sex"))
    text = login(Role.ORGANISER).get(f"/quota/samples/{sample.id}/members.csv"
                                     ).get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and all(r["reference"] == reference(int(r["resident_id"])) for r in rows)
    assert all(r["ward"] for r in rows)


@pytest.mark.parametrize("htmx", [True, False])
def test_re_running_the_draw_shows_its_outcome_at_once(demo, login, htmx):  # noqa: F811
    sample = draw()
    client = login(Role.OFFICER)
    html = page(client, sample)
    assert "Not yet checked" in html
    headers = {"HX-Request": "true"} if htmx else {}
    token = csrf_token_from(client, f"/quota/samples/{sample.id}")
    answer = client.post(f"/quota/samples/{sample.id}/reproduce", headers=headers,
                         data={"csrf_token": token}).get_data(as_text=True)
    assert "the same people were selected" in answer
    assert "Not yet checked" not in answer
    row = answer.split('id="reproduced-row"')[1].split("</div>")[0]
    db.session.refresh(sample)
    assert sample.reproduced_at.strftime("%-d %b %Y %H:%M") in row
    assert ('hx-swap-oob="true"' in answer) is htmx


def test_when_nobody_can_replace_the_reason_names_quotas_by_their_labels(demo, login):  # noqa: F811
    sample = draw(dimensions=("age_band", "ethnic_group", "sex"))
    client = login(Role.OFFICER)
    shown = []
    for member in sample.members_with(MemberRole.SELECTED):
        proposal, problem = services.proposal_shown_to(officer(), sample, member)
        if problem:
            shown.append(client.get(f"/quota/samples/{sample.id}/members/{member.id}/replace"
                                    ).get_data(as_text=True).split("<main", 1)[1])
    assert shown, "every member could be replaced"
    assert "lower the minimum" in shown[0] or "raise the maximum" in shown[0]
    assert not CODES.search(shown[0].split("Back to the sample")[0])
    assert re.search(r"Age (\d+ to \d+|75 or over)", shown[0])


def test_a_drop_out_and_their_replacement_are_named_with_reference_and_ward(demo, login):  # noqa: F811
    sample = draw()
    member = sample.members_with(MemberRole.SELECTED)[0]
    proposal = services.propose(sample, member)
    services.replace_member(officer(), sample, member, proposal.resident_id)
    html = page(login(Role.OFFICER), sample)
    dropped = html.split("Dropped out (")[1].split('id="methods"')[0]
    assert reference(member.resident_id) in dropped
    selected = html.split('id="selected"')[1].split("Reserves (")[0]
    assert re.search(rf"Replaces [^<]+\({reference(member.resident_id)}, [^)<]+\)", selected)
