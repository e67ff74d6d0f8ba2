"""Nothing personal is kept in a browser's or a proxy's cache: every response but static files
says ``Cache-Control: no-store`` (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from core.extensions import db
from core.models import Role
from surveys.models import Survey
from tests.integration.session_helpers import one_member_sample


@pytest.fixture
def officer(login):
    return login(Role.OFFICER)


def test_staff_downloads_are_not_stored(app, officer, make_resident):
    from panel.engagements import Engagement, SpectrumLevel

    sample = one_member_sample(make_resident(email="ada@example.org"))
    survey = Survey(engagement=Engagement(title="Libraries", level=SpectrumLevel.CONSULT),
                    title="Libraries survey")
    db.session.add(survey)
    db.session.commit()
    urls = [f"/quota/samples/{sample.id}/members.csv", "/panel/members",
            f"/surveys/{survey.id}/responses.csv", f"/surveys/{survey.id}/responses.xlsx",
            f"/surveys/{survey.id}/responses.sav", "/representation/figures.csv",
            f"/panel/members/{sample.members[0].resident_id}", "/dashboard"]
    for url in urls:
        response = officer.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url


def test_a_residents_own_data_is_not_stored(app, make_resident, sign_in):
    resident = make_resident(email="ada@example.org")
    client = sign_in(resident.user)
    for url in ["/account/my-data.json", "/account/my-data.csv", "/account"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url


def test_redirects_and_errors_are_not_stored_either(client):
    for url in ["/dashboard", "/no-such-page"]:
        assert client.get(url).headers["Cache-Control"] == "no-store", url


def test_static_files_may_be_cached(client):
    from pathlib import Path

    from tests.conftest import PROJECT_ROOT

    css = next(Path(PROJECT_ROOT / "static").rglob("*.css")).relative_to(PROJECT_ROOT / "static")
    response = client.get(f"/static/{css.as_posix()}")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    response.close()
