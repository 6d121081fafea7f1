"""Coordinators' view of their units' caseloads (metadata only): the dashboard and, for each
number, the list of cases behind it."""
from __future__ import annotations

import uuid

from flask import Blueprint, abort, current_app, render_template, request
from flask_login import current_user

from caseapp.caseload.dashboard import METRICS, Limits, UnknownMetric, dashboard, drill_down
from caseapp.clock import local_now, now
from caseapp.extensions import db
from roles import Perm
from roles.guards import own_units, requires

bp = Blueprint("caseload", __name__, url_prefix="/caseload")


def _limits() -> Limits:
    return Limits.from_config(current_app.config, today=local_now().date(), at=now())


def _uuid_arg(name: str) -> uuid.UUID | None:
    """An optional id in the query string; a malformed one answers 404."""
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        abort(404)


@bp.route("/")
@requires(Perm.CASELOAD_VIEW)
def overview():
    boards = dashboard(db.session, list(current_user.units), _limits())
    return render_template("caseload/overview.html", boards=boards, metrics=METRICS)


@bp.route("/<metric>")
@requires(Perm.CASELOAD_VIEW)
def drill(metric: str):
    """The cases behind one number: all the user's units, or ``?unit=`` (one of them) and
    ``?worker=``. Another unit or an unknown metric answers 404, as if it did not exist."""
    worker_id, one_unit = _uuid_arg("worker"), bool(request.args.get("unit"))
    units = own_units(Perm.CASELOAD_VIEW, request.args.get("unit"))
    try:
        listing = drill_down(db.session, units, metric, _limits(), worker_id=worker_id,
                             page=request.args.get("page", 1, type=int),
                             per_page=current_app.config["CASEAPP_CASELOAD_PAGE_SIZE"])
    except UnknownMetric:
        abort(404)
    return render_template("caseload/drill.html", listing=listing, metrics=METRICS,
                           metric=metric, unit=units[0] if one_unit else None,
                           worker_id=worker_id, units={u.id: u for u in units})
