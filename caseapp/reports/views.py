"""Outcome statistics and the Nøkkeltall report for a coordinator's own units (suppressed)."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_babel import gettext as _

from caseapp.clock import local_now
from caseapp.extensions import db
from caseapp.auth.forms import PostForm
from caseapp.reports import nokkeltall, ot, services
from caseapp.reports import research as research_extract
from caseapp.reports.charts import charts, svg
from caseapp.reports.forms import StatisticsForm
from roles import Perm
from roles.guards import own_units, requires

bp = Blueprint("reports", __name__, url_prefix="/reports")


def _report_for_request(exact: bool = False):
    """(report or None, form, error): the user's units only; another unit is not found. The
    exact report (privacy officer) covers every unit."""
    if exact:
        try:
            units = services.units_in_scope(db.session, None, request.args.get("unit"))
        except services.OutOfScope:
            abort(404)
        choices = services.units_in_scope(db.session, None, None)
    else:
        units = own_units(Perm.REPORTS_VIEW, request.args.get("unit"))
        choices = own_units(Perm.REPORTS_VIEW)
    form = StatisticsForm(request.args)
    form.fill_choices(choices)
    try:
        filters = services.parse_filters(request.args, units, local_now().date())
    except services.BadFilter:
        return None, form, _("Check the filter: dates as YYYY-MM-DD (the end not before the "
                             "start) and a track that belongs to the programme.")
    form.date_from.data, form.date_to.data = filters.date_from.isoformat(), filters.date_to.isoformat()
    return services.make_report(db.session, filters, units, exact), form, None


GROUNDS = {False: "coordinator_review", True: "privacy_oversight"}


def _page(exact: bool):
    report, form, error = _report_for_request(exact)
    page, download = ("exact", "download_exact") if exact else ("statistics", "download")
    endpoints = {"page": f"reports.{page}", "download": f"reports.{download}"}
    if report is None:
        return render_template("reports/statistics.html", form=form, error=error, report=None,
                               endpoints=endpoints), 400
    services.record_generation(report, "page", grounds=GROUNDS[exact])
    return render_template("reports/statistics.html", form=form, error=None, report=report,
                           charts=[(chart, svg(chart)) for chart in charts(report)],
                           note=nokkeltall.suppression_note(report),
                           cost_header=nokkeltall.cost_header(), endpoints=endpoints,
                           ot_legend=ot.legend(),
                           cost_lines=nokkeltall.cost_lines(report), query=request.args)


def _file(kind: str, exact: bool):
    if kind not in services.FORMATS:
        abort(404)
    report, _form, error = _report_for_request(exact)
    if report is None:
        abort(400)
    body = nokkeltall.render(report, kind, current_app.config["CASEAPP_ORGANISATION_NAME"])
    services.record_generation(report, kind, grounds=GROUNDS[exact])
    name = "nokkeltall-exact" if exact else "nokkeltall"
    return Response(body, mimetype=nokkeltall.MEDIA_TYPES[kind], headers={
        "Content-Disposition": f"attachment; filename={name}.{kind}"})


@bp.route("/statistics")
@requires(Perm.REPORTS_VIEW)
def statistics():
    return _page(exact=False)


@bp.route("/nokkeltall.<kind>")
@requires(Perm.REPORTS_VIEW)
def download(kind: str):
    return _file(kind, exact=False)


@bp.route("/exact")
@requires(Perm.REPORTS_EXACT)
def exact():
    """The privacy officer's exact figures (every unit, no cell-key change), audited."""
    return _page(exact=True)


@bp.route("/exact.<kind>")
@requires(Perm.REPORTS_EXACT)
def download_exact(kind: str):
    return _file(kind, exact=True)



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
