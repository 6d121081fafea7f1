from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from caseapp.auth.forms import PostForm
from caseapp.cases.services import get_case
from caseapp.choices import choices
from caseapp.clock import from_local, to_local
from caseapp.contacts import services
from caseapp.contacts.forms import ContactForm
from caseapp.editing import opened_version
from caseapp.extensions import db
from caseapp.handovers.services import hidden_before
from caseapp.plans.services import goal_texts, plan_for
from roles import Perm
from roles.guards import authorize, requires

bp = Blueprint("contacts", __name__)


def _data(form: ContactForm) -> services.ContactData:
    return services.ContactData(
        occurred_at=from_local(form.occurred_at.data), duration_minutes=form.duration_minutes.data,
        kind=form.kind.data, present=form.present.data or [], topics=form.topics.data or [],
        note=form.note.data, next_step=form.next_step.data, next_date=form.next_date.data,
        goals=form.goals.data or [])


def _offer_goals(form: ContactForm, case, linked: list[str] = ()) -> None:
    """Goals of the current plan that are open (or already linked) can be ticked."""
    plan = plan_for(db.session, case)
    goals = plan.current.content.goals if plan and plan.current else []
    form.goals.choices = choices((g.key, g.text) for g in goals if g.open or g.key in linked)


def _load_contact(contact_id: str, perm: Perm):
    contact = services.get_contact(db.session, contact_id)
    decision = authorize(perm, contact.case if contact else None)
    hidden = hidden_before(contact.case, current_user)
    if hidden is not None and contact.created_at <= hidden:
        abort(404)  # from before a cross-organisation handover: not shared
    return contact, decision



@bp.route("/cases/<case_id>/contacts/new", methods=["GET", "POST"])
@requires(Perm.CASE_LIST_OWN)
def new(case_id: str):
    case = get_case(db.session, case_id)
    decision = authorize(Perm.CONTACT_WRITE, case)
    form = ContactForm()
    _offer_goals(form, case)
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            services.log_contact(db.session, current_user, case, _data(form), decision.grounds)
        except services.ContactError as exc:
            errors = exc.messages
        else:
            flash(_("The session is logged."), "success")
            return redirect(url_for("cases.detail", case_id=case.id))
    return render_template("contacts/form.html", form=form, case=case, contact=None, errors=errors)


@bp.route("/contacts/<contact_id>/edit", methods=["GET", "POST"])
@requires(Perm.CASE_LIST_OWN)
def edit(contact_id: str):
    contact, decision = _load_contact(contact_id, Perm.CONTACT_WRITE)
    case = contact.case
    if request.method == "GET":
        form = ContactForm(
            occurred_at=to_local(contact.occurred_at), duration_minutes=contact.duration_minutes,
            kind=contact.kind, present=contact.present_codes, topics=contact.topic_codes,
            note=contact.note, next_step=contact.next_step, next_date=contact.next_date,
            version=str(contact.version), goals=contact.goal_codes)
        services.show_contact(db.session, current_user, contact, decision.grounds)
    else:
        form = ContactForm()
    _offer_goals(form, case, contact.goal_codes)
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            services.edit_contact(db.session, current_user, contact, _data(form),
                                  opened_version(form.version.data), decision.grounds)
        except services.StaleContact:
            return _conflict(contact_id, form)
        except services.ContactError as exc:
            errors = exc.messages
        else:
            flash(_("The session is saved. The earlier version is kept in the history."), "success")
            return redirect(url_for("cases.detail", case_id=case.id))
    return render_template("contacts/form.html", form=form, case=case, contact=contact,
                           errors=errors, delete_form=PostForm())


def _conflict(contact_id: str, form: ContactForm):
    """Someone saved the session first: say who and what changed; keep the user's input."""
    contact = services.get_contact(db.session, contact_id)
    opened = opened_version(form.version.data)
    newer = [r for r in contact.revisions if r.number > opened]
    form.version.data = str(contact.version)
    return render_template("contacts/form.html", form=form, case=contact.case, contact=contact,
                           errors=[], conflict=newer, delete_form=PostForm()), 409


@bp.route("/contacts/<contact_id>/delete", methods=["POST"])
@requires(Perm.CASE_LIST_OWN)
def delete(contact_id: str):
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
        flash(_("The session is deleted. It is still visible in the history."), "success")
    return redirect(url_for("cases.detail", case_id=contact.case_id))


@bp.route("/contacts/<contact_id>/history")
@requires(Perm.CASE_LIST_OWN)
def history(contact_id: str):
    contact, decision = _load_contact(contact_id, Perm.CASE_NOTES_VIEW)
    revisions = services.show_history(db.session, current_user, contact, decision.grounds)
    return render_template("contacts/history.html", contact=contact, case=contact.case,
                           revisions=revisions,
                           goal_texts=goal_texts(plan_for(db.session, contact.case)))
