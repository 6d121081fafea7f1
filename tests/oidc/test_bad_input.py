"""Every way a sign-in can be wrong fails closed: a clear page, an audit event, no session.
Tokens come from the real test provider, or are signed with a key it does not hold."""
from __future__ import annotations

import base64
import json
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from joserfc import jwt
from joserfc.jwk import OctKey, RSAKey
from sqlalchemy import select

from audit.models import AuditEvent
from caseapp.extensions import db
from caseapp.oidc import provider
from caseapp.oidc.client import OIDCError
from tests.oidc.provider import (RunningProvider, callback_path, free_port, sign_in, sign_in_as,
                                 staff_account, start)

REDIRECT = "https://localhost/login/oidc/callback"


def failures() -> list[str]:
    db.session.expire_all()
    return [e.details.get("reason") for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "login.oidc_failed"))]


def assert_refused(client, response, reason: str, status: int = 400) -> None:
    assert response.status_code == status
    assert 'id="oidc-error"' in response.text
    assert reason in failures()
    assert client.get("/").status_code == 302  # no session
    assert "caseapp_oidc" not in response.headers.get("Set-Cookie", "") or \
        "Expires=Thu, 01 Jan 1970" in response.headers.get("Set-Cookie", "")


def with_query(url: str, **changes) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query.update(changes)
    return f"{parts.path}?{urlencode(query)}"


def test_a_mismatched_state_is_refused(client, coordinator):
    back = sign_in(start(client), "koord.mfa")
    response = client.get(with_query(back, state="somebody-elses-state-value-0123456789"))
    assert_refused(client, response, "state_mismatch")


def test_a_callback_without_the_browsers_transaction_is_refused(client, coordinator, make_client):
    back = sign_in(start(client), "koord.mfa")
    other = make_client()  # an attacker's browser with the victim's code and state
    assert_refused(other, other.get(callback_path(back)), "no_transaction")


def test_a_replayed_callback_is_refused(client, coordinator):
    back = sign_in(start(client), "koord.mfa")
    transaction = client.get_cookie("caseapp_oidc").value
    assert client.get(callback_path(back)).status_code == 302
    client.post("/login/logout", data={"csrf_token": client.csrf_token("/")})
    # the transaction cookie is gone after use …
    assert_refused(client, client.get(callback_path(back)), "no_transaction")
    # … and with a saved copy, the provider will not redeem the code twice
    client.set_cookie("caseapp_oidc", transaction, domain="localhost")
    assert_refused(client, client.get(callback_path(back)), "token_refused")


def test_the_provider_cancelling_is_refused(client, coordinator):
    back = sign_in(start(client), "koord.mfa", consent=False)
    assert "error=access_denied" in back
    assert_refused(client, client.get(callback_path(back)), "provider_refused")


def test_an_expired_id_token_is_refused(client, coordinator, clock):
    back = sign_in(start(client), "koord.mfa")
    clock.advance(hours=2)  # the provider's ID tokens live one hour
    assert_refused(client, client.get(callback_path(back)), "token_exp")


def test_an_id_token_from_the_future_is_refused(client, coordinator, clock):
    back = sign_in(start(client), "koord.mfa")
    clock.advance(minutes=-5)  # more than the allowed clock skew (60 s)
    assert_refused(client, client.get(callback_path(back)), "token_iat")


def test_small_clock_skew_is_tolerated(client, coordinator, clock):
    back = sign_in(start(client), "koord.mfa")
    clock.advance(seconds=-30)
    assert client.get(callback_path(back)).status_code == 302


def test_a_provider_that_is_down_gets_a_clear_page(client, make_app):
    app = make_app(CASEAPP_OIDC_PROVIDERS={"staff": {
        "issuer": f"http://127.0.0.1:{free_port()}", "client_id": "caseapp-staff",
        "client_secret": "x" * 32, "timeout_seconds": 2}})
    down = app.test_client()
    response = down.get("/login/oidc")
    assert response.status_code == 503
    assert "svarer ikke" in response.text
    assert "provider_unavailable" in failures()


def test_an_issuer_that_does_not_match_its_discovery_is_refused(client, make_app, oidc_provider):
    # the same provider under another name: its documents name another issuer
    other = oidc_provider.issuer.replace("127.0.0.1", "localhost")
    app = make_app(CASEAPP_OIDC_PROVIDERS={"staff": oidc_provider.settings(issuer=other)})
    response = app.test_client().get("/login/oidc")
    assert response.status_code == 400
    assert "issuer_mismatch" in failures()


# --- the ID token itself: real tokens from the provider, and forged ones -------------------------

