"""``caseapp report``: the Nøkkeltall report to a file (for monthly runs by cron)."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext


def _day(_ctx, _param, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DD") from None


@click.command("report")
@click.option("--from", "date_from", required=True, callback=_day, help="First day, YYYY-MM-DD.")
@click.option("--to", "date_to", required=True, callback=_day, help="Last day, YYYY-MM-DD.")
@click.option("--unit", "unit_id", default=None, help="One unit's id (default: every unit).")
@click.option("--programme", default=None, help="youth_mentor or work_leader (default: both).")
@click.option("--track", default=None, help="One track of the programme (default: all).")
@click.option("--format", "kind", required=True, type=click.Choice(["pdf", "csv", "xlsx"]))
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def report_command(date_from, date_to, unit_id, programme, track, kind, out: Path) -> None:
    """Write the Nøkkeltall report (suppressed figures) as PDF, CSV or XLSX; audited."""
    from caseapp.extensions import db
    from caseapp.reports import nokkeltall, services

    try:
        units = services.units_in_scope(db.session, None, unit_id)
        filters = services.parse_filters({"from": date_from.isoformat(), "to": date_to.isoformat(),
                                          "programme": programme, "track": track},
                                         units, date_to)
    except services.OutOfScope:
        raise click.ClickException(f"No unit with the id {unit_id!r}.") from None
    except services.BadFilter as exc:
        raise click.ClickException(f"Check --{exc.args[0]}.") from None
    report = services.make_report(db.session, filters, units)
    body = nokkeltall.render(report, kind, current_app.config["CASEAPP_ORGANISATION_NAME"])
    services.record_generation(report, kind, actor=None, grounds="scheduled_report")
    out.write_bytes(body)
    db.session.commit()
    click.echo(f"Wrote {out} ({kind}, {len(body)} bytes).")


@click.command("research-extract")
@click.option("--project", required=True, help="A project code from CASEAPP_RESEARCH_PROJECTS.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The zip file to write (data.csv and description.json).")
@with_appcontext
def research_extract_command(project: str, out: Path) -> None:
    """A pseudonymised extract for a research project: only people with a research consent,
    only the project's columns, a fresh salt each time; audited."""
    from caseapp.extensions import db
    from caseapp.reports.research import UnknownProject, make_extract

    try:
        extract = make_extract(db.session, current_app.config, project,
                               grounds="research_consent")
    except UnknownProject as exc:
        raise click.ClickException(f"No research project configured as {exc.args[0]!r}.") from None
    out.write_bytes(extract.content)
    db.session.commit()
    click.echo(f"Wrote {out}: {extract.rows} rows for project {project}.")
