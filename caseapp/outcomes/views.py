from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from caseapp.cases.services import StaleCase, get_case
from caseapp.clock import local_now
from caseapp.editing import opened_version
from caseapp.extensions import db
from caseapp.outcomes import services
from caseapp.outcomes.forms import CheckpointForm, CloseForm, OutcomeForm
from roles import Perm
from roles.guards import authorize, requires

bp = Blueprint("outcomes", __name__)


def _data(form: OutcomeForm) -> services.OutcomeData:
    return services.OutcomeData(code=form.code.data, occurred_on=form.occurred_on.data,
                                paid_work_kind=form.paid_work_kind.data or None,
                                percent_of_full_time=form.percent_of_full_time.data,
                                note=form.note.data)


def _default_dates(form: OutcomeForm, *names: str) -> None:
    if not form.is_submitted():
        for name in names:
            getattr(form, name).data = local_now().date()


@bp.route("/cases/<case_id>/outcomes/new", methods=["GET", "POST"])
@requires(Perm.CASE_LIST_OWN)
def record(case_id: str):
    case = get_case(db.session, case_id)
    decision = authorize(Perm.OUTCOME_WRITE, case)
    form = OutcomeForm()
    _default_dates(form, "occurred_on")
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            services.record_outcome(db.session, current_user, case, _data(form), decision.grounds)
        except services.OutcomeError as exc:
            errors = exc.messages
        else:
            flash(_("The outcome is recorded."), "success")
            return redirect(url_for("cases.detail", case_id=case.id))
    return render_template("outcomes/form.html", form=form, case=case, mode="record",
                           errors=errors)


@bp.route("/cases/<case_id>/close", methods=["GET", "POST"])
@requires(Perm.CASE_LIST_OWN)
def close(case_id: str):
    case = get_case(db.session, case_id)
    decision = authorize(Perm.OUTCOME_WRITE, case)
    form = CloseForm()
    _default_dates(form, "occurred_on", "ended_on")
    if not form.is_submitted():
        form.version.data = str(case.version)
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            services.close_case(db.session, current_user, case, _data(form),
                                ended_on=form.ended_on.data, end_reason=form.end_reason.data,
                                version=opened_version(form.version.data),
                                grounds=decision.grounds)
        except StaleCase:
            errors = [_("Someone else changed the case while you were closing it. Nothing was "
                        "saved; look at the case again.")]
            return render_template("outcomes/form.html", form=form, case=get_case(
                db.session, case_id), mode="close", errors=errors), 409
        except services.OutcomeError as exc:
            errors = exc.messages
        else:
            flash(_("The case is closed. Checkpoints after 3, 6 and 12 months are created."),
                  "success")
            return redirect(url_for("cases.detail", case_id=case.id))
    return render_template("outcomes/form.html", form=form, case=case, mode="close", errors=errors)


@bp.route("/checkpoints/<checkpoint_id>", methods=["GET", "POST"])
@requires(Perm.START_VIEW)
def checkpoint(checkpoint_id: str):
    point = services.get_checkpoint(db.session, checkpoint_id)
    decision = authorize(Perm.OUTCOME_WRITE, point.case if point else None)
    form = CheckpointForm()
    _default_dates(form, "occurred_on")
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            services.answer_checkpoint(db.session, current_user, point,
                                       still_active=form.still_active.data == "yes",
                                       data=_data(form), grounds=decision.grounds)
        except services.OutcomeError as exc:
            errors = exc.messages
        else:
            flash(_("The checkpoint is answered."), "success")
            return redirect(url_for("main.start"))
    return render_template("outcomes/form.html", form=form, case=point.case, checkpoint=point,
                           mode="checkpoint", errors=errors)
