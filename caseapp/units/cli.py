"""Creating units from the command line."""
from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.command("create-unit")
@click.argument("name")
@click.option("--organisation", required=True, help='e.g. "Agder fylkeskommune"')
@click.option("--kind", default="other", type=click.Choice(
    ["lower_secondary", "upper_secondary", "nav_office", "care_home", "workplace", "other"]))
@with_appcontext
def create_unit_command(name: str, organisation: str, kind: str) -> None:
    """Create a unit (school, Nav office, workplace) in an organisation."""
    from caseapp.extensions import db
    from caseapp.units.services import UnitError, create_unit

    try:
        unit = create_unit(db.session, name, organisation, kind)
    except UnitError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"Created unit {unit.display_name}.")


def register(cli: click.Group) -> None:
    """Add this area's commands to the ``caseapp`` console script."""
    cli.add_command(create_unit_command)
