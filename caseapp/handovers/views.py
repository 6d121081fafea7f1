from __future__ import annotations

import uuid

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from caseapp.caseload import reassign as reassign_to
from caseapp.caseload.forms import ReassignForm
from caseapp.cases.models import Case
from caseapp.cases.services import StaleCase
from caseapp.choices import choices
from caseapp.editing import Refused, opened_version
from caseapp.extensions import db
from caseapp.handovers import services
from caseapp.handovers.forms import HandoverForm
from roles import Perm
from roles.guards import has_caseload, load, requires

bp = Blueprint("handovers", __name__, url_prefix="/cases/<uuid:case_id>")


def _form(case) -> tuple[HandoverForm, dict]:
    pairs = {f"{user.id}:{unit.id}": (user, unit)
             for user, unit in services.receivers(db.session, case)}
    form = HandoverForm()
    form.receiver.choices = choices([("", _("Choose"))] + [
        (key, f"{user.display_name} – {unit.display_name}") for key, (user, unit) in pairs.items()])
    if not form.is_submitted():
        form.version.data = str(case.version)
    return form, pairs


def _hand_over(case_id: uuid.UUID):
    case, decision = load(Case, case_id, Perm.CASE_UPDATE)
    form, pairs = _form(case)
    errors: list[str] = []
    if form.validate_on_submit():
        to_worker, to_unit = pairs[form.receiver.data]
        try:
            services.hand_over(db.session, current_user, case, to_worker=to_worker,
                               to_unit=to_unit, note=form.note.data,
                               version=opened_version(form.version.data),
                               read_days=current_app.config["CASEAPP_HANDOVER_READ_DAYS"],
                               grounds=decision.grounds)
        except StaleCase:
            errors = [_("Someone else changed the case in the meantime. Nothing was saved; "
                        "look at the case again.")]
            return render_template("handovers/form.html", form=form,
                                   case=db.session.get(Case, case_id), errors=errors), 409
        except services.HandoverError as exc:
            errors = exc.messages
        else:
            flash(_("The case is handed over to %(name)s.", name=to_worker.display_name),
                  "success")
            return redirect(url_for("cases.mine"))
    going = services.what_goes_along(db.session, case, [unit for _user, unit in pairs.values()])
    return render_template("handovers/form.html", form=form, case=case, errors=errors,
                           going=going, read_days=current_app.config["CASEAPP_HANDOVER_READ_DAYS"])


@bp.route("/handover", methods=["GET", "POST"])
@has_caseload
def handover(case_id: uuid.UUID):
    """The responsible worker hands the case over (another unit or organisation)."""
    return _hand_over(case_id)


@bp.route("/reassign", methods=["GET", "POST"])
@requires(Perm.CASELOAD_VIEW)
def reassign(case_id: uuid.UUID):
    """The coordinator gives the case to another worker in the same unit, with a reason."""
    case, decision = load(Case, case_id, Perm.CASE_REASSIGN)
    form = ReassignForm()
    form.worker.choices = choices([("", _("Choose"))] + [
        (str(user.id), user.display_name) for user in reassign_to.candidates(db.session, case)])
    form.reason.choices = choices([("", _("Choose"))] + list(reassign_to.REASONS.items()))
    if not form.is_submitted():
        form.version.data = str(case.version)
    errors: list[str] = []
    status = 200
    if form.validate_on_submit():
        try:
            handover = reassign_to.reassign(
                db.session, current_user, case, to_worker_id=form.worker.data,
                reason=form.reason.data, note=form.note.data,
                version=opened_version(form.version.data), grounds=decision.grounds)
        except StaleCase:
            errors, status = [_("Someone else changed the case in the meantime. Nothing was "
                                "saved; look at the case again.")], 409
            case = db.session.get(Case, case_id)
        except Refused as exc:  # ReassignError, or HandoverError (no basis, closed case)
            errors = exc.messages
        else:
            flash(_("The case is reassigned to %(name)s.", name=handover.to_worker.display_name),
                  "success")
            return redirect(url_for("caseload.overview"))
    return render_template("handovers/reassign.html", form=form, case=case, errors=errors), status
