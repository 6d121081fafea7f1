"""Staff sign in through the organisation's provider (the real test provider): matched to an
existing account, MFA required, deactivation and lockout respected, audited, logout there too."""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import re
from urllib.parse import urljoin

import requests
from sqlalchemy import select

from audit.models import AuditEvent
from caseapp.accounts.models import User
from caseapp.clock import now
from caseapp.extensions import db
from tests.oidc.provider import callback_path, provider_logout_url, sign_in, sign_in_as, start


def actions() -> list[tuple[str, dict]]:
    db.session.expire_all()
    return [(e.action, e.details) for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq))]


def test_the_button_is_shown_only_with_a_provider(client, make_app):
    assert "organisation-login" in client.get("/login").text
    plain = make_app(CASEAPP_OIDC_PROVIDERS={}).test_client()
    assert "organisation-login" not in plain.get("/login").text
    assert plain.get("/login/oidc").status_code == 404


def test_the_request_uses_pkce_state_and_nonce(client):
    query = parse_qs(urlsplit(start(client)).query)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) >= 43
    assert len(query["state"][0]) >= 32 and len(query["nonce"][0]) >= 32
    assert query["response_type"] == ["code"]


def test_coordinator_with_mfa_is_linked_by_verified_email_and_reaches_the_dashboard(client, coordinator):
    response = sign_in_as(client, "koord.mfa")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.get("/caseload/").status_code == 200
    db.session.expire_all()
    assert db.session.get(User, coordinator.id).oidc_subject == "oid-koord"
    events = actions()
    assert ("user.oidc_linked", {"by": "verified_email"}) in events
    assert ("login.success", {"method": "oidc"}) in events


def test_a_linked_account_is_found_by_its_subject_not_its_email(client, coordinator, make_client):
    sign_in_as(client, "koord.mfa")
    coordinator = db.session.get(User, coordinator.id)
    coordinator.email = "new-address@example.org"
    db.session.commit()
    second = make_client()
    assert sign_in_as(second, "koord.mfa").headers["Location"] == "/"
    # another provider person with the account's (old) e-mail does not get in
    third = make_client()
    response = sign_in_as(third, "other.person")
    assert response.status_code == 403
    assert third.get("/").status_code == 302


def test_without_mfa_the_login_is_refused_with_a_clear_message(client, coordinator):
    response = sign_in_as(client, "koord.nomfa")
    assert response.status_code == 403
    assert "tofaktor" in response.text
    assert client.get("/").status_code == 302  # no session
    assert db.session.get(User, coordinator.id).oidc_subject is None
    assert ("login.refused_mfa", {"reason": "mfa_missing", "provider": "staff"}) in actions()


def test_a_configured_acr_counts_as_mfa(client, coordinator, make_app, oidc_provider):
    settings = oidc_provider.settings(mfa_acr_values=["urn:test:pwd-only-for-this-test"])
    app = make_app(CASEAPP_OIDC_PROVIDERS={"staff": settings})
    assert sign_in_as(app.test_client(), "koord.nomfa").status_code == 403
    relaxed = make_app(CASEAPP_OIDC_PROVIDERS={"staff": {**settings, "require_mfa": False}})
    assert sign_in_as(relaxed.test_client(), "koord.nomfa").status_code == 302


def test_nobody_gets_an_account_from_claims(client, coordinator):
    before = db.session.scalar(select(db.func.count(User.id)))
    response = sign_in_as(client, "stranger")
    assert response.status_code == 403
    assert "administrator" in response.text
    assert db.session.scalar(select(db.func.count(User.id))) == before
    assert ("login.failed", {"reason": "unknown_account", "provider": "staff"}) in actions()


def test_an_unverified_email_links_nothing(client, coordinator):
    assert sign_in_as(client, "unverified").status_code == 403
    assert db.session.get(User, coordinator.id).oidc_subject is None


def test_a_deactivated_account_cannot_sign_in_through_the_provider(client, coordinator, make_client):
    from caseapp.accounts.services import deactivate_user

    sign_in_as(client, "koord.mfa")
    deactivate_user(db.session, db.session.get(User, coordinator.id))
    db.session.commit()
    assert client.get("/").status_code == 302  # the running session ended
    fresh = make_client()
    assert sign_in_as(fresh, "koord.mfa").status_code == 403
    assert fresh.get("/").status_code == 302


def test_a_locked_account_stays_locked(client, coordinator):
    coordinator = db.session.get(User, coordinator.id)
    coordinator.locked_until = now() + timedelta(minutes=10)
    db.session.commit()
    assert sign_in_as(client, "koord.mfa").status_code == 403
    assert client.get("/").status_code == 302
    assert "login.refused_locked" in [action for action, _ in actions()]


def test_logout_ends_the_session_here_and_at_the_provider(client, coordinator, oidc_provider):
    browser = requests.Session()  # the person's browser at the provider
    assert sign_in_as(client, "koord.mfa", browser=browser).status_code == 302
    response = client.post("/login/logout", data={"csrf_token": client.csrf_token("/")})
    location = provider_logout_url(response)
    assert location.startswith(f"{oidc_provider.issuer}/session/end?")
    query = parse_qs(urlsplit(location).query)
    assert query["post_logout_redirect_uri"][0].endswith("://localhost/login")
    assert query["id_token_hint"]
    assert client.get("/").status_code == 302  # ended here already
    # at the provider: confirm, and come back to the login page
    page = browser.get(location, timeout=10)
    form = re.search(r'id="op.logoutForm" method="post" action="([^"]+)"', page.text).group(1)
    xsrf = re.search(r'name="xsrf" value="([^"]+)"', page.text).group(1)
    done = browser.post(urljoin(location, form), data={"xsrf": xsrf, "logout": "yes"},
                        allow_redirects=False, timeout=10)
    assert done.headers["Location"].endswith("://localhost/login")
    # the provider's session is gone too: the next sign-in asks for the password again
    again = browser.get(start(client), timeout=10)
    assert 'id="password"' in again.text


def test_an_administrators_invitation_links_the_account(client, factory, app, make_client):
    unit = factory.unit("Vågsbygd skole")
    mentor = factory.user("youth_mentor", [unit], username="uv.invitert")  # no e-mail
    from caseapp.oidc.staff import invitation_token

    path = f"/login/oidc/invitation/{invitation_token(app.secret_key, mentor)}"
    response = client.get(path)
    assert response.status_code == 302
    back = sign_in(response.headers["Location"], "stranger")
    assert client.get(callback_path(back)).headers["Location"] == "/"
    db.session.expire_all()
    assert db.session.get(User, mentor.id).oidc_subject == "oid-stranger"
    assert ("user.oidc_linked", {"by": "invitation"}) in actions()
    # used: the same link does nothing for another person
    other = make_client()
    response = other.get(path)
    back = sign_in(response.headers["Location"], "other.person")
    assert other.get(callback_path(back)).status_code == 403
    assert make_client().get("/login/oidc/invitation/forged-token").status_code == 400
