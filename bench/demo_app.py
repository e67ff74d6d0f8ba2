"""A migrated, seeded demo app in a temporary SQLite file, and a client signed in to it."""

from __future__ import annotations

import re
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from core.config import TestConfig
from core.extensions import db
from panel import demo
from wsgi import create_app

SEED = 2021


@contextmanager
def seeded_app(residents: int) -> Iterator[tuple[Flask, float]]:
    """(app, seconds the seeding took); the database is deleted afterwards."""
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{Path(tmp) / 'b.db'}")
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
            start = time.perf_counter()
            demo.seed_demo(seed=SEED, residents=residents)
            seconds = time.perf_counter() - start
            db.session.remove()
        try:
            yield app, seconds
        finally:
            with app.app_context():
                db.engine.dispose()


def signed_in_client(app: Flask, account: str = "officer") -> FlaskClient:
    """A test client signed in through the sign-in form as a demo account."""
    client = app.test_client()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                      client.get("/sign-in").get_data(as_text=True)).group(1)
    response = client.post("/sign-in", data={"email": demo.demo_email(account),
                                             "password": demo.demo_password(SEED, account),
                                             "csrf_token": token})
    assert response.status_code == 302, f"could not sign in as the demo {account}"
    return client
