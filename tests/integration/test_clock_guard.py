"""The suite must not depend on the day it runs. Tests that need calendar dates pin their clock
(``@pytest.mark.clock``); these tests keep the ones that work with dates relative to "now"
(closing dates, reminders, contact windows, upload and job expiry) honest by running them in a
child pytest at an awkward moment: the last half hour of a leap day, a month and a quarter,
with the machine in UK time. ``make clocks`` runs every unit and integration test this way.

The child uses SQLite only: it must never empty the PostgreSQL database this run is using.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime

import pytest

from core.models import utcnow
from tests.conftest import CLOCK_VARIABLE, PROJECT_ROOT

AWKWARD_MOMENT = "2028-02-29T23:30"  # UTC; 23:30 GMT in the UK
RELATIVE_DATE_TESTS = [
    "tests/integration/surveys/test_settings.py::"
    "test_a_closing_date_now_past_stays_while_other_settings_change",
    "tests/integration/surveys/test_reminders.py",
    "tests/integration/surveys/test_models.py::"
    "test_a_survey_moves_draft_open_closed_published_and_no_other_way",
    "tests/integration/panel/test_unsubscribe.py::test_the_reminder_has_the_link_too",
    "tests/integration/panel/test_members.py::test_members_at_the_contact_cap_are_shown",
]


def run_at(moment: str, tests: list[str]) -> subprocess.CompletedProcess[str]:
    child_env = {key: value for key, value in os.environ.items()
                 if key not in ("TEST_DATABASE_URL", "CI", "PYTEST_ADDOPTS")}
    child_env.update({CLOCK_VARIABLE: moment, "TZ": "Europe/London"})
    return subprocess.run(  # noqa: S603 (our own interpreter running our own tests)
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests],
        cwd=PROJECT_ROOT, env=child_env, capture_output=True, text=True, timeout=600,
        check=False)


def test_tests_with_relative_dates_pass_at_an_awkward_moment():
    child = run_at(AWKWARD_MOMENT, RELATIVE_DATE_TESTS)
    assert child.returncode == 0, child.stdout[-4000:] + child.stderr[-2000:]
    assert " passed" in child.stdout and " failed" not in child.stdout


@pytest.mark.clock("2028-02-29 23:30")
def test_the_clock_marker_stops_the_clock_at_that_moment_in_utc():
    assert utcnow() == utcnow() == datetime(2028, 2, 29, 23, 30)
    assert datetime.now().astimezone().utcoffset().total_seconds() == 0  # UTC, whatever TZ says
