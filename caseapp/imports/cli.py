"""Importing participants and cases from a list."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext


@click.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check every row and report problems; save nothing.")
@with_appcontext
def import_command(path: Path, dry_run: bool) -> None:
    """Import participants and cases from a CSV or XLSX list (all rows or none).

    Columns: given_name, family_name, national_id, birth_date, programme, track, unit (as shown
    in the app), worker (username), start_date, end_date, outcome (code), outcome_date,
    minority_language (yes/no), consent_date, consent_method (consent or statutory) and, for
    statutory, statutory_reference; for a minor's consent guardian_name, guardian_relation
    (guardian2_name, guardian2_relation) or maturity_assessment. Dates as YYYY-MM-DD or
    DD.MM.YYYY. A dry run runs the whole import and rolls it back."""
    from caseapp import transaction
    from caseapp.clock import local_now, now
    from caseapp.extensions import db
    from caseapp.imports.reader import UnreadableFile
    from caseapp.imports.services import check_file, import_rows

    try:
        rows, problems = check_file(db.session, path, local_now().date())
    except UnreadableFile as exc:
        raise click.ClickException(str(exc)) from None
    if not problems:  # a dry run imports too, then rolls back: one code path, same refusals
        count, problems = import_rows(db.session, rows, source=path, at=now())
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:  # a refused attempt on a restricted person stays on record
        transaction.rollback(db.session)
        raise click.ClickException(f"{len(problems)} problem(s); nothing was imported. "
                                   f"/ {len(problems)} feil; ingenting ble importert.")
    if dry_run:
        transaction.rollback(db.session)
        click.echo(f"{count} rows are ready to import. / {count} rader er klare.")
        return
    transaction.commit(db.session)
    click.echo(f"Imported {count} participants with cases. / Importerte {count} deltakere med saker.")


def register(cli: click.Group) -> None:
    """Add this area's commands to the ``caseapp`` console script."""
    cli.add_command(import_command)