def real_id_token(app, client_id: str = "caseapp-staff", secret: str | None = None):
    """A real ID token and its nonce, fetched by a relying party for ``client_id``."""
    from caseapp.oidc import parse
    from caseapp.oidc.client import Provider

    settings = dict(provider("staff").settings.__dict__)
    raw = {"issuer": settings["issuer"], "client_id": client_id,
           "client_secret": secret or settings["client_secret"]}
    relying_party = Provider(parse("staff", raw))
    url, transaction = relying_party.begin(REDIRECT)
    back = sign_in(url, "koord.mfa")
    query = {k: v[0] for k, v in parse_qs(urlsplit(back).query).items()}
    result = relying_party.finish(transaction, query, REDIRECT)
    return result.id_token, transaction.nonce


def reason_of(token: str, nonce: str) -> str:
    with pytest.raises(OIDCError) as refused:
        provider("staff").validate_id_token(token, nonce)
    return refused.value.reason


def test_a_real_token_passes(app):
    token, nonce = real_id_token(app)
    assert provider("staff").validate_id_token(token, nonce)["oid"] == "oid-koord"


def test_a_wrong_nonce_is_refused(app):
    token, _nonce = real_id_token(app)
    assert reason_of(token, "another-nonce-0123456789") == "nonce_mismatch"


def test_a_token_for_another_application_is_refused(app):
    token, nonce = real_id_token(app, "other-app", "other-app-secret-0123456789abcdef")
    assert reason_of(token, nonce) == "token_aud"


def test_a_token_from_another_issuer_is_refused(app):
    token, nonce = real_id_token(app)
    staff = provider("staff")
    staff.metadata()
    staff.settings.issuer = staff.settings.issuer + "/tenant-b"  # what this app expects
    assert reason_of(token, nonce) == "token_iss"


def forged(claims: dict, key, header: dict) -> str:
    return jwt.encode(header, claims, key)


def valid_claims(nonce: str) -> dict:
    staff = provider("staff")
    at = int(time.time())
    return {"iss": staff.settings.issuer, "aud": staff.settings.client_id, "sub": "koord.mfa",
            "oid": "oid-koord", "amr": ["pwd", "mfa"], "iat": at, "exp": at + 600,
            "nonce": nonce}


def test_a_token_signed_with_a_key_the_provider_does_not_hold_is_refused(app):
    token, nonce = real_id_token(app)  # loads the provider's keys
    real_kid = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))["kid"]
    attacker = RSAKey.generate_key(2048, private=True)
    for kid in (real_kid, "attackers-own-key"):
        assert reason_of(forged(valid_claims(nonce), attacker, {"alg": "RS256", "kid": kid}),
                         nonce) == "token_signature"


def test_an_unsigned_token_is_refused(app):
    _token, nonce = real_id_token(app)

    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    unsigned = f"{part({'alg': 'none'})}.{part(valid_claims(nonce))}."
    assert reason_of(unsigned, nonce) == "token_algorithm"
    # nor one "signed" with the client secret (HS256) the attacker may know
    secret = OctKey.import_key(provider("staff").settings.client_secret)
    assert reason_of(forged(valid_claims(nonce), secret, {"alg": "HS256"}), nonce) == "token_algorithm"


def test_a_wrong_or_missing_pkce_verifier_is_refused(app):
    staff = provider("staff")
    for verifier in ("a-different-verifier-" + "x" * 43, ""):
        url, transaction = staff.begin(REDIRECT)
        back = sign_in(url, "koord.mfa")
        query = {k: v[0] for k, v in parse_qs(urlsplit(back).query).items()}
        transaction.code_verifier = verifier
        with pytest.raises(OIDCError) as refused:
            staff.finish(transaction, query, REDIRECT)
        assert refused.value.reason == "token_refused"


def test_the_providers_key_rotation_is_followed(tmp_path, app_port, make_app, coordinator):
    """The provider replaces its signing key: the relying party fetches the new JWKS."""
    def key(kid: str) -> dict:
        return {**RSAKey.generate_key(2048, private=True).as_dict(private=True),
                "kid": kid, "use": "sig", "alg": "RS256"}

    accounts = {"koord.mfa": staff_account("oid-koord", "koord@example.org")}
    first = RunningProvider(tmp_path, accounts, app_port, jwks={"keys": [key("key-2026")]})
    port = first.port
    try:
        app = make_app(CASEAPP_OIDC_PROVIDERS={"staff": first.settings()})
        assert sign_in_as(app.test_client(), "koord.mfa").status_code == 302
    finally:
        first.stop()
    second = RunningProvider(tmp_path, accounts, app_port, jwks={"keys": [key("key-2027")]},
                             port=port)
    try:
        response = sign_in_as(app.test_client(), "koord.mfa")
        assert response.status_code == 302, failures()
    finally:
        second.stop()
