"""Consent duties run from the command line (``caseapp consent expire``)."""
from __future__ import annotations

import click
from flask.cli import AppGroup, with_appcontext


@click.group("consent", cls=AppGroup)
def consent_group() -> None:
    """Consent records."""


@consent_group.command("expire")
@with_appcontext
def consent_expire_command() -> None:
    """Record an expiry event for every consent whose end date has passed (run daily)."""
    from caseapp.extensions import db
    from consent.services import record_expiries

    expired = record_expiries(db.session)
    db.session.commit()
    click.echo(f"{len(expired)} consent(s) expired.")


def register(cli: click.Group) -> None:
    """Add this area's commands to the ``caseapp`` console script."""
    cli.add_command(consent_group)
