"""``caseapp audit verify`` and ``caseapp audit checkpoint``: thin calls into the services."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from audit import chain, services
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
