"""The host's commands: ``flask mail ...`` (the outbox), ``flask users ...`` (accounts) and
``flask schedule ...`` (the housekeeping features declare). They call the same services as the
web pages."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import func, select

from core import accounts, mail
from core.errors import DomainError
from core.extensions import db
from core.models import Message, Role
from core.scheduling import run_due, schedule_status

mail_cli = AppGroup("mail", help="The outbox.")
users_cli = AppGroup("users", help="Staff accounts.")
schedule_cli = AppGroup("schedule", help="Regular housekeeping the features declare.")


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
        user = accounts.create_user(email, password, Role(role), name)
    except DomainError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Created {user.role.value} {user.email}")


def _user(email: str):  # noqa: ANN202
    user = accounts.find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"There is no account with the email address {email}")
    return user


@users_cli.command("set-role")
@click.option("--email", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
def set_role(email: str, role: str) -> None:
    """Change an account's role (its sessions end: it signs in again)."""
    accounts.change_role(None, _user(email), Role(role))
    click.echo(f"{email} is now {Role(role).label}; their sessions have ended.")


@users_cli.command("deactivate")
@click.option("--email", required=True)
def deactivate(email: str) -> None:
    """Stop an account signing in, and end its sessions now."""
    accounts.set_active(None, _user(email), False)
    click.echo(f"{email} is deactivated; their sessions have ended.")


@users_cli.command("reactivate")
@click.option("--email", required=True)
def reactivate(email: str) -> None:
    """Let a deactivated account sign in again."""
    accounts.set_active(None, _user(email), True)
    click.echo(f"{email} can sign in again.")


@users_cli.command("set-password")
@click.option("--email", required=True)
@click.password_option()
def set_password(email: str, password: str) -> None:
    """Set a new password (the same rule as everywhere; their sessions end)."""
    try:
        accounts.change_password(None, _user(email), password)
    except DomainError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"The password of {email} is changed; their sessions have ended.")


@schedule_cli.command("run")
def run_schedule() -> None:
    """Run every task that is due (run this every few minutes from cron); exit code 1 when a
    task failed (cron then mails it)."""
    lines, succeeded = run_due()
    for line in lines:
        click.echo(line)
    if not succeeded:
        raise SystemExit(1)


@schedule_cli.command("list")
def list_schedule() -> None:
    """Each task, how often it runs and when it last ran."""
    for line in schedule_status():
        click.echo(line)


def init_app(app: Flask) -> None:
    app.cli.add_command(mail_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(schedule_cli)
