from __future__ import annotations

import uuid

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from caseapp.cases.models import LABELS, Case, Programme, tracks_for
from caseapp.choices import choices
from caseapp.clock import local_now
from caseapp.extensions import db
from caseapp.form_pages import save_or_render
from caseapp.revisions import services as revisions
from caseapp.revisions.pages import correction_page
from caseapp.transitions import services
from caseapp.transitions.forms import EndPlacementForm, PlacementForm, TransitionForm
from caseapp.transitions.models import Placement, Transition
from roles import Perm
from roles.guards import has_caseload, load, object_decides

bp = Blueprint("transitions", __name__)


def _save_or_render(case, form, template: str, save):
    return save_or_render(form, save, template, saved=_("Saved."), refusal=services.MoveError,
                          then=url_for("cases.detail", case_id=case.id), case=case)


def _corrected() -> str:
    return _("The correction is saved. The earlier version is kept in the history.")


def _transition_fields(form: TransitionForm) -> dict:
    return dict(from_school=form.from_school.data, from_grade=form.from_grade.data,
                to_school=form.to_school.data, to_programme=form.to_programme.data,
                transition_date=form.transition_date.data,
                hospitation_days=form.hospitation_days.data)


def _placement_form(obj=None) -> PlacementForm:
    editing = obj is not None and request.method == "GET"
    form = PlacementForm(obj=obj) if editing else PlacementForm()
    form.trade.choices = choices((t, LABELS.get(t, t)) for t in tracks_for(Programme.WORK_LEADER))
    return form


def _placement_fields(form: PlacementForm) -> dict:
    return dict(workplace=form.workplace.data, trade=form.trade.data,
                started_on=form.started_on.data, ended_on=form.ended_on.data,
                hours_per_week=form.hours_per_week.data,
                workplace_contact=form.workplace_contact.data)


@bp.route("/cases/<uuid:case_id>/transitions/new", methods=["GET", "POST"])
@has_caseload
def new_transition(case_id: uuid.UUID):
    case, decision = load(Case, case_id, Perm.CASE_UPDATE)
    form = TransitionForm()
    return _save_or_render(case, form, "transitions/transition.html", lambda: (
        services.record_transition(db.session, current_user, case, grounds=decision.grounds,
                                   **_transition_fields(form))))


@bp.route("/cases/<uuid:case_id>/placements/new", methods=["GET", "POST"])
@has_caseload
def new_placement(case_id: uuid.UUID):
    case, decision = load(Case, case_id, Perm.CASE_UPDATE)
    form = _placement_form()
    if not form.is_submitted() and case.programme == Programme.WORK_LEADER:
        form.trade.data = case.track
    return _save_or_render(case, form, "transitions/placement.html", lambda: (
        services.record_placement(db.session, current_user, case, grounds=decision.grounds,
                                  **_placement_fields(form))))


@bp.route("/transitions/<uuid:transition_id>/edit", methods=["GET", "POST"])
@has_caseload
def edit_transition(transition_id: uuid.UUID):
    """Correct a school transition (Art. 16); the earlier state stays in the history."""
    item, decision = load(Transition, transition_id, Perm.CASE_UPDATE, via="case")
    form = TransitionForm(obj=item) if request.method == "GET" else TransitionForm()
    return correction_page(item, form, "transitions/transition.html", lambda version: (
        services.correct(db.session, current_user, item,
                         services.transition_values(**_transition_fields(form)),
                         version=version, grounds=decision.grounds)),
        saved=_corrected(), item=item)


@bp.route("/placements/<uuid:placement_id>/edit", methods=["GET", "POST"])
@has_caseload
def edit_placement(placement_id: uuid.UUID):
    """Correct a workplace placement (Art. 16); the earlier state stays in the history."""
    item, decision = load(Placement, placement_id, Perm.CASE_UPDATE, via="case")
    form = _placement_form(item)
    return correction_page(item, form, "transitions/placement.html", lambda version: (
        services.correct(db.session, current_user, item,
                         services.placement_values(**_placement_fields(form)),
                         version=version, grounds=decision.grounds)),
        saved=_corrected(), item=item)


@bp.route("/placements/<uuid:placement_id>/end", methods=["GET", "POST"])
@has_caseload
def end_placement(placement_id: uuid.UUID):
    """End a running placement on a date; the end is a revision in its history."""
    item, decision = load(Placement, placement_id, Perm.CASE_UPDATE, via="case")
    form = EndPlacementForm(obj=item) if request.method == "GET" else EndPlacementForm()
    if form.ended_on.data is None and request.method == "GET":
        form.ended_on.data = local_now().date()
    return correction_page(item, form, "transitions/end_placement.html", lambda version: (
        services.end_placement(db.session, current_user, item, form.ended_on.data,
                               version=version, grounds=decision.grounds)),
        saved=_("The placement is ended."), item=item)


@bp.route("/transitions/<uuid:transition_id>/history")
@object_decides  # read-only: break-glass opens it too
def transition_history(transition_id: uuid.UUID):
    item, decision = load(Transition, transition_id, Perm.CASE_NOTES_VIEW, via="case")
    return _history(item, decision, _("School transition history"), services.TRANSITION_FIELDS)


@bp.route("/placements/<uuid:placement_id>/history")
@object_decides  # read-only: break-glass opens it too
def placement_history(placement_id: uuid.UUID):
    item, decision = load(Placement, placement_id, Perm.CASE_NOTES_VIEW, via="case")
    return _history(item, decision, _("Workplace placement history"), services.PLACEMENT_FIELDS)


def _history(item, decision, title: str, fields):
    entries = revisions.history(db.session, current_user, item, grounds=decision.grounds,
                                categories=services.CATEGORIES)
    return render_template("revisions/history.html", case=item.case, title=title,
                           entries=revisions.shown(entries, fields))
