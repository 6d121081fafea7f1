"""``caseapp export-subject`` and ``caseapp retention run``: thin calls into the privacy
officer's services."""
from __future__ import annotations

import os

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from caseapp.extensions import db
from caseapp.privacy import subject


@click.command("export-subject")
@click.option("--national-id", required=True, help="The young person's 11-digit national ID.")
@click.option("--format", "fmt", type=click.Choice(["json", "pdf"]), default="json",
              show_default=True)
@click.option("--out", required=True, type=click.Path(dir_okay=False, writable=True),
              help="File to write (created owner-only).")
@with_appcontext
def export_subject_command(national_id: str, fmt: str, out: str) -> None:
    """Art. 15: write everything stored about one participant to a file (audited)."""
    from caseapp.participants.national_id import InvalidNationalId

    try:
        participant = subject.find_subject(db.session, None, national_id)
    except InvalidNationalId:
        raise click.ClickException("That is not a valid national ID number.") from None
    if participant is None:
        raise click.ClickException("No participant has that national ID number.")
    body = subject.export(db.session, None, participant, fmt)
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(body)
    db.session.commit()
    click.echo(f"Wrote the {fmt.upper()} export of participant {participant.id} to {out}.")


retention_cli = AppGroup("retention", help="Apply the retention schedule (CASEAPP_RETENTION_DAYS).")


@retention_cli.command("run")
@click.option("--dry-run", is_flag=True, help="Report what would be done; change nothing.")
def retention_run_command(dry_run: bool) -> None:
    """Delete, erase or crypto-shred what has passed its retention period (audited)."""
    from caseapp.privacy import retention

    steps = retention.run(db.session, current_app.config["CASEAPP_RETENTION_DAYS"], dry_run)
    db.session.commit()
    verb = "would be" if dry_run else "were"
    for step in steps:
        click.echo(f"{step.record}: {len(step.due)} {verb} handled "
                   f"({step.action}, {step.days} days after: {step.trigger}).")


def register(cli: click.Group) -> None:
    """Add this area's commands to the ``caseapp`` console script."""
    cli.add_command(retention_cli)
    cli.add_command(export_subject_command)
