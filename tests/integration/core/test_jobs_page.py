"""The one job page, /jobs/<id> (core.jobs.views, templates/jobs/show.html), for every kind of
job a feature declares: progress while it runs, then its result, its next page or why it
failed; only for those allowed to watch it. A real app with a small feature made here."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from flask import Blueprint, Flask, url_for
from flask.testing import FlaskClient
from jinja2 import ChoiceLoader, DictLoader

import core
from core.config import TestConfig
from core.extensions import db
from core.features import Feature
from core.jobs import runner
from core.jobs.kinds import JobKind
from core.models import Job, JobStatus, Role, User
from tests.conftest import BACKENDS, PASSWORD, FreshContextClient, csrf_token_from, empty_all_tables

OFFICERS = frozenset({Role.OFFICER})
HTMX = {"HX-Request": "true"}

bp = Blueprint("things", __name__)


@bp.get("/things/<int:count>")
def show_count(count: int) -> str:
    return f"{count} things"


def count_things(job: Job, progress: runner.Progress) -> dict:
    total = job.params["count"]
    progress(0, total=total, message="Counting things")
    return {"summary": f"Counted {total} things.", "count": total}


def fail(job: Job, progress: runner.Progress) -> dict:
    raise runner.JobFailed("The things could not be counted: the list is empty.")


THINGS = Feature(
    name="things",
    blueprints=(bp,),
    job_kinds=(
        JobKind("count-things", count_things, title="Count things", roles=OFFICERS,
                result_template="things/_result.html",
                details=lambda job: {"shelf": job.params.get("shelf", "top")},
                caption=lambda job: f"Shelf {job.params.get('shelf', 'top')}",
                while_running="Counting goes on while you do something else."),
        JobKind("open-count", count_things, title="Count and show", roles=OFFICERS,
                done_url=lambda job: url_for("things.show_count",
                                             count=job.result["count"])),
        JobKind("plain-count", count_things, title="Plain count", roles=OFFICERS),
        JobKind("broken-count", fail, title="Broken count", roles=OFFICERS),
    ),
)
RESULT = ("<p class=\"govuk-body\" id=\"things-result\">{{ job.result['count'] }} things on "
          "the {{ details.shelf }} shelf</p>")


@pytest.fixture(params=BACKENDS)
def app(request: pytest.FixtureRequest, database_urls: dict[str, str]) -> Iterator[Flask]:
    app = core.create_app(TestConfig, features=[THINGS],
                          SQLALCHEMY_DATABASE_URI=database_urls[request.param])
    app.jinja_loader = ChoiceLoader([DictLoader({"things/_result.html": RESULT}),  # type: ignore[assignment]
                                     app.jinja_loader])
    app.test_client_class = FreshContextClient
    with app.app_context():
        yield app
        db.session.rollback()
        empty_all_tables()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def person(app: Flask) -> Callable[..., User]:
    counter = iter(range(1, 1000))

    def make(role: Role = Role.OFFICER) -> User:
        user = User(email=f"{role.value}{next(counter)}@example.org", role=role)
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
        return user

    return make


def signed_in(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD,
                                             "csrf_token": csrf_token_from(client)})
    assert response.status_code == 302
    return client


def job_of(kind: str, by: User, status: JobStatus = JobStatus.QUEUED, **fields) -> Job:  # noqa: ANN003
    job = runner.enqueue(kind, by, fields.pop("params", {"count": 3}))
    job.status = status
    for name, value in fields.items():
        setattr(job, name, value)
    db.session.commit()
    return job


def test_a_running_job_shows_its_progress_and_polls_itself(app, person):
    officer = person()
    job = job_of("count-things", officer, JobStatus.RUNNING, total=200, done=50,
                 message="Counting things", params={"count": 200, "shelf": "middle"})
    response = signed_in(app, officer).get(f"/jobs/{job.id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<title>Count things –" in page
    assert '<span class="govuk-caption-l">Shelf middle</span>' in page
    assert '<h1 class="govuk-heading-l">Count things</h1>' in page
    assert re.search(r'<p [^>]*id="job-status" role="status">Counting things…</p>', page)
    # the progress bar, labelled
    assert '<label class="govuk-label govuk-label--s" for="job-progress-bar">Progress</label>' \
        in page
    assert re.search(r'<progress id="job-progress-bar"[^>]* max="100" value="25">25%</progress>',
                     page)
    assert "25% done (50 of 200)." in page
    assert "Counting goes on while you do something else." in page
    # polls itself with htmx; without JavaScript, a link to refresh
    assert re.search(rf'hx-get="/jobs/{job.id}" [^>]*hx-trigger="load delay:1s" '
                     r'hx-swap="outerHTML"', page)
    # each poll says what the page has read out so far
    assert """hx-vals='{"said": "Counting things\\u2026"}'""" in page
    assert re.search(rf'<noscript>.*href="/jobs/{job.id}">Refresh this page</a>.*</noscript>',
                     page, re.S)
    assert "flask jobs run" not in page  # it has started
    assert "things-result" not in page


def test_the_polling_fragment_is_the_progress_alone_and_updates_the_live_region(app, person):
    officer = person()
    job = job_of("count-things", officer, JobStatus.RUNNING, total=4, done=1,
                 message="Counting things")
    fragment = signed_in(app, officer).get(f"/jobs/{job.id}", headers=HTMX).get_data(
        as_text=True)
    assert fragment.lstrip().startswith('<div id="job-progress"')
    assert "<html" not in fragment and "<h1" not in fragment
    assert f'hx-get="/jobs/{job.id}"' in fragment
    assert '<p id="job-status" hx-swap-oob="innerHTML">Counting things…</p>' in fragment
    assert 'value="25"' in fragment


def test_a_poll_updates_the_live_region_only_when_the_status_has_changed(app, person):
    """A screen reader reads a live region out whenever it is replaced: not every second."""
    officer = person()
    job = job_of("count-things", officer, JobStatus.RUNNING, total=4, done=1,
                 message="Counting things")
    client = signed_in(app, officer)
    same = client.get(f"/jobs/{job.id}?said=Counting+things%E2%80%A6", headers=HTMX)
    fragment = same.get_data(as_text=True)
    assert "hx-swap-oob" not in fragment and 'id="job-status"' not in fragment
    assert 'value="25"' in fragment  # the bar still moves
    changed = client.get(f"/jobs/{job.id}?said=Waiting+to+start%E2%80%A6", headers=HTMX)
    assert '<p id="job-status" hx-swap-oob="innerHTML">Counting things…</p>' in \
        changed.get_data(as_text=True)
    runner.Progress(job.id)(2, message="Counting the last things")
    moved_on = client.get(f"/jobs/{job.id}?said=Counting+things%E2%80%A6", headers=HTMX)
    assert 'hx-swap-oob="innerHTML">Counting the last things…</p>' in \
        moved_on.get_data(as_text=True)


def test_a_job_not_started_says_so_and_names_the_job_runner(app, person):
    officer = person()
    job = job_of("count-things", officer)  # queued, total unknown
    page = signed_in(app, officer).get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "Waiting to start…" in page
    assert "<progress" not in page  # nothing to measure yet
    assert "<code>flask jobs run</code>" in page
    assert f'hx-get="/jobs/{job.id}"' in page


def test_a_finished_job_shows_the_result_its_kind_declares_and_stops_polling(app, person):
    officer = person()
    job = job_of("count-things", officer, params={"count": 3, "shelf": "bottom"})
    assert runner.run_job(job.id) == JobStatus.DONE
    client = signed_in(app, officer)
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert '<p class="govuk-body" id="things-result">3 things on the bottom shelf</p>' in page
    assert re.search(r'id="job-status" role="status">Counted 3 things.</p>', page)
    assert "hx-get" not in page and "<noscript>" not in page and "<progress" not in page
    fragment = client.get(f"/jobs/{job.id}", headers=HTMX).get_data(as_text=True)
    assert "things-result" in fragment and "hx-get" not in fragment
    assert '<p id="job-status" hx-swap-oob="innerHTML">Counted 3 things.</p>' in fragment


def test_a_finished_job_without_a_result_template_shows_its_summary(app, person):
    officer = person()
    job = job_of("plain-count", officer)
    runner.run_job(job.id)
    page = signed_in(app, officer).get(f"/jobs/{job.id}").get_data(as_text=True)
    assert re.search(r'role="status">Counted 3 things.</p>', page)
    assert "hx-get" not in page


def test_a_finished_job_with_a_next_page_goes_there(app, person):
    officer = person()
    job = job_of("open-count", officer, params={"count": 12})
    runner.run_job(job.id)
    client = signed_in(app, officer)
    response = client.get(f"/jobs/{job.id}")
    assert response.status_code == 303 and response.location == "/things/12"
    # an htmx poll cannot follow a redirect into its fragment: it is told to go there
    polled = client.get(f"/jobs/{job.id}", headers=HTMX)
    assert polled.status_code == 204 and polled.headers["HX-Redirect"] == "/things/12"
    assert polled.get_data() == b""


def test_a_job_with_a_next_page_shows_progress_until_it_is_done(app, person):
    officer = person()
    job = job_of("open-count", officer, JobStatus.RUNNING, message="Counting things")
    response = signed_in(app, officer).get(f"/jobs/{job.id}")
    assert response.status_code == 200 and "Counting things…" in response.get_data(as_text=True)


def test_a_failed_job_says_why(app, person):
    officer = person()
    job = job_of("broken-count", officer)
    assert runner.run_job(job.id) == JobStatus.FAILED
    page = signed_in(app, officer).get(f"/jobs/{job.id}").get_data(as_text=True)
    warning = re.search(r'<div class="govuk-warning-text">.*?</div>', page, re.S).group(0)
    assert "The things could not be counted: the list is empty." in warning
    assert '<span class="govuk-visually-hidden">Warning</span>' in warning
    assert "hx-get" not in page and "<progress" not in page


def test_an_unknown_job_is_not_found(app, person):
    assert signed_in(app, person()).get("/jobs/999999").status_code == 404


def test_a_job_of_a_kind_no_feature_declares_is_not_found(app, person):
    officer = person()
    job = job_of("retired-kind", officer)
    assert signed_in(app, officer).get(f"/jobs/{job.id}").status_code == 404


def test_a_job_is_refused_to_someone_not_allowed_to_watch_it(app, person):
    officer = person()
    job = job_of("count-things", officer, JobStatus.RUNNING)
    for other in (person(Role.RESIDENT), person(Role.ORGANISER)):
        response = signed_in(app, other).get(f"/jobs/{job.id}")
        assert response.status_code == 403
        assert "Counting" not in response.get_data(as_text=True)
    # another officer (the kind's role) may watch it
    assert signed_in(app, person()).get(f"/jobs/{job.id}").status_code == 200


def test_the_job_page_asks_someone_not_signed_in_to_sign_in(app, person):
    job = job_of("count-things", person())
    response = app.test_client().get(f"/jobs/{job.id}")
    assert response.status_code == 302 and response.location.startswith("/sign-in")
