"""A young person signs in with the citizen provider (ID-porten style, the real test provider):
matched through the national-ID blind index at the required level of assurance, a separate
kind of session (own cookie and path, shorter timeouts) that reaches no staff page."""
from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest

from sqlalchemy import select

from caseapp.privacy import erasure
from audit.models import AuditEvent
from caseapp.clock import SystemClock
from caseapp.extensions import db
from tests.oidc.conftest import PID_ERASED, PID_RESTRICTED, young_person
from tests.oidc.provider import provider_logout_url, sign_in_as
from tests.roles.test_url_matrix import EXPECTED, LOGIN, world  # noqa: F401  (fixture)

NEUTRAL = "Vi fant ingen sider for deg"


def portal_sign_in(client, login: str, **kwargs):
    return sign_in_as(client, login, start_path="/meg/login", **kwargs)


def events(action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_the_young_person_signs_in_and_sees_only_that_they_are_signed_in(client, known):
    assert "portal-login" in client.get("/meg/logg-inn").text
    response = portal_sign_in(client, "ung.kjent")
    assert response.status_code == 302 and response.headers["Location"] == "/meg/"
    cookies = response.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("caseapp_meg="))
    assert "Path=/meg" in session_cookie and "HttpOnly" in session_cookie
    assert not any(c.startswith("caseapp_session=") for c in cookies)  # not a staff session
    page = client.get("/meg/")
    assert page.status_code == 200 and "Du er logget inn" in page.text
    assert "Testesen" not in page.text  # the given name only, never the family name
    login = events("portal.login")
    assert [e.subject_id for e in login] == [known.id]
    assert login[0].details == {"acr": "idporten-loa-substantial"}


def test_a_higher_level_of_assurance_is_accepted_and_a_lower_refused(client, known, make_client):
    assert portal_sign_in(client, "ung.hoy").headers["Location"] == "/meg/"
    low = make_client()
    response = portal_sign_in(low, "ung.lav")
    assert response.status_code == 403 and "høyere sikkerhetsnivå" in response.text
    assert low.get("/meg/").status_code == 302
    assert [e.details["reason"] for e in events("portal.login_refused")] == ["acr_too_low"]


def test_unknown_restricted_and_erased_people_get_the_same_neutral_page(client, known, factory,
                                                                         make_client):
    officer = factory.user("privacy_officer")
    restricted = young_person(PID_RESTRICTED, date(2007, 1, 9))
    erased = young_person(PID_ERASED, date(2006, 11, 30))
    erasure.decide(db.session, officer, restricted, "restrict", "Testen ber om begrensning.")
    erasure.decide(db.session, officer, erased, "crypto_shred", "Testen ber om sletting nå.")
    db.session.commit()
    pages = []
    for login in ("ung.ukjent", "ung.begrenset", "ung.slettet"):
        browser = make_client()
        response = portal_sign_in(browser, login)
        assert response.status_code == 403
        assert not any(c.startswith("caseapp_meg=") for c in response.headers.getlist("Set-Cookie"))
        assert browser.get("/meg/").status_code == 302
        pages.append(response.text.split('id="oidc-error">')[1].split("<")[0])
    assert len(set(pages)) == 1 and NEUTRAL in pages[0]
    refused = events("portal.login_refused")
    assert [e.details["reason"] for e in refused] == ["no_match"] * 3
    assert all(e.subject_id is None for e in refused)
    assert not events("portal.login")


def test_the_session_is_shorter_than_a_staff_session(client, known, clock):
    portal_sign_in(client, "ung.kjent")
    clock.advance(minutes=9)
    assert client.get("/meg/").status_code == 200
    clock.advance(minutes=11)  # idle for more than 10 minutes
    assert client.get("/meg/").headers["Location"] == "/meg/logg-inn"
    clock.set(SystemClock().now())  # back to the provider's time for the next sign-in
    portal_sign_in(client, "ung.kjent")
    for _ in range(7):  # active, but more than 60 minutes in all
        clock.advance(minutes=9)
        client.get("/meg/")
    assert client.get("/meg/").headers["Location"] == "/meg/logg-inn"
    reasons = [e.details["reason"] for e in events("portal.session_expired")]
    assert reasons == ["idle_timeout", "absolute_timeout"]


def test_logout_ends_the_session_here_and_at_the_provider(client, known, oidc_provider):
    portal_sign_in(client, "ung.kjent")
    response = client.post("/meg/logout")
    location = provider_logout_url(response)
    assert location.startswith(f"{oidc_provider.issuer}/session/end?")
    query = parse_qs(urlsplit(location).query)
    assert query["client_id"] == ["caseapp-citizen"]
    assert query["post_logout_redirect_uri"][0].endswith("://localhost/meg/logged-out")
    assert "id_token_hint" not in query  # the ID token holds the national ID: never in a URL
    assert client.get("/meg/").status_code == 302
    assert [e.subject_id for e in events("portal.logout")] == [known.id]
    assert "Du er logget ut" in client.get("/meg/logged-out").text


