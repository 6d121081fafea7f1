"""The browser's side of the flow, shared by staff and young people: the transaction cookie
between the two legs, and the page shown when a sign-in fails (audited, no session)."""
from __future__ import annotations

from dataclasses import asdict

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer

import audit
from caseapp.oidc import STAFF, provider
from caseapp.oidc.client import OIDCError, Provider, Result, Transaction

COOKIE = "caseapp_oidc"
SALT = "caseapp.oidc.transaction"
MAX_AGE = 600  # seconds from the button to the return from the provider


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=SALT)


def configured(kind: str) -> Provider:
    found = provider(kind)
    if found is None:
        abort(404)
    return found


def redirect_uri(found: Provider, endpoint: str) -> str:
    return found.settings.redirect_uri or url_for(endpoint, _external=True)


def begin(kind: str, callback_endpoint: str, next_url: str | None = None,
          invited: str | None = None):
    """Send the browser to the provider, with state, nonce and a PKCE verifier in a signed,
    short-lived cookie."""
    found = configured(kind)
    url, transaction = found.begin(redirect_uri(found, callback_endpoint), next_url)
    transaction.invited = invited
    response = redirect(url)
    response.set_cookie(COOKIE, _serializer().dumps(asdict(transaction)), max_age=MAX_AGE,
                        path="/", secure=current_app.config["SESSION_COOKIE_SECURE"],
                        httponly=True, samesite="Lax")
    return response


def complete(kind: str, callback_endpoint: str) -> tuple[Result, Transaction]:
    """Check the provider's answer against the cookie's transaction (used once: the cookie
    is cleared by ``forget``); return the ID token's claims and the transaction."""
    found = configured(kind)
    raw = request.cookies.get(COOKIE)
    try:
        data = _serializer().loads(raw or "", max_age=MAX_AGE)
        transaction = Transaction(**data)
    except (BadSignature, TypeError):
        raise OIDCError("no_transaction") from None
    if transaction.kind != kind:
        raise OIDCError("no_transaction")
    result = found.finish(transaction, request.args.to_dict(), redirect_uri(found, callback_endpoint))
    return result, transaction


def forget(response):
    response.delete_cookie(COOKIE, path="/")
    return response


def onward_to_provider(url: str, template: str):
    """The page after a local logout that sends the browser on to the provider's logout. A
    page, not a redirect: the logout form's POST may not be redirected to another origin
    (CSP form-action 'self'); the page's refresh is a new navigation, with a link as well."""
    return render_template(template, provider_logout_url=url)


def failure_message(reason: str) -> tuple[str, int]:
    """What the person reads, and the status code, for a failure reason."""
    if reason == "provider_unavailable":
        return _("The sign-in service is not answering right now. Try again in a few "
                 "minutes."), 503
    if reason == "no_transaction" or reason == "state_mismatch":
        return _("The sign-in was started in another window or took too long. Start "
                 "again."), 400
    if reason == "mfa_missing":
        return _("Your organisation's sign-in did not confirm two-factor authentication "
                 "(MFA). Sign in again with two-factor authentication, or ask your IT "
                 "department."), 403
    if reason == "unknown_account":
        return _("No account in this service is linked to your organisation account. Ask "
                 "your administrator to give you access."), 403
    if reason == "account_unavailable":
        return _("This account cannot sign in now. Contact your administrator."), 403
    if reason in {"no_match", "no_pid"}:  # the same words for unknown, restricted and erased
        return _("We could not find any pages for you in this service. If you think you "
                 "should have them, ask the person who follows you up."), 403
    if reason == "acr_too_low":
        return _("Sign in again with a higher security level (for example BankID)."), 403
    if reason == "provider_refused":
        return _("The sign-in was cancelled or refused by the sign-in service."), 400
    return _("The sign-in could not be confirmed. Start again; if it happens again, "
             "contact your administrator."), 400


def fail(kind: str, reason: str, action: str = "login.oidc_failed", user=None,
         template: str = "oidc/error.html", start_endpoint: str = "auth.login"):
    """The failure page: an audit event (committed now: the response rolls back), no session,
    and the transaction cookie gone."""
    audit.services.record_now(action, actor=None, object_type="user" if user else None,
                              object_id=getattr(user, "id", None), outcome=audit.services.DENIED,
                              details={"reason": reason, "provider": kind})
    message, status = failure_message(reason)
    response = current_app.make_response(
        (render_template(template, message=message, start_endpoint=start_endpoint), status))
    return forget(response)


def provider_logout(id_token: str | None):
    """After the local session has ended: on to the staff provider's logout, when it has one
    (the staff logout in ``caseapp.auth.views`` calls this)."""
    found = configured(STAFF) if id_token else None
    url = found.end_session_url(
        found.settings.post_logout_redirect_uri or url_for("auth.login", _external=True),
        id_token) if found else None
    return onward_to_provider(url, "oidc/logout.html") if url else None
