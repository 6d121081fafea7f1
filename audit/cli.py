"""``caseapp audit verify|checkpoint``: thin calls into the log's services."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from audit import checkpoints, services, verify
from caseapp.extensions import db

audit_cli = AppGroup("audit", help="The audit log's integrity: verify the chain, sign checkpoints.")


@audit_cli.command("verify")
@click.option("--incremental", is_flag=True,
              help="Only the events after the last signed checkpoint (the nightly check).")
def verify_command(incremental: bool) -> None:
    """Re-compute the hash chain; exit 1 naming the first bad event."""
    result = services.verify_chain(db.session, current_app.instance_path, incremental=incremental)
    db.session.commit()
    if not result.ok:
        raise click.ClickException(verify.describe(result))
    click.echo(verify.describe(result))


@audit_cli.command("checkpoint")
def checkpoint_command() -> None:
    """Verify the chain, then sign its head (Ed25519) into the database and a file."""
    result = services.write_checkpoint(db.session, current_app.instance_path)
    db.session.commit()
    if not result.ok:
        raise click.ClickException(verify.describe(result) + " No checkpoint was signed.")
    if result.head_seq == 0:
        click.echo("The audit log is empty; there is nothing to sign.")
        return
    click.echo(f"Signed checkpoint at position {result.checkpoint_seq}; a copy is in "
               f"{checkpoints.checkpoint_file(current_app.instance_path)}.")


def register(cli: click.Group) -> None:
    """Add this area's commands to the ``caseapp`` console script."""
    cli.add_command(audit_cli)
