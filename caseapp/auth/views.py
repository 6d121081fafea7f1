"""Login (password, then TOTP or enrolment), logout."""
from __future__ import annotations

from flask import (Blueprint, current_app, flash, redirect, render_template, request, session,
                   url_for)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

import audit
from caseapp.auth import services, totp
from caseapp.auth.forms import CodeForm, LoginForm, NewPasswordForm, PostForm
from caseapp.accounts.services import AccountError, change_password
from caseapp.clock import now
from caseapp.extensions import db, limiter
from caseapp.security import safe_next
from roles import Perm
from roles.guards import public, requires

bp = Blueprint("auth", __name__, url_prefix="/login")

PENDING_USER = "pending_user"
PENDING_AT = "pending_at"
NEXT = "after_login"
NEW_PASSWORD = "new_password_required"
# What a user who must first choose a password may still reach.
BEFORE_NEW_PASSWORD = {"auth.new_password", "auth.logout", "auth.extend", "main.language",
                       "main.health", "static"}


def _login_rate_limit() -> str:
    return current_app.config["CASEAPP_LOGIN_RATE_LIMIT"]


def _failure_message(failure: services.Failure) -> str:
    if failure == services.Failure.LOCKED:
        return _("Too many failed attempts. The account is locked for a while; "
                 "try again later or contact your administrator.")
    if failure == services.Failure.BAD_CODE:
        return _("The code is wrong or has already been used. Wait for a new code and try again.")
    return _("Wrong username or password.")


def _pending():
    return services.pending_user(db.session, session.get(PENDING_USER), session.get(PENDING_AT))


def _finish_login(user, method: str = "password", target: str | None = None):
    """Both factors passed (or the organisation's provider asserted them): new session, new
    token, then on to where the user was going."""
    target = safe_next(target or session.get(NEXT))
    language = session.get("language")
    session.clear()  # a fresh session at login: nothing from before survives
    if language:
        session["language"] = language
    session["sid"] = services.start_login_session(db.session, user, method)
    session.permanent = False
    login_user(user)
    return redirect(target or url_for("main.start"))


def _finish_password_login(user):
    """Logged in with password and code: a first password chosen by an administrator is
    replaced before anything else (a sign-in through the organisation's provider never
    comes here)."""
    response = _finish_login(user)
    if user.password_change_required:
        session[NEW_PASSWORD] = True
        return redirect(url_for("auth.new_password"))
    return response


@bp.before_app_request
def _new_password_first():
    if session.get(NEW_PASSWORD) and request.endpoint not in BEFORE_NEW_PASSWORD \
            and current_user.is_authenticated:
        return redirect(url_for("auth.new_password"))
    return None


@bp.route("/new-password", methods=["GET", "POST"])
@requires(Perm.START_VIEW)
def new_password():
    if not session.get(NEW_PASSWORD):
        return redirect(url_for("main.start"))
    form = NewPasswordForm()
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            change_password(db.session, current_user, form.password.data, form.repeated.data)
        except AccountError as exc:
            errors = exc.messages
        else:
            session.pop(NEW_PASSWORD, None)
            flash(_("Your new password is saved."), "success")
            return redirect(url_for("main.start"))
    return render_template("auth/new_password.html", form=form, errors=errors)


@bp.route("", methods=["GET", "POST"])
@public
@limiter.limit(_login_rate_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.start"))
    form = LoginForm()
    if request.method == "GET":
        target = safe_next(request.args.get("next"))
        if target:
            session[NEXT] = target
    error = None
    if form.validate_on_submit():
        attempt = services.check_password(db.session, form.username.data, form.password.data)
        if attempt.ok:
            session[PENDING_USER] = str(attempt.user.id)
            session[PENDING_AT] = str(now().timestamp())
            if attempt.user.totp_enrolled:
                return redirect(url_for("auth.code"))
            return redirect(url_for("auth.enrol"))
        error = _failure_message(attempt.failure)
    from caseapp.oidc import STAFF, provider

    return render_template("auth/login.html", form=form, error=error,
                           organisation_login=provider(STAFF) is not None)


@bp.route("/code", methods=["GET", "POST"])
@public
@limiter.limit(_login_rate_limit, methods=["POST"])
def code():
    user = _pending()
    if user is None or not user.totp_enrolled:
        flash(_("Log in with your username and password first."), "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    error = None
    if form.validate_on_submit():
        attempt = services.check_code(db.session, user, form.code.data)
        if attempt.ok:
            return _finish_password_login(user)
        error = _failure_message(attempt.failure)
        if attempt.failure == services.Failure.LOCKED:
            session.pop(PENDING_USER, None)
    return render_template("auth/code.html", form=form, error=error)


@bp.route("/enrol", methods=["GET", "POST"])
@public
@limiter.limit(_login_rate_limit, methods=["POST"])
def enrol():
    user = _pending()
    if user is None or user.totp_enrolled:
        flash(_("Log in with your username and password first."), "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    error = None
    if request.method == "POST":
        if form.validate_on_submit():
            attempt = services.check_code(db.session, user, form.code.data)
            if attempt.ok:
                flash(_("Two-factor login is set up."), "success")
                return _finish_password_login(user)
            error = _failure_message(attempt.failure)
        if user.totp_secret is None:
            return redirect(url_for("auth.enrol"))
        secret = user.totp_secret
    else:
        secret = services.begin_enrolment(db.session, user)
    uri = totp.provisioning_uri(secret, user.username, current_app.config["CASEAPP_TOTP_ISSUER"])
    return render_template("auth/enrol.html", form=form, error=error, secret=secret,
                           qr=totp.qr_svg_data_uri(uri))


@bp.route("/logout", methods=["POST"])
@public
def logout():
    form = PostForm()
    id_token = None
    if form.validate_on_submit() and current_user.is_authenticated:
        audit.record("logout", object_type="user", object_id=current_user.id)
        services.end_login_session(db.session, session.get("sid"))
        logout_user()
        id_token = session.get("oidc_id_token")
    language = session.get("language")
    session.clear()
    if language:
        session["language"] = language
    flash(_("You are logged out."), "info")
    if id_token:  # signed in through the organisation's provider: log out there too
        from caseapp.oidc.flow import provider_logout

        return provider_logout(id_token) or redirect(url_for("auth.login"))
    return redirect(url_for("auth.login"))



@bp.route("/extend", methods=["POST"])
@requires(Perm.START_VIEW)
def extend():
    """Stay logged in (the session-timeout warning's button; CSRFProtect checks the token).
    Loading the user has already moved the login session's last activity to now, and the
    request commits it."""
    if request.accept_mimetypes.best == "application/json":
        return {"idle_seconds": current_app.config["CASEAPP_IDLE_TIMEOUT_MINUTES"] * 60}
    return redirect(safe_next(request.form.get("next")) or url_for("main.start"))
