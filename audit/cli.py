"""``caseapp audit verify|checkpoint`` and ``caseapp export-subject``: thin calls into services."""
from __future__ import annotations

import os

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from audit import chain, services, subject
from caseapp.extensions import db

audit_cli = AppGroup("audit", help="The audit log's integrity: verify the chain, sign checkpoints.")


@audit_cli.command("verify")
def verify_command() -> None:
    """Re-compute the hash chain; exit 1 naming the first bad event."""
    result = services.verify_chain(db.session, current_app.instance_path)
    db.session.commit()
    if not result.ok:
        raise click.ClickException(chain.describe(result))
    click.echo(chain.describe(result))


@audit_cli.command("checkpoint")
def checkpoint_command() -> None:
    """Verify the chain, then sign its head (Ed25519) into the database and a file."""
    result = services.write_checkpoint(db.session, current_app.instance_path)
    db.session.commit()
    if not result.ok:
        raise click.ClickException(chain.describe(result) + " No checkpoint was signed.")
    if result.head_seq == 0:
        click.echo("The audit log is empty; there is nothing to sign.")
        return
    click.echo(f"Signed checkpoint at position {result.checkpoint_seq}; a copy is in "
               f"{services.checkpoint_file(current_app.instance_path)}.")


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
    from audit import retention

    steps = retention.run(db.session, current_app.config["CASEAPP_RETENTION_DAYS"], dry_run)
    db.session.commit()
    verb = "would be" if dry_run else "were"
    for step in steps:
        click.echo(f"{step.record}: {len(step.due)} {verb} handled "
                   f"({step.action}, {step.days} days after: {step.trigger}).")
