"""/meg: the young person signs in with the citizen provider (ID-porten or similar) and lands
on the home page of their own pages; the other pages are in their own modules, imported below."""
from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for

import audit
from caseapp.extensions import csrf, db, limiter
from caseapp.oidc import CITIZEN, flow
from caseapp.oidc.client import OIDCError
from caseapp.portal import me, services, sessions
from caseapp.portal.blueprint import bp
from caseapp.security import safe_next
from roles.guards import public, young_person

TEMPLATE_ERROR = "portal/error.html"


def _rate_limit() -> str:
    return current_app.config["CASEAPP_LOGIN_RATE_LIMIT"]


def _fail(reason: str):
    return flow.fail(CITIZEN, reason, action="portal.login_refused", template=TEMPLATE_ERROR,
                     start_endpoint="portal.signin")


@bp.route("/")
@young_person
def home():
    return render_template("portal/home.html", me=me.current())


@bp.route("/logg-inn")
@public
def signin():
    flow.configured(CITIZEN)
    if sessions.current() is not None:
        return redirect(url_for("portal.home"))
    return render_template("portal/signin.html")


@bp.route("/login")
@public
@limiter.limit(_rate_limit)
def start():
    flow.configured(CITIZEN)
    try:
        return flow.begin(CITIZEN, "portal.callback")
    except OIDCError as error:
        return _fail(error.reason)


@bp.route("/login/callback")
@public
@limiter.limit(_rate_limit)
def callback():
    try:
        result, _transaction = flow.complete(CITIZEN, "portal.callback")
        participant = services.match(db.session, result.claims,
                                     flow.configured(CITIZEN).settings)
    except OIDCError as error:
        return _fail(error.reason)
    token = sessions.start(db.session, participant)
    audit.record("portal.login", actor=participant, object_type="participant",
                 object_id=participant.id, grounds="own_data",
                 details={"acr": result.claims.get("acr")})
    response = flow.forget(redirect(url_for("portal.home")))
    return sessions.set_cookie(response, token)


@bp.route("/logout", methods=["POST"])
@public
@csrf.exempt  # the portal cookie is SameSite=Lax: a cross-site POST carries no session to end
def logout():
    login = sessions.current()
    found = flow.configured(CITIZEN)
    if login is not None:
        sessions.end(db.session, login)
        audit.record("portal.logout", actor=None, object_type="participant",
                     object_id=login.participant_id, subject_id=login.participant_id)
    # No id_token_hint: the ID token holds the national ID, which never goes into a URL.
    url = found.end_session_url(found.settings.post_logout_redirect_uri
                                or url_for("portal.logged_out", _external=True), None)
    if url is None:
        return sessions.clear_cookie(redirect(url_for("portal.logged_out")))
    response = current_app.make_response(flow.onward_to_provider(url, "portal/logout.html"))
    return sessions.clear_cookie(response)


@bp.route("/extend", methods=["POST"])
@young_person
def extend():
    """Stay logged in (the session-timeout warning's button; CSRFProtect checks the token):
    ``young_person`` has already moved the session's last activity to now."""
    if request.accept_mimetypes.best == "application/json":
        return {"idle_seconds": current_app.config["CASEAPP_PORTAL_IDLE_TIMEOUT_MINUTES"] * 60}
    return redirect(safe_next(request.form.get("next")) or url_for("portal.home"))


@bp.route("/logged-out")
@public
def logged_out():
    return render_template("portal/logged_out.html")


# The page modules: each adds its routes to ``bp`` (one module per page, so they change apart).
from caseapp.portal import (  # noqa: E402,F401
    access_views,
    consent_views,
    meetings_views,
    messages_views,
    plan_views,
)
