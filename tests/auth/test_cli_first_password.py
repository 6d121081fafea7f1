"""A user made with `caseapp create-user` replaces the password given there at first login, as
after a password an administrator set in the browser; `--password-final` says it is their own."""
from __future__ import annotations

from datetime import UTC

import pyotp
from sqlalchemy import select

from caseapp.accounts.models import User
from caseapp.cli import cli
from caseapp.extensions import db
from tests.conftest import PASSWORD


def create(app, username: str, *extra: str):
    result = app.test_cli_runner().invoke(
        cli, ["create-user", "--username", username, "--role", "youth_mentor",
              "--password-stdin", *extra], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.username == username)), result.output


def first_login(client, user, clock):
    """Password, then TOTP enrolment; the response after enrolment."""
    client.submit("/login", {"username": user.username, "password": PASSWORD})
    client.get("/login/enrol")
    db.session.expire_all()
    secret = db.session.get(User, user.id).totp_secret
    code = pyotp.TOTP(secret).at(clock.now().replace(tzinfo=UTC))
    return client.submit("/login/enrol", {"code": code}, form_page="/login")


def test_a_cli_user_chooses_a_new_password_at_first_login(app, client, clock):
    user, output = create(app, "cli.ny")
    assert user.password_change_required
    assert "the password is replaced then" in output
    enrolled = first_login(client, user, clock)
    assert enrolled.headers["Location"] == "/login/new-password"
    assert client.get("/").headers["Location"] == "/login/new-password"
    saved = client.submit("/login/new-password", {"password": "sju blå hester synger høyt",
                                                  "repeated": "sju blå hester synger høyt"})
    assert saved.headers["Location"] == "/"
    db.session.expire_all()
    assert not db.session.get(User, user.id).password_change_required


def test_password_final_keeps_the_password(app, client, clock):
    user, _output = create(app, "cli.egen", "--password-final")
    assert not user.password_change_required
    assert first_login(client, user, clock).headers["Location"] == "/"
