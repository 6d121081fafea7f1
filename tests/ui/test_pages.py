"""The UI's own pages and endpoints: accessibility statement, staying logged in, settings."""
from __future__ import annotations

import pytest

from caseapp.config import ConfigError, build


def test_accessibility_statement_is_public_and_linked_from_every_page(client):
    login_page = client.get("/login").text
    assert 'href="/tilgjengelighet"' in login_page and "Tilgjengelighetserklæring" in login_page
    page = client.get("/tilgjengelighet")
    assert page.status_code == 200
    assert "<h1>Tilgjengelighetserklæring</h1>" in page.text
    assert "Kjente mangler" in page.text and "PDF" in page.text and "axe-core" in page.text


def test_every_form_field_is_labelled_and_described_server_side(client):
    page = client.submit("/login", {"username": "", "password": ""}).text
    assert '<ds-error-summary class="ds-error-summary error-summary"' in page
    assert '<a href="#username">Skriv inn brukernavnet ditt.</a>' in page
    assert '<label class="ds-label" for="username">' in page
    assert 'aria-describedby="username-error"' in page and 'aria-invalid="true"' in page
    assert 'class="ds-validation-message field-error" data-field="validation" id="username-error"><span>' in page


def test_the_timeout_warning_is_only_for_logged_in_users(client, factory, login):
    assert 'id="session-timeout"' not in client.get("/login").text
    login(client, factory.user("admin"))
    page = client.get("/").text
    assert 'id="session-timeout"' in page
    assert 'data-idle-seconds="1200" data-warning-seconds="120"' in page


def test_staying_logged_in_moves_the_idle_deadline(client, factory, login, clock):
    user = factory.user("youth_mentor")
    login(client, user)
    clock.advance(minutes=19)
    response = client.post("/login/extend", data={"csrf_token": client.csrf_token("/")},
                           headers={"Accept": "application/json"})
    assert response.status_code == 200 and response.json == {"idle_seconds": 1200}
    clock.advance(minutes=19)  # 38 minutes after login, 19 after staying
    assert client.get("/").status_code == 200
    clock.advance(minutes=21)
    assert client.get("/").status_code == 302


def test_staying_logged_in_needs_the_csrf_token_and_a_login(client, factory, login):
    assert client.post("/login/extend").status_code == 400
    login(client, factory.user("youth_mentor"))
    assert client.post("/login/extend").status_code == 400


@pytest.mark.parametrize("seconds", [19, 1200])
def test_the_warning_gives_at_least_20_seconds_and_comes_before_the_logout(tmp_path, seconds):
    with pytest.raises(ConfigError, match="IDLE_WARNING_SECONDS"):
        build(tmp_path, {"CASEAPP_IDLE_WARNING_SECONDS": seconds}, environ={})


def test_the_audit_log_pages_with_designsystemet_pagination(client, factory, login):
    import audit

    from caseapp.extensions import db

    officer = factory.user("privacy_officer")
    for number in range(120):
        audit.record("audit.export", actor=officer, details={"n": number})
    db.session.commit()
    login(client, officer)
    page = client.get("/audit/?page=2").text
    assert '<nav class="ds-pagination pagination" aria-label="Sider">' in page
    assert 'aria-current="page" aria-label="Side 2">2</a>' in page
    assert 'href="/audit/?page=1" rel="prev">Nyere</a>' in page
    assert 'href="/audit/?page=3" rel="next">Eldre</a>' in page
