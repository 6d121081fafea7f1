from __future__ import annotations

import uuid

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from caseapp.cases.models import Case
from caseapp.cases.services import StaleCase
from caseapp.clock import local_now
from caseapp.editing import opened_version
from caseapp.extensions import db
from caseapp.form_pages import save_or_render
from caseapp.outcomes import services
from caseapp.outcomes.models import Checkpoint, Outcome
from caseapp.outcomes.forms import CheckpointForm, CloseForm, EndForm, OutcomeForm
from caseapp.revisions import services as revisions
from caseapp.revisions.pages import correction_page
from consent.purposes import Purpose
from consent.services import valid_basis
from roles import Perm
from roles.guards import has_caseload, load, object_decides

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


@bp.route("/cases/<uuid:case_id>/outcomes/new", methods=["GET", "POST"])
@has_caseload
def record(case_id: uuid.UUID):
    case, decision = load(Case, case_id, Perm.OUTCOME_WRITE)
    form = OutcomeForm()
    _default_dates(form, "occurred_on")
    return save_or_render(
        form, lambda: services.record_outcome(db.session, current_user, case, _data(form),
                                              decision.grounds),
        "outcomes/form.html", saved=_("The outcome is recorded."), refusal=services.OutcomeError,
        then=url_for("cases.detail", case_id=case.id), case=case, mode="record")


@bp.route("/outcomes/<uuid:outcome_id>/edit", methods=["GET", "POST"])
@has_caseload
def edit(outcome_id: uuid.UUID):
    """Correct a recorded outcome (Art. 16); the earlier state stays in the history."""
    outcome, decision = load(Outcome, outcome_id, Perm.OUTCOME_WRITE, via="case")
    form = OutcomeForm(obj=outcome) if request.method == "GET" else OutcomeForm()
    return correction_page(
        outcome, form, "outcomes/form.html", lambda version: services.correct_outcome(
            db.session, current_user, outcome, _data(form), version=version,
            grounds=decision.grounds),
        saved=_("The outcome is corrected. The earlier version is kept in the history."),
        outcome=outcome, mode="correct")


@bp.route("/outcomes/<uuid:outcome_id>/history")
@object_decides  # read-only: break-glass opens it too
def history(outcome_id: uuid.UUID):
    outcome, decision = load(Outcome, outcome_id, Perm.CASE_NOTES_VIEW, via="case")
    entries = revisions.history(db.session, current_user, outcome, grounds=decision.grounds,
                                categories=services.OUTCOME_CATEGORIES)
    return render_template("revisions/history.html", record=outcome, case=outcome.case,
                           title=_("Outcome history"),
                           entries=revisions.shown(entries, services.HISTORY_FIELDS))


@bp.route("/cases/<uuid:case_id>/close", methods=["GET", "POST"])
@has_caseload
def close(case_id: uuid.UUID):
    case, decision = load(Case, case_id, Perm.OUTCOME_WRITE)
    # A case whose outcome is recorded is closed without asking for it again; without a basis
    # for follow-up it is closed without recording one (consent/__init__.py).
    recorded = services.latest_outcome(db.session, case)
    follow_up = bool(valid_basis(db.session, case.participant_id, Purpose.FOLLOW_UP))
    end_only = recorded is not None or not follow_up
    if end_only and follow_up and "code" in request.form:
        # The user opened the form before an outcome was recorded (another tab closed the case
        # meanwhile): keep their form and their input, and let the refusal say what happened.
        end_only = False
    form = EndForm() if end_only else CloseForm()
    _default_dates(form, *(["ended_on"] if end_only else ["occurred_on", "ended_on"]))
    if not form.is_submitted():
        form.version.data = str(case.version)
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            services.close_case(db.session, current_user, case,
                                None if end_only else _data(form),
                                ended_on=form.ended_on.data, end_reason=form.end_reason.data,
                                version=opened_version(form.version.data),
                                grounds=decision.grounds)
        except StaleCase:
            errors = [_("Someone else changed the case while you were closing it. Nothing was "
                        "saved; look at the case again.")]
            return render_template("outcomes/form.html", form=form,
                                   case=db.session.get(Case, case_id), mode="close",
                                   recorded=recorded, end_only=end_only, follow_up=follow_up,
                                   errors=errors), 409
        except services.OutcomeError as exc:
            errors = exc.messages
        else:
            flash(_("The case is closed. Checkpoints after 3, 6 and 12 months are created.")
                  if follow_up else _("The case is closed."), "success")
            return redirect(url_for("cases.detail", case_id=case.id))
    return render_template("outcomes/form.html", form=form, case=case, mode="close",
                           recorded=recorded, end_only=end_only, follow_up=follow_up,
                           errors=errors)


@bp.route("/checkpoints/<uuid:checkpoint_id>", methods=["GET", "POST"])
@object_decides
def checkpoint(checkpoint_id: uuid.UUID):
    point, decision = load(Checkpoint, checkpoint_id, Perm.OUTCOME_WRITE, via="case")
    form = CheckpointForm()
    _default_dates(form, "occurred_on")
    return save_or_render(
        form, lambda: services.answer_checkpoint(
            db.session, current_user, point, still_active=form.still_active.data == "yes",
            data=_data(form), grounds=decision.grounds),
        "outcomes/form.html", saved=_("The checkpoint is answered."),
        refusal=services.OutcomeError, then=url_for("main.start"), case=point.case,
        checkpoint=point, mode="checkpoint")
