"""Every URL, every form field and query parameter, every role, hostile values: no 500s.

Walks ``app.url_map`` (every rule and method; URL variables filled with the ids of real
records, and with missing and over-long ones), reads each page's forms to learn their fields,
and sends NUL and other control characters, 10,000 characters, integers beyond 64 bits,
negative numbers, wrong choices, text sent as a file part, missing and duplicated fields and a
double submit, as an anonymous visitor, a resident, an organiser, an officer and an
administrator, on SQLite and PostgreSQL. Every response of 500 or more is collected and
reported together (route, role, payload), never only the first.
"""

from __future__ import annotations

import time

from tests.integration.fuzz.fuzzer import Fuzzer
from tests.integration.fuzz.world import seed_world


def test_no_request_gets_a_server_error(app, capsys):
    started = time.perf_counter()
    fuzzer = Fuzzer(app, seed_world())
    fuzzer.sign_in_everyone()
    fuzzer.discover()
    fuzzer.walk()
    with capsys.disabled():
        backend = app.config["SQLALCHEMY_DATABASE_URI"].split(":")[0].split("+")[0]
        print(f"\nfuzz ({backend}): {fuzzer.requests} requests in "
              f"{time.perf_counter() - started:.0f} s, {len(fuzzer.failures)} of 500 or more")
    assert not fuzzer.failures, fuzzer.report()