def test_a_staff_session_does_not_open_the_young_persons_pages(client, known, factory, login):
    login(client, factory.user("youth_mentor"))
    assert client.get("/").status_code == 200
    assert client.get("/meg/").headers["Location"] == "/meg/logg-inn"


def _path(template: str, world) -> str:
    """The URL matrix's path with the ids of its world's objects."""
    values = {name: getattr(obj, "id", None) for name, obj in world.items()}
    return template.format(participant=world["case"].participant_id, **values)


def test_every_staff_url_refuses_a_young_persons_session(client, known, world, make_client):
    """The young person's token, sent with every request to every staff URL rule (as if the
    cookie's path did not hold), gets what an anonymous visitor gets."""
    portal_sign_in(client, "ung.kjent")
    token = client.get_cookie("caseapp_meg", path="/meg").value
    assert client.get("/meg/").status_code == 200
    young = make_client()
    young.set_cookie("caseapp_meg", token, domain="localhost", path="/")
    failures = []
    for endpoint, (method, template, answers, default) in EXPECTED.items():
        if endpoint.startswith("portal.") or endpoint in {"static", "main.health",
                                                          "main.accessibility"}:
            continue
        expected = answers.get("anonymous", default)
        path = _path(template, world)
        if method == "POST":
            response = young.post(path, data={"csrf_token": young.csrf_token("/login")})
        else:
            response = young.get(path)
        if expected == LOGIN:
            ok = response.status_code == 302 and response.headers["Location"].startswith("/login")
        else:
            ok = response.status_code == expected
        if endpoint.startswith(("oidc.", "auth.login")):
            ok = ok or response.status_code in {302, 400}  # the sign-in pages themselves
        if not ok:
            failures.append(f"{method} {path}: {response.status_code}, anonymous gets {expected}")
    assert not failures, "\n".join(failures)
    assert young.get("/meg/").status_code == 200  # the token itself was live all along


def test_private_key_jwt_client_authentication(tmp_path, app_port, make_app, known):
    """The relying party proves itself with a signed assertion (private_key_jwt, as ID-porten
    wants); a key the provider does not know is refused."""
    import json

    from joserfc.jwk import RSAKey

    from tests.oidc.conftest import ACCOUNTS
    from tests.oidc.provider import RunningProvider

    key = RSAKey.generate_key(2048, private=True, parameters={"kid": "caseapp-2026", "alg": "RS256",
                                                             "use": "sig"})
    public = key.as_dict(private=False)
    running = RunningProvider(tmp_path, ACCOUNTS, app_port, citizen_jwks={"keys": [public]})
    try:
        settings = {"issuer": running.issuer, "client_id": "caseapp-citizen"}
        good = tmp_path / "citizen.jwk"
        good.write_text(json.dumps(key.as_dict(private=True)))
        app = make_app(CASEAPP_OIDC_PROVIDERS={"citizen": {**settings, "private_key_file": str(good)}})
        browser = app.test_client()
        assert portal_sign_in(browser, "ung.kjent").headers["Location"] == "/meg/"
        assert browser.get("/meg/").status_code == 200

        stranger = RSAKey.generate_key(2048, private=True, parameters={"kid": "caseapp-2026"})
        bad = tmp_path / "stranger.jwk"
        bad.write_text(json.dumps(stranger.as_dict(private=True)))
        app = make_app(CASEAPP_OIDC_PROVIDERS={"citizen": {**settings, "private_key_file": str(bad)}})
        browser = app.test_client()
        assert portal_sign_in(browser, "ung.kjent").status_code == 400
        assert browser.get("/meg/").status_code == 302
        assert "token_refused" in [e.details["reason"] for e in events("portal.login_refused")]
    finally:
        running.stop()


@pytest.mark.parametrize("outcome", ["restrict", "crypto_shred"])
def test_a_restriction_or_erasure_ends_the_young_persons_session(client, known, factory, outcome):
    portal_sign_in(client, "ung.kjent")
    assert client.get("/meg/").status_code == 200
    erasure.decide(db.session, factory.user("privacy_officer"), known, outcome,
                   "Testen ber om dette nå.")
    db.session.commit()
    assert client.get("/meg/").headers["Location"] == "/meg/logg-inn"
    assert [e.details["reason"] for e in events("portal.session_expired")] == ["restricted_or_erased"]


def test_ended_portal_sessions_follow_the_login_session_retention(client, known, clock):
    from caseapp.privacy import retention
    from caseapp.portal.models import PortalSession

    portal_sign_in(client, "ung.kjent")
    client.post("/meg/logout")
    clock.advance(days=91)
    retention.run(db.session, {"login_session": 90}, dry_run=False)
    db.session.commit()
    assert db.session.scalar(select(db.func.count(PortalSession.id))) == 0
    deleted = events("retention.delete")
    assert [(e.object_type, e.subject_id) for e in deleted] == [("portal_session", known.id)]
