"""An administrator's first password is replaced at the first login with that password, never
demanded of someone who signs in through the organisation's provider (it has no password)."""
from __future__ import annotations

from caseapp.extensions import db
from tests.oidc.provider import sign_in_as


def test_signing_in_through_the_provider_asks_for_no_new_password(client, coordinator):
    coordinator.password_change_required = True
    db.session.commit()
    response = sign_in_as(client, "koord.mfa")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.get("/caseload/").status_code == 200
    assert client.get("/login/new-password").headers["Location"] == "/"
