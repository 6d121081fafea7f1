from __future__ import annotations

import uuid

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from caseapp.auth.forms import PostForm
from caseapp.cases.models import Case
from caseapp.choices import choices
from caseapp.clock import from_local, to_local
from caseapp.contacts import services
from caseapp.contacts.forms import ContactForm
from caseapp.contacts.models import Contact
from caseapp.editing import SpecialCategoryWarning, opened_version
from caseapp.extensions import db
from caseapp.plans.services import goal_texts, plan_for
from roles import Perm
from roles.guards import has_caseload, load, object_decides
from roles.handover import session_shared

bp = Blueprint("contacts", __name__)


def _data(form: ContactForm) -> services.ContactData:
    return services.ContactData(
        occurred_at=from_local(form.occurred_at.data), duration_minutes=form.duration_minutes.data,
        kind=form.kind.data, present=form.present.data or [], topics=form.topics.data or [],
        note=form.note.data, next_step=form.next_step.data, next_date=form.next_date.data,
        next_time=form.next_time.data, next_place=form.next_place.data,
        goals=form.goals.data or [], summary_shared=form.summary_shared.data)


def _offer_goals(form: ContactForm, case, linked: list[str] = ()) -> None:
    """Goals of the current plan that are open (or already linked) can be ticked."""
    plan = plan_for(db.session, case)
    goals = plan.current.content.goals if plan and plan.current else []
    form.goals.choices = choices((g.key, g.text) for g in goals if g.open or g.key in linked)


def _load_contact(contact_id: uuid.UUID, perm: Perm):
    contact, decision = load(Contact, contact_id, perm, via="case")
    if not session_shared(contact, current_user):
        abort(404)  # from before a cross-organisation handover: not shared
    return contact, decision



@bp.route("/cases/<uuid:case_id>/contacts/new", methods=["GET", "POST"])
@has_caseload
def new(case_id: uuid.UUID):
    case, decision = load(Case, case_id, Perm.CONTACT_WRITE)
    form = ContactForm()
    _offer_goals(form, case)
    errors: list[str] = []
    special: list[str] = []
    if form.validate_on_submit():
        try:
            services.log_contact(db.session, current_user, case, _data(form), decision.grounds,
                                 confirmed=form.special_ok.data)
        except SpecialCategoryWarning as warning:
            special = warning.categories
        except services.ContactError as exc:
            errors = exc.messages
        else:
            flash(_("The session is logged."), "success")
            return redirect(url_for("cases.detail", case_id=case.id))
    return render_template("contacts/form.html", form=form, case=case, contact=None, errors=errors,
                           special=special)


@bp.route("/contacts/<uuid:contact_id>/edit", methods=["GET", "POST"])
@has_caseload
def edit(contact_id: uuid.UUID):
    contact, decision = _load_contact(contact_id, Perm.CONTACT_WRITE)
    case = contact.case
    if request.method == "GET":
        form = ContactForm(
            occurred_at=to_local(contact.occurred_at), duration_minutes=contact.duration_minutes,
            kind=contact.kind, present=contact.present_codes, topics=contact.topic_codes,
            note=contact.note, next_step=contact.next_step, next_date=contact.next_date,
            next_time=contact.next_time, next_place=contact.next_place,
            version=str(contact.version), goals=contact.goal_codes,
            summary_shared=contact.summary_shared)
        services.show_contact(db.session, current_user, contact, decision.grounds)
    else:
        form = ContactForm()
    _offer_goals(form, case, contact.goal_codes)
    errors: list[str] = []
    special: list[str] = []
    if form.validate_on_submit():
        try:
            services.edit_contact(db.session, current_user, contact, _data(form),
                                  opened_version(form.version.data), decision.grounds,
                                  confirmed=form.special_ok.data)
        except services.StaleContact:
            return _conflict(contact_id, form)
        except SpecialCategoryWarning as warning:
            special = warning.categories
        except services.ContactError as exc:
            errors = exc.messages
        else:
            flash(_("The session is saved. The earlier version is kept in the history."), "success")
            return redirect(url_for("cases.detail", case_id=case.id))
    return render_template("contacts/form.html", form=form, case=case, contact=contact,
                           errors=errors, delete_form=PostForm(), special=special)


def _conflict(contact_id: uuid.UUID, form: ContactForm):
    """Someone saved the session first: say who and what changed; keep the user's input."""
    contact = db.session.get(Contact, contact_id)
    opened = opened_version(form.version.data)
    newer = [r for r in contact.revisions if r.number > opened]
    form.version.data = str(contact.version)
    return render_template("contacts/form.html", form=form, case=contact.case, contact=contact,
                           errors=[], conflict=newer, delete_form=PostForm()), 409


@bp.route("/contacts/<uuid:contact_id>/delete", methods=["POST"])
@has_caseload
def delete(contact_id: uuid.UUID):
    contact, decision = _load_contact(contact_id, Perm.CONTACT_WRITE)
    form = PostForm()
    if form.validate_on_submit():
        try:
            services.delete_contact(db.session, current_user, contact,
                                    opened_version(request.form.get("version")), decision.grounds)
        except services.StaleContact:
            flash(_("Someone else changed the session in the meantime. Look at it again "
                    "before you delete it."), "error")
            return redirect(url_for("contacts.edit", contact_id=contact_id))
        except services.ContactError as exc:
            for message in exc.messages:
                flash(message, "error")
        else:
            flash(_("The session is deleted. It is still visible in the history."), "success")
    return redirect(url_for("cases.detail", case_id=contact.case_id))


@bp.route("/contacts/<uuid:contact_id>/history")
@object_decides  # read-only: break-glass opens it too
def history(contact_id: uuid.UUID):
    contact, decision = _load_contact(contact_id, Perm.CASE_NOTES_VIEW)
    revisions = services.show_history(db.session, current_user, contact, decision.grounds)
    return render_template("contacts/history.html", contact=contact, case=contact.case,
                           revisions=revisions,
                           goal_texts=goal_texts(plan_for(db.session, contact.case)))
