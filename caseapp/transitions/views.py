from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from caseapp.cases.models import LABELS, Programme, tracks_for
from caseapp.cases.services import get_case
from caseapp.choices import choices
from caseapp.extensions import db
from caseapp.transitions import services
from caseapp.transitions.forms import PlacementForm, TransitionForm
from roles import Perm
from roles.guards import authorize, requires

bp = Blueprint("transitions", __name__, url_prefix="/cases/<case_id>")


def _save_or_render(case, form, template: str, save):
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            save()
        except services.MoveError as exc:
            errors = exc.messages
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("cases.detail", case_id=case.id))
    return render_template(template, form=form, case=case, errors=errors)


@bp.route("/transitions/new", methods=["GET", "POST"])
@requires(Perm.CASE_LIST_OWN)
def new_transition(case_id: str):
    case = get_case(db.session, case_id)
    decision = authorize(Perm.CASE_UPDATE, case)
    form = TransitionForm()
    return _save_or_render(case, form, "transitions/transition.html", lambda: services.record_transition(
        db.session, current_user, case, from_school=form.from_school.data,
        from_grade=form.from_grade.data, to_school=form.to_school.data,
        to_programme=form.to_programme.data, transition_date=form.transition_date.data,
        hospitation_days=form.hospitation_days.data, grounds=decision.grounds))


@bp.route("/placements/new", methods=["GET", "POST"])
@requires(Perm.CASE_LIST_OWN)
def new_placement(case_id: str):
    case = get_case(db.session, case_id)
    decision = authorize(Perm.CASE_UPDATE, case)
    form = PlacementForm()
    form.trade.choices = choices((t, LABELS.get(t, t)) for t in tracks_for(Programme.WORK_LEADER))
    if not form.is_submitted() and case.programme == Programme.WORK_LEADER:
        form.trade.data = case.track
    return _save_or_render(case, form, "transitions/placement.html", lambda: services.record_placement(
        db.session, current_user, case, workplace=form.workplace.data, trade=form.trade.data,
        started_on=form.started_on.data, ended_on=form.ended_on.data,
        hours_per_week=form.hours_per_week.data, workplace_contact=form.workplace_contact.data,
        grounds=decision.grounds))
