"""``caseapp caseload``: maintenance of the coordinators' dashboard."""
from __future__ import annotations

import click
from flask.cli import AppGroup, with_appcontext


@click.group("caseload", cls=AppGroup)
def caseload_group() -> None:
    """The coordinators' caseload dashboard."""


@caseload_group.command("reindex-goals")
@with_appcontext
def caseload_reindex_goals_command() -> None:
    """Rebuild the plain deadlines of open plan goals from each plan's current version (once,
    after upgrading to migration 0007_dash)."""
    from caseapp.caseload.models import reindex_deadlines
    from caseapp.extensions import db

    count = reindex_deadlines(db.session)
    db.session.commit()
    click.echo(f"{count} plan(s) indexed.")


def register(cli: click.Group) -> None:
    """Add this area's commands to the ``caseapp`` console script."""
    cli.add_command(caseload_group)
