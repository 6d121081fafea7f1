"""Logging in with password and TOTP, lockout, sessions that really end."""
from __future__ import annotations

import pyotp
import pytest
from sqlalchemy import select

from audit.models import AuditEvent
from caseapp.accounts.models import User
from caseapp.accounts.services import deactivate_user
from caseapp.extensions import db
from tests.conftest import PASSWORD, totp_now

WRONG = "Feil brukernavn eller passord."


def actions(user=None) -> list[str]:
    query = select(AuditEvent.action).order_by(AuditEvent.id)
    if user is not None:
        query = query.where(AuditEvent.object_id == str(user.id))
    return list(db.session.scalars(query))


def test_password_and_code_lead_to_the_start_page(client, factory, login):
    user = factory.user("youth_mentor", [factory.unit()])
    response = login(client, user)
    assert response.headers["Location"] == "/"
    page = client.get("/")
    assert page.status_code == 200
    assert "Mine saker" in page.text
    assert "login.success" in actions(user)


def test_password_alone_does_not_log_in(client, factory):
    user = factory.user("admin")
    client.submit("/login", {"username": user.username, "password": PASSWORD})
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_wrong_password_and_unknown_user_get_the_same_message(client, factory):
    user = factory.user("admin")
    wrong = client.submit("/login", {"username": user.username, "password": "feil-passord-her"})
    unknown = client.submit("/login", {"username": "finnes.ikke", "password": "feil-passord-her"})
    assert wrong.status_code == unknown.status_code == 200
    assert WRONG in wrong.text and WRONG in unknown.text
    assert "login.failed" in actions(user)


def test_empty_fields_get_field_errors_in_norwegian(client):
    response = client.submit("/login", {"username": "", "password": ""})
    assert "Skriv inn brukernavnet ditt." in response.text
    assert "Skriv inn passordet ditt." in response.text
    assert 'aria-describedby="username-error"' in response.text


