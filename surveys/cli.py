"""``flask surveys send-reminders``: remind non-responders on each open survey's schedule."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from surveys.invitations import send_reminders


@click.command("send-reminders")
def send_reminders_command() -> None:
    """Queue the reminders that are due (schedule it daily; the outbox sends them)."""
    count = send_reminders()
    click.echo(f"{count} reminder{'' if count == 1 else 's'} queued.")


surveys_cli = AppGroup("surveys", help="Surveys housekeeping.")
surveys_cli.add_command(send_reminders_command)
