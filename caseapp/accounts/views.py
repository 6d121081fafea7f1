"""A staff member's own account: who they are in caseapp and how they are reached."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from caseapp.accounts import services
from caseapp.accounts.forms import ProfileForm
from caseapp.extensions import db
from roles import Perm
from roles.guards import requires

bp = Blueprint("accounts", __name__, url_prefix="/profile")


@bp.route("/", methods=["GET", "POST"])
@requires(Perm.PROFILE_OWN)
def profile():
    form = ProfileForm(obj=current_user)
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            services.update_work_phone(db.session, current_user, form.work_phone.data)
            services.update_digest(db.session, current_user, form.digest_frequency.data,
                                   form.digest_language.data)
        except services.AccountError as exc:
            errors = exc.messages
        else:
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form, errors=errors)