def test_lockout_after_repeated_failures_is_audited_and_holds_against_the_right_password(
        client, factory, clock, app):
    user = factory.user("admin")
    for _ in range(app.config["CASEAPP_LOCKOUT_THRESHOLD"]):
        client.submit("/login", {"username": user.username, "password": "feil-passord-her"})
    assert "login.lockout" in actions(user)
    response = client.submit("/login", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 200 and "låst" in response.text
    clock.advance(minutes=app.config["CASEAPP_LOCKOUT_MINUTES"] + 1)
    response = client.submit("/login", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302


def test_wrong_codes_count_towards_the_lockout(client, factory, app):
    user = factory.user("admin")
    for _ in range(app.config["CASEAPP_LOCKOUT_THRESHOLD"]):
        client.submit("/login", {"username": user.username, "password": PASSWORD})
        client.submit("/login/code", {"code": "000000"})
    assert actions(user).count("login.totp_failed") == app.config["CASEAPP_LOCKOUT_THRESHOLD"]
    assert "login.lockout" in actions(user)


def test_a_code_cannot_be_used_twice(client, factory, clock, make_client):
    user = factory.user("admin")
    code = totp_now(user, clock)
    client.submit("/login", {"username": user.username, "password": PASSWORD})
    assert client.submit("/login/code", {"code": code}).status_code == 302
    other = make_client()
    other.submit("/login", {"username": user.username, "password": PASSWORD})
    replay = other.submit("/login/code", {"code": code})
    assert replay.status_code == 200
    assert "allerede brukt" in replay.text
    assert other.get("/").status_code == 302


def test_code_step_expires_without_the_password_step_again(client, factory, clock, app):
    user = factory.user("admin")
    client.submit("/login", {"username": user.username, "password": PASSWORD})
    clock.advance(minutes=app.config["CASEAPP_PENDING_LOGIN_MINUTES"] + 1)
    response = client.submit("/login/code", {"code": totp_now(user, clock)}, form_page="/login")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert client.get("/").status_code == 302


def test_first_login_enrols_totp_with_a_qr_code_shown_once(client, factory, clock):
    user = factory.user("coordinator", enrolled=False)
    response = client.submit("/login", {"username": user.username, "password": PASSWORD})
    assert response.headers["Location"] == "/login/enrol"

    def shown_secret():
        db.session.expire_all()
        return db.session.get(User, user.id).totp_secret

    page = client.get("/login/enrol")
    assert 'src="data:image/svg+xml' in page.text
    first_secret = shown_secret()
    assert first_secret in page.text
    page = client.get("/login/enrol")  # leaving and coming back makes a new secret
    secret = shown_secret()
    assert secret != first_secret and first_secret not in page.text
    stale = pyotp.TOTP(first_secret).at(clock.now().timestamp())
    refused = client.post("/login/enrol", data={"csrf_token": client.csrf_token(), "code": stale})
    assert refused.status_code == 200 and client.get("/").status_code == 302
    code = pyotp.TOTP(secret).at(clock.now().timestamp())
    response = client.post("/login/enrol", data={"csrf_token": _token(refused), "code": code})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    db.session.expire_all()
    assert db.session.get(User, user.id).totp_enrolled
    assert "totp.enrolled" in actions(user)


def _token(response) -> str:
    from tests.conftest import CSRF_RE

    return CSRF_RE.search(response.text).group(1)


def test_enrolled_user_cannot_reach_enrolment(client, factory):
    user = factory.user("admin")
    client.submit("/login", {"username": user.username, "password": PASSWORD})
    assert client.get("/login/enrol").headers["Location"] == "/login"


def test_logout_ends_the_session_on_the_server(client, factory, login, make_client):
    user = factory.user("admin")
    login(client, user)
    cookie = client.get_cookie("caseapp_session").value
    client.submit("/login/logout", form_page="/")
    assert client.get("/").status_code == 302
    thief = make_client()
    thief.set_cookie("caseapp_session", cookie)
    assert thief.get("/").status_code == 302  # the old cookie is worth nothing


def test_deactivation_ends_open_sessions_and_blocks_login(client, factory, login):
    user = factory.user("youth_mentor", [factory.unit()])
    login(client, user)
    deactivate_user(db.session, db.session.get(User, user.id))
    db.session.commit()
    assert client.get("/").status_code == 302
    response = client.submit("/login", {"username": user.username, "password": PASSWORD})
    assert WRONG in response.text


def test_idle_timeout(client, factory, login, clock, app):
    user = factory.user("admin")
    login(client, user)
    clock.advance(minutes=app.config["CASEAPP_IDLE_TIMEOUT_MINUTES"] - 1)
    assert client.get("/").status_code == 200
    clock.advance(minutes=app.config["CASEAPP_IDLE_TIMEOUT_MINUTES"] + 1)
    assert client.get("/").status_code == 302
    assert "session.expired" in actions(user)


def test_absolute_timeout_even_when_active(client, factory, login, clock, app):
    user = factory.user("admin")
    login(client, user)
    for _ in range(app.config["CASEAPP_ABSOLUTE_TIMEOUT_HOURS"] * 4):
        clock.advance(minutes=15)
        response = client.get("/")
    assert response.status_code == 302


def test_login_gives_a_new_session(client, factory, login):
    user = factory.user("admin")
    client.get("/login")
    before = client.get_cookie("caseapp_session").value
    login(client, user)
    after = client.get_cookie("caseapp_session").value
    assert before != after
    assert "pending_user" not in client.get_cookie("caseapp_session").value


@pytest.mark.parametrize("target,expected", [
    ("/admin/users", "/admin/users"),
    ("https://evil.example/", "/"),
    ("//evil.example/", "/"),
    ("/\\evil.example", "/"),
    ("javascript:alert(1)", "/"),
])
def test_only_local_next_targets(client, factory, login, target, expected):
    user = factory.user("admin")
    response = login(client, user, next_url=target)
    assert response.headers["Location"] == expected


def test_login_rate_limit_per_ip(app, make_app):
    limited = make_app(RATELIMIT_ENABLED=True, CASEAPP_LOGIN_RATE_LIMIT="3 per minute")
    client = limited.test_client()
    statuses = [client.submit("/login", {"username": "x.y", "password": "feil-passord-her"}).status_code
                for _ in range(4)]
    assert statuses[:3] == [200, 200, 200]
    assert statuses[3] == 429
    assert "For mange forsøk" in client.last_html


def test_password_hash_is_upgraded_when_parameters_change(factory, app, client, login):
    user = factory.user("admin")
    old_hash = user.password_hash
    app.config["CASEAPP_ARGON2_TIME_COST"] = 2
    login(client, user)
    db.session.expire_all()
    new_hash = db.session.get(User, user.id).password_hash
    assert new_hash != old_hash and "t=2" in new_hash and new_hash.startswith("$argon2id$")
