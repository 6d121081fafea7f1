"""Staff sign-in with the organisation's account (OpenID Connect)."""
from __future__ import annotations

from flask import Blueprint, current_app, redirect, session, url_for
from flask_login import current_user

from caseapp.auth.views import NEXT, _finish_login
from caseapp.auth.services import _is_locked
from caseapp.extensions import db, limiter
from caseapp.oidc import STAFF, flow, staff
from caseapp.oidc.client import OIDCError
from caseapp.security import safe_next
from roles.guards import public

bp = Blueprint("oidc", __name__, url_prefix="/login/oidc")
ID_TOKEN = "oidc_id_token"  # kept for the provider's logout (id_token_hint)


def _rate_limit() -> str:
    return current_app.config["CASEAPP_LOGIN_RATE_LIMIT"]


@bp.route("", methods=["GET"])
@public
@limiter.limit(_rate_limit)
def start():
    """The button "Log in with your organisation's account"."""
    flow.configured(STAFF)
    if current_user.is_authenticated:
        return redirect(url_for("main.start"))
    try:
        return flow.begin(STAFF, "oidc.callback", safe_next(session.get(NEXT)))
    except OIDCError as error:
        return flow.fail(STAFF, error.reason)


@bp.route("/invitation/<token>", methods=["GET"])
@public
@limiter.limit(_rate_limit)
def invitation(token: str):
    """An administrator's invitation link (``caseapp oidc-invite``): sign in at the provider,
    and the account of the invitation is linked to the person who does."""
    flow.configured(STAFF)
    user_id = staff.invited_user_id(current_app.secret_key, token)
    if user_id is None:
        return flow.fail(STAFF, "invitation_invalid")
    try:
        return flow.begin(STAFF, "oidc.callback", invited=user_id)
    except OIDCError as error:
        return flow.fail(STAFF, error.reason)


@bp.route("/callback", methods=["GET"])
@public
@limiter.limit(_rate_limit)
def callback():
    """The provider sends the browser back here: check everything, then match the account."""
    try:
        result, transaction = flow.complete(STAFF, "oidc.callback")
        settings = flow.configured(STAFF).settings
        user = staff.find_account(db.session, result.claims, settings)
        linked_by = "verified_email"
        if user is None or (transaction.invited and user.oidc_subject is None):
            invited = staff.invited_account(db.session, transaction.invited, result.claims,
                                            settings)
            user, linked_by = (invited, "invitation") if invited else (user, linked_by)
    except OIDCError as error:
        return flow.fail(STAFF, error.reason)
    if user is None:
        return flow.fail(STAFF, "unknown_account", action="login.failed")
    if settings.options["require_mfa"] and not staff.has_mfa(result.claims, settings):
        return flow.fail(STAFF, "mfa_missing", action="login.refused_mfa", user=user)
    if not user.active:
        return flow.fail(STAFF, "account_unavailable", action="login.failed", user=user)
    if _is_locked(user):
        return flow.fail(STAFF, "account_unavailable", action="login.refused_locked", user=user)
    staff.link(db.session, user, result.claims, settings, by=linked_by)
    response = flow.forget(_finish_login(user, method="oidc", target=transaction.next))
    session[ID_TOKEN] = result.id_token
    return response

