from __future__ import annotations

import uuid

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from caseapp.accounts import services
from caseapp.admin.forms import EditUserForm, RenameUnitForm, UnitForm, UserForm
from caseapp.auth.forms import PostForm
from caseapp.extensions import db
from caseapp.units import services as unit_services
from caseapp.units.models import Unit
from roles import Perm
from roles.guards import requires

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _user_or_404(user_id: uuid.UUID):
    user = services.get_user(db.session, user_id)
    if user is None:
        abort(404)
    return user


def _unit_choices(form) -> list[Unit]:
    all_units = unit_services.all_units(db.session)
    form.units.choices = [SelectChoice(str(u.id), u.display_name) for u in all_units]
    return all_units


def _chosen(all_units: list[Unit], ids) -> list[Unit]:
    return [u for u in all_units if str(u.id) in set(ids or [])]


@bp.route("/users")
@requires(Perm.USERS_MANAGE)
def users():
    return render_template("admin/users.html", users=services.list_users(db.session),
                           form=PostForm())


@bp.route("/users/new", methods=["GET", "POST"])
@requires(Perm.USERS_MANAGE)
def new_user():
    form = UserForm()
    all_units = _unit_choices(form)
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            user = services.create_user(
                db.session, username=form.username.data, display_name=form.display_name.data,
                roles=form.roles.data, units=_chosen(all_units, form.units.data),
                password=form.password.data, email=form.email.data,
                work_phone=form.work_phone.data, actor=current_user,
                password_change_required=True)
        except services.AccountError as exc:
            errors = exc.messages
        else:
            flash(_("The user %(username)s was created.", username=user.username), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/new_user.html", form=form, errors=errors)


@bp.route("/users/<uuid:user_id>", methods=["GET", "POST"])
@requires(Perm.USERS_MANAGE)
def edit_user(user_id: uuid.UUID):
    """Name, work e-mail, roles and units of an account; reset of the second factor,
    deactivation and reactivation are buttons on the same page."""
    user = _user_or_404(user_id)
    form = EditUserForm(obj=user)
    all_units = _unit_choices(form)
    if not form.is_submitted():
        form.roles.data = sorted(g.role for g in user.role_grants)
        form.units.data = [str(u.id) for u in user.units]
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            services.update_user(db.session, user, display_name=form.display_name.data,
                                 email=form.email.data, roles=form.roles.data,
                                 units=_chosen(all_units, form.units.data), actor=current_user)
        except services.AccountError as exc:
            errors = exc.messages
        else:
            flash(_("The changes to %(username)s are saved.", username=user.username), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/edit_user.html", form=form, errors=errors, user=user,
                           post=PostForm())


def _confirmed_action(user_id: uuid.UUID, act, texts, done: str, refuse_self: str):
    """A GET asks for confirmation (``texts(user)``: heading, explanation, button); the POST
    from that page does ``act(user)``. Never on one's own account."""
    user = _user_or_404(user_id)
    form = PostForm()
    if user.id == current_user.id:
        flash(refuse_self, "error")
        return redirect(url_for("admin.edit_user", user_id=user.id))
    if form.validate_on_submit():
        act(user)
        flash(done % {"username": user.username}, "success")
        return redirect(url_for("admin.edit_user", user_id=user.id))
    heading, explanation, button = texts(user)
    return render_template("admin/confirm.html", user=user, form=form, heading=heading,
                           explanation=explanation, button=button)


@bp.route("/users/<uuid:user_id>/deactivate", methods=["GET", "POST"])
@requires(Perm.USERS_MANAGE)
def deactivate(user_id: uuid.UUID):
    return _confirmed_action(
        user_id, lambda user: services.deactivate_user(db.session, user, actor=current_user),
        lambda user: (
            _("Deactivate %(username)s?", username=user.username),
            _("%(name)s is logged out everywhere at once and cannot log in until an "
              "administrator reactivates the account. Their cases and history stay.",
              name=user.display_name),
            _("Yes, deactivate %(username)s", username=user.username)),
        _("%(username)s is deactivated and logged out everywhere."),
        _("You cannot deactivate your own account."))


@bp.route("/users/<uuid:user_id>/reset-second-factor", methods=["GET", "POST"])
@requires(Perm.USERS_MANAGE)
def reset_second_factor(user_id: uuid.UUID):
    return _confirmed_action(
        user_id, lambda user: services.reset_second_factor(db.session, user, actor=current_user),
        lambda user: (
            _("Reset two-factor login for %(username)s?", username=user.username),
            _("Do this when %(name)s has lost the phone with the authenticator app. The old "
              "app stops working, %(name)s is logged out everywhere, and at the next login "
              "they scan a new QR code after the password.", name=user.display_name),
            _("Yes, reset two-factor login")),
        _("The two-factor login of %(username)s is reset: they set up a new authenticator "
          "app at their next login."),
        _("You cannot reset your own two-factor login. Ask another administrator."))


@bp.route("/users/<uuid:user_id>/reactivate", methods=["POST"])
@requires(Perm.USERS_MANAGE)
def reactivate(user_id: uuid.UUID):
    user = _user_or_404(user_id)
    if PostForm().validate_on_submit():
        services.reactivate_user(db.session, user, actor=current_user)
        flash(_("%(username)s can log in again.", username=user.username), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.route("/units")
@requires(Perm.UNITS_VIEW)
def units():
    return render_template("admin/units.html", units=unit_services.all_units(db.session))


def _unit_error_message() -> str:
    return _("The organisation already has a unit with that name.")


@bp.route("/units/new", methods=["GET", "POST"])
@requires(Perm.UNITS_MANAGE)
def new_unit():
    form = UnitForm()
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            unit = unit_services.add_unit(db.session, form.name.data, form.organisation.data,
                                  form.kind.data, actor=current_user)
        except unit_services.UnitError:
            errors = [_unit_error_message()]
        else:
            flash(_("The unit %(name)s was created.", name=unit.display_name), "success")
            return redirect(url_for("admin.units"))
    return render_template("admin/unit_form.html", form=form, errors=errors, unit=None,
                           organisations=unit_services.organisations(db.session))


@bp.route("/units/<uuid:unit_id>", methods=["GET", "POST"])
@requires(Perm.UNITS_MANAGE)
def edit_unit(unit_id: uuid.UUID):
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        abort(404)
    form = RenameUnitForm(obj=unit)
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            unit_services.rename_unit(db.session, unit, form.name.data, form.kind.data, actor=current_user)
        except unit_services.UnitError:
            errors = [_unit_error_message()]
        else:
            flash(_("The unit is saved as %(name)s.", name=unit.display_name), "success")
            return redirect(url_for("admin.units"))
    return render_template("admin/unit_form.html", form=form, errors=errors, unit=unit)
