"""Login (password, then TOTP or enrolment), logout."""
from __future__ import annotations

from flask import (Blueprint, current_app, flash, redirect, render_template, request, session,
                   url_for)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

import audit
from caseapp.auth import services, totp
from caseapp.auth.forms import CodeForm, LoginForm, PostForm
from caseapp.clock import now
from caseapp.extensions import db, limiter
from caseapp.security import safe_next
from roles import Perm
from roles.guards import public, requires

bp = Blueprint("auth", __name__, url_prefix="/login")

PENDING_USER = "pending_user"
PENDING_AT = "pending_at"
NEXT = "after_login"


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


def _finish_login(user):
    """Both factors passed: new session, new token, then on to where the user was going."""
    target = safe_next(session.get(NEXT))
    language = session.get("language")
    session.clear()  # a fresh session at login: nothing from before survives
    if language:
        session["language"] = language
    session["sid"] = services.start_login_session(db.session, user)
    session.permanent = False
    login_user(user)
    return redirect(target or url_for("main.start"))


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
    return render_template("auth/login.html", form=form, error=error)


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
            return _finish_login(user)
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
                return _finish_login(user)
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
    if form.validate_on_submit() and current_user.is_authenticated:
        audit.record("logout", object_type="user", object_id=current_user.id)
        services.end_login_session(db.session, session.get("sid"))
        logout_user()
    language = session.get("language")
    session.clear()
    if language:
        session["language"] = language
    flash(_("You are logged out."), "info")
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
