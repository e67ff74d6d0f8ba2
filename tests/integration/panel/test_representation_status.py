"""Issue 15 on the dashboard: statuses judged by the gap and by chance, the same on the page
and in the CSV, and household targets (tenure) shown as shares of households."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter

import pytest

from core.models import Role
from panel.demo import seed_demo

URL = "/representation/"
CSV_URL = "/representation/figures.csv"
STATUSES = ("Under-represented", "Close to target", "Over-represented", "Too few to tell")


@pytest.fixture
def demo(app):
    return seed_demo(seed=11, residents=300)


def csv_rows(client, **query) -> list[dict[str, str]]:
    response = client.get(CSV_URL, query_string=query)
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def card(html: str, key: str) -> str:
    start = html.index(f'id="question-{key}"')
    end = html.find('<section class="govuk-summary-card', start + 1)
    return html[start:end if end > 0 else len(html)]


@pytest.mark.parametrize("status", ["active", "all"])
def test_the_page_and_the_csv_give_the_same_statuses(demo, login, status):
    client = login(Role.OFFICER)
    html = client.get(URL, query_string={"status": status, "verified": "any"}).get_data(
        as_text=True)
    rows = csv_rows(client, status=status, verified="any")
    in_csv = Counter(r["Status"] for r in rows)
    assert in_csv["Too few to tell"] > 0  # the demo has groups of a handful
    for label in STATUSES:  # each table row has one tag; the key on the page has one more
        assert html.count(f">{label}</strong>") == in_csv[label] + 1, label


def test_csv_statuses_follow_the_rule(demo, login):
    rows = csv_rows(login(Role.OFFICER), status="all", verified="any")
    compared = [r for r in rows if r["Status"] in STATUSES]
    assert compared
    for row in compared:
        gap = float(row["Gap (percentage points)"])
        if row["Status"] in ("Under-represented", "Over-represented"):
            assert abs(gap) >= 1, row
            assert (gap < 0) == (row["Status"] == "Under-represented"), row
        if row["Status"] == "Too few to tell":
            assert int(row["Members"]) < 5, row


def test_housing_tenure_is_compared_with_households(demo, login):
    html = login(Role.OFFICER).get(URL).get_data(as_text=True)
    tenure = card(html, "tenure")
    assert "Share of households</th>" in tenure and "The line is the share of households." \
        in tenure
    assert "borough" not in tenure
    age = card(html, "age_band")
    assert "Share of the borough</th>" in age and "households" not in age
    assert "Housing tenure is counted by household." in html
    missing = html[html.index("Who is missing"):html.index("How to read the figures")]
    found = re.findall(r'href="#question-(\w+)">[^<]*</a>([^<]*)\.', missing)
    assert found
    for key, predicate in found:
        assert ("of households" in predicate) == (key == "tenure"), predicate
        assert ("of the borough" in predicate) == (key != "tenure"), predicate
