"""The e-panel's commands: ``flask demo seed``, ``flask panel expire-unverified`` and
``flask imports purge-uploads``.

They call the same services as the web pages.
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from core.errors import DomainError
from core.features import registry

demo_cli = AppGroup("demo", help="Demo data.")
panel_cli = AppGroup("panel", help="Panel housekeeping.")
imports_cli = AppGroup("imports", help="Panel imports.")


@panel_cli.command("expire-unverified")
@click.option("--days", default=7, show_default=True,
              help="Erase resident sign-ups whose email is still unconfirmed after this long.")
def expire_unverified(days: int) -> None:
    """Erase sign-ups that never confirmed their email (run daily from a scheduler)."""
    from datetime import timedelta

    from panel import joining

    click.echo(f"Erased {joining.expire_unverified(timedelta(days=days))} unconfirmed "
               "sign-ups.")


@imports_cli.command("purge-uploads")
def purge_uploads() -> None:
    """Delete uploaded files nobody imported within a day (run daily from a scheduler)."""
    from panel.imports import service

    count = service.purge_stale_uploads()
    click.echo(f"Deleted {count:,} {'upload that was' if count == 1 else 'uploads that were'} "
               "never imported (uploaded more than a day ago).")


@demo_cli.command("seed")
@click.option("--seed", default=2021, show_default=True, help="Random seed: same seed, same data.")
@click.option("--residents", default=5000, show_default=True)
@click.option("--if-empty", is_flag=True,
              help="Skip seeding (still print sign-ins) if there are users.")
def seed(seed: int, residents: int, if_empty: bool) -> None:
    """Build the demo council: wards, profile questions, Census 2021 targets, staff, residents."""
    from panel import demo

    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException(
            "Demo data has published passwords: seed it only with CIVIC_PANEL_ENV=development."
        )
    if if_empty and not demo.database_is_empty():
        click.echo("The database already has data; nothing seeded.")
    else:
        try:
            summary = demo.seed_demo(seed=seed, residents=residents)
        except DomainError as error:
            raise click.ClickException(str(error)) from error
        click.echo(summary.describe())
        for step in registry().demo_steps:      # each feature's part, in the given order
            click.echo(step(seed))
    click.echo(demo.describe_sign_ins())
