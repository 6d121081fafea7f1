from __future__ import annotations

import uuid

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from caseapp.auth.forms import PostForm
from caseapp.cases import page, services
from caseapp.cases.forms import CaseForm
from caseapp.cases.models import Case
from caseapp.editing import Refused, opened_version
from caseapp.cases.overview import worker_overview
from caseapp.clock import local_now, now
from caseapp.handovers.services import sent_by
from caseapp.extensions import db
from caseapp.outcomes.services import due_checkpoints
from roles import Perm
from roles.guards import has_caseload, load, object_decides, requires

bp = Blueprint("cases", __name__, url_prefix="/cases")


@bp.route("/", methods=["GET", "POST"])
@requires(Perm.CASE_LIST_OWN)
def mine():
    # The name search is POSTed: a name never goes into a URL, a log line or the history.
    # ?show=closed lists the closed cases instead of the open ones.
    query = (request.form.get("q", "") if request.method == "POST" else "")[:100]
    closed = request.values.get("show") == "closed"
    rows = worker_overview(db.session, current_user, query, closed=closed)
    checkpoints = due_checkpoints(db.session, current_user, local_now().date())
    return render_template("cases/mine.html", rows=rows, query=query, checkpoints=checkpoints,
                           closed=closed, today=local_now().date(),
                           sent=sent_by(db.session, current_user, now()))


@bp.route("/<uuid:case_id>")
@object_decides
def detail(case_id: uuid.UUID):
    with page.case_unopened():
        case, decision = load(Case, case_id, Perm.CASE_VIEW)
    # The timeline a page of sessions at a time (?page=2: the next older ones); the number
    # carries no personal data.
    shown = page.build(db.session, current_user, case, decision.grounds,
                       page=request.args.get("page", 1, type=int) or 1,
                       per_page=current_app.config["CASEAPP_TIMELINE_SESSIONS_PER_PAGE"])
    with shown.sealed():
        return render_template("cases/detail.html", status_form=PostForm(), **shown.context())


@bp.route("/<uuid:case_id>/status", methods=["POST"])
@has_caseload
def set_status(case_id: uuid.UUID):
    """Pause or resume the case (a button on the case page)."""
    case, decision = load(Case, case_id, Perm.CASE_UPDATE)
    form = PostForm()
    if form.validate_on_submit():
        try:
            services.set_paused(db.session, current_user, case, request.form.get("pause") == "1",
                                opened_version(request.form.get("version")), decision.grounds)
        except services.StaleCase:
            flash(_("Someone else changed the case in the meantime. Nothing was saved; "
                    "look at the case again."), "error")
        except Refused as exc:
            for message in exc.messages:
                flash(message, "error")
    return redirect(url_for("cases.detail", case_id=case_id))




@bp.route("/<uuid:case_id>/new-case", methods=["GET", "POST"])
@requires(Perm.PARTICIPANT_REGISTER)
def new_case(case_id: uuid.UUID):
    """Open a further case for the person in ``case`` (e.g. after the first one closed)."""
    case, _decision = load(Case, case_id, Perm.CASE_UPDATE)
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
