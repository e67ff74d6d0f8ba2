"""Command-line commands: ``flask mail ...``, ``flask users ...``, ``flask demo ...``.

They call the same services as the web pages.
"""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from panel import mail, services
from panel.extensions import db
from panel.models import Message, Role

mail_cli = AppGroup("mail", help="The outbox.")
users_cli = AppGroup("users", help="Staff accounts.")
demo_cli = AppGroup("demo", help="Demo data.")
panel_cli = AppGroup("panel", help="Panel housekeeping.")


@panel_cli.command("expire-unverified")
@click.option("--days", default=7, show_default=True,
              help="Erase resident sign-ups whose email is still unconfirmed after this long.")
def expire_unverified(days: int) -> None:
    """Erase sign-ups that never confirmed their email (run daily from a scheduler)."""
    from datetime import timedelta

    from panel import membership

    click.echo(f"Erased {membership.expire_unverified(timedelta(days=days))} unconfirmed "
               "sign-ups.")


@mail_cli.command("send-pending")
def send_pending() -> None:
    """Deliver every due message in the outbox (run every minute from a scheduler)."""
    report = mail.send_pending()
    click.echo(
        f"sent {len(report.sent)}, will retry {len(report.retrying)}, failed {len(report.failed)}"
    )


@mail_cli.command("status")
def status() -> None:
    """How many messages are in each state."""
    rows = db.session.execute(
        select(Message.status, func.count()).group_by(Message.status).order_by(Message.status)
    ).all()
    for state, count in rows:
        click.echo(f"{state.value:8} {count}")
    if not rows:
        click.echo("The outbox is empty.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--name", default="")
@click.password_option()
def create_user(email: str, role: str, name: str, password: str) -> None:
    """Create a staff (or resident) account."""
    try:
        user = services.create_user(email, password, Role(role), name)
    except services.DomainError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Created {user.role.value} {user.email}")


def _user(email: str):  # noqa: ANN202
    user = services.find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"There is no account with the email address {email}")
    return user


@users_cli.command("set-role")
@click.option("--email", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
def set_role(email: str, role: str) -> None:
    """Change an account's role (its sessions end: it signs in again)."""
    services.change_role(None, _user(email), Role(role))
    click.echo(f"{email} is now {Role(role).label}; their sessions have ended.")


@users_cli.command("deactivate")
@click.option("--email", required=True)
def deactivate(email: str) -> None:
    """Stop an account signing in, and end its sessions now."""
    services.set_active(None, _user(email), False)
    click.echo(f"{email} is deactivated; their sessions have ended.")


@users_cli.command("reactivate")
@click.option("--email", required=True)
def reactivate(email: str) -> None:
    """Let a deactivated account sign in again."""
    services.set_active(None, _user(email), True)
    click.echo(f"{email} can sign in again.")


@users_cli.command("set-password")
@click.option("--email", required=True)
@click.password_option()
def set_password(email: str, password: str) -> None:
    """Set a new password (the same rule as everywhere; their sessions end)."""
    try:
        services.change_password(None, _user(email), password)
    except services.DomainError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"The password of {email} is changed; their sessions have ended.")


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
        except services.DomainError as error:
            raise click.ClickException(str(error)) from error
        click.echo(summary.describe())
    click.echo(demo.describe_sign_ins())


def init_app(app: Flask) -> None:
    app.cli.add_command(mail_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(panel_cli)
