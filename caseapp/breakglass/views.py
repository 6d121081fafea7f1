"""Break-glass: the worker's request with a reason, the privacy officer's review."""
from __future__ import annotations

import uuid
from types import SimpleNamespace

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from caseapp.breakglass import services
from caseapp.breakglass.forms import ReasonForm, ReviewForm
from caseapp.breakglass.models import REVIEW_LABELS, BreakGlassAccess
from caseapp.privacy import erasure
from caseapp.cases.models import Case
from caseapp.extensions import db
from roles import Perm, can
from roles.guards import authorize, object_decides, requires

bp = Blueprint("breakglass", __name__, url_prefix="/break-glass")


@bp.route("/cases/<uuid:case_id>", methods=["GET", "POST"])
@object_decides
def request_access(case_id: uuid.UUID):
    # also when a restriction hides the case: break-glass is the way to open it
    case = erasure.get_unfiltered(db.session, Case, case_id)
    if case is None:
        return _no_such_case(case_id)
    authorize(Perm.BREAK_GLASS, case)
    if can(current_user, Perm.CASE_VIEW, case) and not erasure.is_hidden(db.session, Case, case.id):
        return redirect(url_for("cases.detail", case_id=case.id))  # own case, own unit, or open
    form = ReasonForm()
    minutes = current_app.config["CASEAPP_BREAK_GLASS_MINUTES"]
    if form.validate_on_submit():
        try:
            services.open_with_reason(db.session, current_user, case, form.reason.data, minutes)
        except services.BreakGlassError as exc:
            form.reason.errors = [*form.reason.errors, *exc.messages]
        else:
            return redirect(url_for("cases.detail", case_id=case.id))
    return render_template("breakglass/request.html", form=form, case=case, minutes=minutes)


def _no_such_case(case_id: uuid.UUID):
    """An id that names no case gets the same form as a case outside the caseload, so trying
    ids does not tell which exist; a reason given for it opens nothing (404)."""
    stand_in = SimpleNamespace(id=case_id)
    if not can(current_user, Perm.BREAK_GLASS, None):
        abort(404)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            services.check_reason(form.reason.data)
        except services.BreakGlassError as exc:
            form.reason.errors = [*form.reason.errors, *exc.messages]
        else:
            abort(404)
    return render_template("breakglass/request.html", form=form, case=stand_in,
                           minutes=current_app.config["CASEAPP_BREAK_GLASS_MINUTES"])


@bp.route("/review")
@requires(Perm.BREAK_GLASS_REVIEW)
def review_list():
    return render_template("breakglass/review_list.html",
                           accesses=services.review_list(db.session), labels=REVIEW_LABELS)


@bp.route("/review/<uuid:access_id>", methods=["GET", "POST"])
@requires(Perm.BREAK_GLASS_REVIEW)
def decide(access_id: uuid.UUID):
    access = db.session.get(BreakGlassAccess, access_id)
    if access is None:
        abort(404)
    form = ReviewForm()
    if form.validate_on_submit():
        try:
            services.decide(db.session, current_user, access, form.decision.data, form.comment.data)
        except services.BreakGlassError as exc:
            form.decision.errors = [*form.decision.errors, *exc.messages]
        else:
            flash(_("The assessment is saved."), "success")
            return redirect(url_for("breakglass.review_list"))
    services.open_for_review(db.session, current_user, access)
    return render_template("breakglass/decide.html", access=access, form=form, labels=REVIEW_LABELS)
