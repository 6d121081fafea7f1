from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from caseapp.cases.services import StaleCase, get_case
from caseapp.choices import choices
from caseapp.editing import opened_version
from caseapp.extensions import db
from caseapp.handovers import services
from caseapp.handovers.forms import HandoverForm
from roles import Perm
from roles.guards import authorize, requires

bp = Blueprint("handovers", __name__, url_prefix="/cases/<case_id>")


def _form(case, within_unit: bool) -> tuple[HandoverForm, dict]:
    pairs = {f"{user.id}:{unit.id}": (user, unit)
             for user, unit in services.receivers(db.session, case, same_unit=within_unit)}
    form = HandoverForm()
    form.receiver.choices = choices([("", _("Choose"))] + [
        (key, f"{user.display_name} – {unit.display_name}") for key, (user, unit) in pairs.items()])
    if not form.is_submitted():
        form.version.data = str(case.version)
    return form, pairs


def _hand_over(case_id: str, perm: Perm, within_unit: bool):
    case = get_case(db.session, case_id)
    decision = authorize(perm, case)
    form, pairs = _form(case, within_unit)
    errors: list[str] = []
    if form.validate_on_submit():
        to_worker, to_unit = pairs[form.receiver.data]
        try:
            services.hand_over(db.session, current_user, case, to_worker=to_worker,
                               to_unit=to_unit, note=form.note.data,
                               version=opened_version(form.version.data),
                               read_days=current_app.config["CASEAPP_HANDOVER_READ_DAYS"],
                               within_unit=within_unit, grounds=decision.grounds)
        except StaleCase:
            errors = [_("Someone else changed the case in the meantime. Nothing was saved; "
                        "look at the case again.")]
            return render_template("handovers/form.html", form=form, case=get_case(
                db.session, case_id), errors=errors, within_unit=within_unit), 409
        except services.HandoverError as exc:
            errors = exc.messages
        else:
            flash(_("The case is handed over to %(name)s.", name=to_worker.display_name),
                  "success")
            target = "caseload.overview" if within_unit else "cases.mine"
            return redirect(url_for(target))
    return render_template("handovers/form.html", form=form, case=case, errors=errors,
                           within_unit=within_unit)


@bp.route("/handover", methods=["GET", "POST"])
@requires(Perm.CASE_LIST_OWN)
def handover(case_id: str):
    """The responsible worker hands the case over (another unit or organisation)."""
    return _hand_over(case_id, Perm.CASE_UPDATE, within_unit=False)


@bp.route("/reassign", methods=["GET", "POST"])
@requires(Perm.CASELOAD_VIEW)
def reassign(case_id: str):
    """The coordinator gives the case to another worker in the same unit."""
    return _hand_over(case_id, Perm.CASE_REASSIGN, within_unit=True)
