"""Outcome statistics and the Nøkkeltall report for a coordinator's own units (suppressed)."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_babel import gettext as _

from caseapp.clock import local_now
from caseapp.extensions import db
from caseapp.auth.forms import PostForm
from caseapp.reports import nokkeltall, services
from caseapp.reports import research as research_extract
from caseapp.reports.charts import charts, svg
from caseapp.reports.forms import StatisticsForm
from roles import Perm
from roles.guards import own_units, requires

bp = Blueprint("reports", __name__, url_prefix="/reports")


def _report_for_request():
    """(report or None, form, error): the user's units only; another unit is not found."""
    units = own_units(Perm.REPORTS_VIEW, request.args.get("unit"))
    form = StatisticsForm(request.args)
    form.fill_choices(own_units(Perm.REPORTS_VIEW))
    try:
        filters = services.parse_filters(request.args, units, local_now().date())
    except services.BadFilter:
        return None, form, _("Check the filter: dates as YYYY-MM-DD (the end not before the "
                             "start) and a track that belongs to the programme.")
    form.date_from.data, form.date_to.data = filters.date_from.isoformat(), filters.date_to.isoformat()
    return services.make_report(db.session, filters, units), form, None


@bp.route("/statistics")
@requires(Perm.REPORTS_VIEW)
def statistics():
    report, form, error = _report_for_request()
    if report is None:
        return render_template("reports/statistics.html", form=form, error=error, report=None), 400
    services.record_generation(report, "page")
    return render_template("reports/statistics.html", form=form, error=None, report=report,
                           charts=[(chart, svg(chart)) for chart in charts(report)],
                           note=nokkeltall.suppression_note(),
                           cost_header=nokkeltall.cost_header(),
                           cost_lines=nokkeltall.cost_lines(report), query=request.args)


@bp.route("/nokkeltall.<kind>")
@requires(Perm.REPORTS_VIEW)
def download(kind: str):
    if kind not in services.FORMATS:
        abort(404)
    report, _form, error = _report_for_request()
    if report is None:
        abort(400)
    body = nokkeltall.render(report, kind, current_app.config["CASEAPP_ORGANISATION_NAME"])
    services.record_generation(report, kind)
    return Response(body, mimetype=nokkeltall.MEDIA_TYPES[kind], headers={
        "Content-Disposition": f"attachment; filename=nokkeltall.{kind}"})



@bp.route("/research", methods=["GET", "POST"])
@requires(Perm.RESEARCH_EXTRACT)
def research():
    """The configured research projects; a POST makes one project's extract (a zip)."""
    projects = current_app.config["CASEAPP_RESEARCH_PROJECTS"]
    form = PostForm()
    if request.method == "POST" and form.validate_on_submit():
        project = request.form.get("project", "")
        try:
            extract = research_extract.make_extract(db.session, current_app.config, project,
                                                    grounds="research_consent")
        except research_extract.UnknownProject:
            abort(404)
        return Response(extract.content, mimetype="application/zip", headers={
            "Content-Disposition": f"attachment; filename=research-{extract.extract_id}.zip"})
    return render_template("reports/research.html", projects=projects, form=form,
                           columns=research_extract.COLUMNS)
