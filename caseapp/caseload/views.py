from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from caseapp.cases.services import caseload_for_units
from caseapp.extensions import db
from roles import Perm
from roles.guards import requires

bp = Blueprint("caseload", __name__, url_prefix="/caseload")


@bp.route("/")
@requires(Perm.CASELOAD_VIEW)
def overview():
    loads = caseload_for_units(db.session, list(current_user.units))
    return render_template("caseload/overview.html", loads=loads, units=current_user.units)
