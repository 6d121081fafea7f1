"""What every page carries: language, security headers, cookies, error pages."""
from __future__ import annotations

import logging
import re

import pytest

from caseapp.extensions import db


def test_norwegian_by_default_and_english_on_request(client):
    page = client.get("/login")
    assert '<html lang="nb">' in page.text and "Logg inn" in page.text
    client.post("/language", data={"csrf_token": client.csrf_token(), "language": "en",
                                   "next": "/login"})
    page = client.get("/login")
    assert '<html lang="en">' in page.text and "Log in" in page.text and "Logg inn" not in page.text


def test_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"
    assert "max-age" in response.headers["Strict-Transport-Security"]
    # Scripts only as static files (the CSP allows no inline script), no inline styles.
    scripts = re.findall(r"<script[^>]*>(.*?)</script>", response.text, re.S)
    assert scripts and all(body.strip() == "" for body in scripts)
    sources = re.findall(r"<script src=\"([^\"]+)\"", response.text)
    assert len(sources) == len(scripts) and all(src.startswith("/static/") for src in sources)
    assert "style=" not in response.text


def test_session_cookie_flags(client):
    cookie = client.get("/login").headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.mark.parametrize("method,path,status,title", [
    ("GET", "/finnes-ikke", 404, "Fant ikke siden"),
    ("DELETE", "/login", 405, None),
    ("POST", "/health", 405, None),
])
def test_error_pages_are_norwegian_pages(client, method, path, status, title):
    response = client.open(path, method=method)
    assert response.status_code == status
    assert '<html lang="nb">' in response.text
    if title:
        assert title in response.text


def test_too_large_request_gets_413_page(client, app):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = client.post("/login", data={"username": "x" * 5000, "password": "y"})
    assert response.status_code == 413
    assert "for stor" in response.text


def test_crash_shows_a_reference_but_no_details_and_logs_no_data(app, client, caplog):
    @app.route("/boom-test")
    def boom():  # a view that fails with personal data in its message
        raise RuntimeError("Kari Nordmann 17058012345")

    boom.public = True
    with caplog.at_level(logging.ERROR):
        response = client.get("/boom-test")
    assert response.status_code == 500
    assert "Noe gikk galt" in response.text
    assert "Kari" not in response.text and "Traceback" not in response.text
    assert re.search(r"<code>[0-9a-f]{16}</code>", response.text)
    assert "RuntimeError" in caplog.text
    assert "Kari" not in caplog.text and "17058012345" not in caplog.text


def test_failed_commit_means_nothing_happened(app, client, factory, login):
    """The request's change and its audit event share one transaction."""
    from sqlalchemy import func, select

    from audit.models import AuditEvent
    from caseapp.units.models import Unit
    from caseapp.units.services import create_unit

    @app.route("/half-done-test")
    def half_done():
        import audit

        create_unit(db.session, "Halvferdig", "Org")
        audit.record("unit.create", object_type="unit")
        raise RuntimeError("the database went away")

    half_done.public = True
    before = db.session.scalar(select(func.count(AuditEvent.id)))
    assert client.get("/half-done-test").status_code == 500
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Unit.id)).where(Unit.name == "Halvferdig")) == 0
    assert db.session.scalar(select(func.count(AuditEvent.id))) == before


def test_health(client):
    assert client.get("/health").get_json()["status"] == "ok"
