from __future__ import annotations

import uuid

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from caseapp.accounts import services
from caseapp.admin.forms import UserForm
from caseapp.auth.forms import PostForm
from caseapp.extensions import db
from caseapp.units.services import all_units
from roles import Perm
from roles.guards import requires

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/users")
@requires(Perm.USERS_MANAGE)
def users():
    return render_template("admin/users.html", users=services.list_users(db.session),
                           form=PostForm())


@bp.route("/users/new", methods=["GET", "POST"])
@requires(Perm.USERS_MANAGE)
def new_user():
    units = all_units(db.session)
    form = UserForm()
    form.units.choices = [SelectChoice(str(u.id), u.display_name) for u in units]
    errors: list[str] = []
    if form.validate_on_submit():
        chosen = [u for u in units if str(u.id) in set(form.units.data or [])]
        try:
            user = services.create_user(
                db.session, username=form.username.data, display_name=form.display_name.data,
                roles=form.roles.data, units=chosen, password=form.password.data,
                actor=current_user)
        except services.AccountError as exc:
            errors = exc.messages
        else:
            flash(_("The user %(username)s was created.", username=user.username), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/new_user.html", form=form, errors=errors)


@bp.route("/users/<user_id>/deactivate", methods=["POST"])
@requires(Perm.USERS_MANAGE)
def deactivate(user_id: str):
    form = PostForm()
    try:
        user = services.get_user(db.session, uuid.UUID(user_id))
    except ValueError:
        user = None
    if user is None:
        abort(404)
    if user.id == current_user.id:
        flash(_("You cannot deactivate your own account."), "error")
    elif form.validate_on_submit():
        services.deactivate_user(db.session, user, actor=current_user)
        flash(_("%(username)s is deactivated and logged out everywhere.", username=user.username),
              "success")
    return redirect(url_for("admin.users"))


@bp.route("/units")
@requires(Perm.UNITS_VIEW)
def units():
    return render_template("admin/units.html", units=all_units(db.session))
