from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from caseapp.cases import services
from caseapp.cases.overview import worker_overview
from caseapp.cases.timeline import timeline
from caseapp.handovers.services import hidden_before
from caseapp.extensions import db
from caseapp.outcomes.services import checkpoints_for, outcomes_for
from caseapp.plans.services import goal_texts, plan_for
from consent.services import valid_basis
from consent.purposes import Purpose
from roles import Perm, can
from roles.guards import authorize, requires

bp = Blueprint("cases", __name__, url_prefix="/cases")


@bp.route("/", methods=["GET", "POST"])
@requires(Perm.CASE_LIST_OWN)
def mine():
    # The name search is POSTed: a name never goes into a URL, a log line or the history.
    query = (request.form.get("q", "") if request.method == "POST" else "")[:100]
    rows = worker_overview(db.session, current_user, query)
    return render_template("cases/mine.html", rows=rows, query=query)


@bp.route("/<case_id>")
@requires(Perm.START_VIEW)
def detail(case_id: str):
    case = services.get_case(db.session, case_id)
    decision = authorize(Perm.CASE_VIEW, case)
    details = bool(can(current_user, Perm.CASE_NOTES_VIEW, case))
    services.open_case(db.session, current_user, case, decision.grounds, with_details=details)
    basis = valid_basis(db.session, case.participant_id, Purpose.FOLLOW_UP)
    plan = plan_for(db.session, case) if details else None
    return render_template("cases/detail.html", case=case, grounds=decision.grounds,
                           details=details, basis=basis,
                           timeline=timeline(db.session, case, hidden_before(case, current_user)),
                           handover_note=next((h for h in reversed(case.handovers)
                                               if h.to_worker_id == current_user.id and h.note), None),
                           goal_texts=goal_texts(plan),
                           outcomes=outcomes_for(db.session, case),
                           checkpoints=checkpoints_for(db.session, case),
                           may_outcome=bool(can(current_user, Perm.OUTCOME_WRITE, case)),
                           may_log=bool(can(current_user, Perm.CONTACT_WRITE, case)),
                           may_update=bool(can(current_user, Perm.CASE_UPDATE, case)))
