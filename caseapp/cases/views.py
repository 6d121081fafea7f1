from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from caseapp.cases import services
from caseapp.extensions import db
from roles import Perm
from roles.guards import authorize, requires

bp = Blueprint("cases", __name__, url_prefix="/cases")


@bp.route("/")
@requires(Perm.CASE_LIST_OWN)
def mine():
    cases = services.cases_for_worker(db.session, current_user)
    return render_template("cases/mine.html", cases=cases)


@bp.route("/<case_id>")
@requires(Perm.START_VIEW)
def detail(case_id: str):
    case = services.get_case(db.session, case_id)
    decision = authorize(Perm.CASE_VIEW, case)
    services.open_case(db.session, current_user, case, decision.grounds)
    return render_template("cases/detail.html", case=case, grounds=decision.grounds)
