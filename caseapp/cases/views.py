from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from caseapp.auth.forms import PostForm
from caseapp.cases import services
from caseapp.cases.forms import CaseForm
from caseapp.editing import Refused, opened_version
from caseapp.cases.overview import worker_overview
from caseapp.cases.timeline import timeline
from caseapp.clock import local_now
from caseapp.handovers.services import hidden_before
from caseapp.extensions import db
from caseapp.outcomes.services import checkpoints_for, due_checkpoints, outcomes_for
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
    checkpoints = due_checkpoints(db.session, current_user, local_now().date())
    return render_template("cases/mine.html", rows=rows, query=query, checkpoints=checkpoints)


@bp.route("/<case_id>")
@requires(Perm.START_VIEW)
def detail(case_id: str):
    case = services.get_case(db.session, case_id)
    decision = authorize(Perm.CASE_VIEW, case)
    details = bool(can(current_user, Perm.CASE_NOTES_VIEW, case))
    services.open_case(db.session, current_user, case, decision.grounds, with_details=details)
    basis = valid_basis(db.session, case.participant_id, Purpose.FOLLOW_UP)
    # Read once, for the page and its timeline.
    plan = plan_for(db.session, case)
    outcomes = outcomes_for(db.session, case)
    checkpoints = checkpoints_for(db.session, case)
    # The timeline a page of sessions at a time (?page=2: the next older ones); the number
    # carries no personal data.
    page = request.args.get("page", 1, type=int) or 1
    return render_template("cases/detail.html", case=case, grounds=decision.grounds,
                           details=details, basis=basis,
                           timeline=timeline(db.session, case, hidden_before(case, current_user),
                                             page=page, plan=plan, outcomes=outcomes,
                                             checkpoints=checkpoints,
                                             per_page=current_app.config[
                                                 "CASEAPP_TIMELINE_SESSIONS_PER_PAGE"]),
                           handover_note=next((h for h in reversed(case.handovers)
                                               if h.to_worker_id == current_user.id and h.note), None),
                           goal_texts=goal_texts(plan if details else None),
                           outcomes=outcomes, checkpoints=checkpoints,
                           may_outcome=bool(can(current_user, Perm.OUTCOME_WRITE, case)),
                           may_log=bool(can(current_user, Perm.CONTACT_WRITE, case)),
                           may_update=bool(can(current_user, Perm.CASE_UPDATE, case)),
                           status_form=PostForm())


@bp.route("/<case_id>/status", methods=["POST"])
@requires(Perm.CASE_LIST_OWN)
def set_status(case_id: str):
    """Pause or resume the case (a button on the case page)."""
    case = services.get_case(db.session, case_id)
    decision = authorize(Perm.CASE_UPDATE, case)
    form = PostForm()
    if form.validate_on_submit():
        try:
            services.set_paused(db.session, current_user, case, request.form.get("pause") == "1",
                                opened_version(request.form.get("version")), decision.grounds)
        except services.StaleCase:
            flash(_("Someone else changed the case in the meantime. Nothing was saved; "
                    "look at the case again."), "error")
    return redirect(url_for("cases.detail", case_id=case_id))




@bp.route("/<case_id>/new-case", methods=["GET", "POST"])
@requires(Perm.PARTICIPANT_REGISTER)
def new_case(case_id: str):
    """Open a further case for the person in ``case`` (e.g. after the first one closed)."""
    case = services.get_case(db.session, case_id)
    authorize(Perm.CASE_UPDATE, case)
    form = CaseForm()
    form.offer(current_user)
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            opened = services.open_another_case(
                db.session, current_user, case.participant, programme=form.programme.data,
                track=form.track.data, unit=form.chosen_unit(current_user),
                started_on=form.started_on.data,
                school_or_workplace=form.school_or_workplace.data,
                grade_or_programme=form.grade_or_programme.data)
        except Refused as exc:
            errors = exc.messages
        else:
            flash(_("The new case is opened."), "success")
            return redirect(url_for("cases.detail", case_id=opened.id))
    return render_template("cases/new.html", form=form, case=case, errors=errors)
