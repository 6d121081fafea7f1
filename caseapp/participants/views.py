from __future__ import annotations

import uuid

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from caseapp.cases.models import Case
from caseapp.editing import Refused
from caseapp.extensions import db
from caseapp.participants import services
from caseapp.participants.forms import ContactDetailsForm, RegistrationForm
from consent.services import ConsentError
from roles import Perm
from roles.guards import has_caseload, load, requires

bp = Blueprint("participants", __name__)


def _registration(form: RegistrationForm) -> services.Registration:
    return services.Registration(
        given_name=form.given_name.data, family_name=form.family_name.data,
        national_id=form.national_id.data, gender=form.gender.data,
        minority_language=form.minority_language.data, programme=form.programme.data,
        track=form.track.data, unit_id=form.unit.data, started_on=form.started_on.data,
        basis=form.basis.data, consent_date=form.consent_date.data,
        statutory_reference=form.statutory_reference.data,
        home_municipality=form.home_municipality.data, phone=form.phone.data,
        email=form.email.data, address=form.address.data,
        school_or_workplace=form.school_or_workplace.data,
        grade_or_programme=form.grade_or_programme.data,
        guardians=_guardians(form))


def _guardians(form) -> list[services.GuardianData]:
    return [services.GuardianData(g.relation.data, g.name.data, g.phone.data, g.email.data)
            for g in (entry.form for entry in form.guardians) if g.filled]


@bp.route("/participants/new", methods=["GET", "POST"])
@requires(Perm.PARTICIPANT_REGISTER)
def new():
    """Register a young person and open the first case (load → check → act → render)."""
    form = RegistrationForm()
    form.offer(current_user)
    errors: list[str] = []
    if form.validate_on_submit():
        unit = form.chosen_unit(current_user)
        try:
            case = services.register(db.session, current_user, _registration(form), unit)
        except services.AlreadyRegistered as exists:
            if exists.case is not None:
                flash(_("This person is already registered. Here is the case you follow."), "info")
                return redirect(url_for("cases.detail", case_id=exists.case.id))
            errors = [_("This person cannot be registered by you. Ask your coordinator for help.")]
        except ConsentError as exc:  # nothing registered (caseapp.transaction)
            errors = exc.messages
        else:
            flash(_("The person is registered and the case is opened."), "success")
            return redirect(url_for("cases.detail", case_id=case.id))
    return render_template("participants/new.html", form=form, errors=errors)


@bp.route("/cases/<uuid:case_id>/person", methods=["GET", "POST"])
@has_caseload
def edit(case_id: uuid.UUID):
    """Change the contact details and guardians of the person in the worker's case."""
    case, decision = load(Case, case_id, Perm.CASE_UPDATE)
    person = case.participant
    if request.method == "GET":
        form = ContactDetailsForm(obj=person)
        while form.guardians.entries:
            form.guardians.pop_entry()
        for guardian in person.guardians:
            form.guardians.append_entry({"relation": guardian.relation, "name": guardian.name,
                                         "phone": guardian.phone, "email": guardian.email})
        form.guardians.append_entry()
    else:
        form = ContactDetailsForm()
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            services.update_contact_details(
                db.session, current_user, person, phone=form.phone.data, email=form.email.data,
                address=form.address.data, home_municipality=form.home_municipality.data,
                guardians=_guardians(form), grounds=decision.grounds)
        except Refused as exc:
            errors = exc.messages
        else:
            flash(_("The contact details are saved."), "success")
            return redirect(url_for("cases.detail", case_id=case.id))
    return render_template("participants/edit.html", form=form, case=case, errors=errors)
