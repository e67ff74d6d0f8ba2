"""The schema comes only from Alembic migrations, and they match the models exactly."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from core.config import TestConfig
from core.extensions import db
from tests.conftest import BACKENDS, _postgres_url
from wsgi import create_app


@pytest.fixture(params=BACKENDS)
def fresh_app(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    else:
        url = _postgres_url().rsplit("/", 1)[0] + "/" + _scratch_database(_postgres_url())
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
    if request.param == "postgresql":
        _drop_scratch_database(_postgres_url())


def _scratch_database(url: str) -> str:
    from sqlalchemy import create_engine, text

    name = url.rsplit("/", 1)[1] + "_migrations"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return name


def _drop_scratch_database(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}_migrations"'))
    engine.dispose()


def test_migrations_produce_exactly_the_models_schema(fresh_app):
    upgrade()
    with db.engine.connect() as connection:
        diff = compare_metadata(
            MigrationContext.configure(connection, opts={"compare_type": True}), db.metadata
        )
    assert diff == []


def test_migrations_downgrade_to_nothing_and_back(fresh_app):
    upgrade()
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert {"users", "residents", "messages", "audit_events"} <= set(
        inspect(db.engine).get_table_names())


