"""What operators see: the health endpoint and the JSON request log (docs/monitoring.md)."""
from __future__ import annotations

import io
import json
import logging

import pytest

from caseapp.operations import LOGGER_NAME, json_formatter
from tests.participants.test_registration import NATIONAL_ID, form


def test_health_is_public_json_without_a_session(client):
    response = client.get("/health")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.get_json() == {"status": "ok", "failing": [], "components": {
        "database": "ok", "keystore": "ok", "audit_chain": "ok"},
        # no Redis in this test: the app serves and says so (tests/jobs start a real one)
        "scheduler": {"status": "down", "failing_duties": []}}
    assert "Set-Cookie" not in response.headers


def test_health_names_the_key_store_when_it_is_unreachable(app, client):
    from sqlalchemy import create_engine

    from caseapp.crypto.keyring import store

    keystore, original = store(), store().engine
    # A key store that cannot be reached: a file in a folder that does not exist, or a
    # PostgreSQL schema that does not exist.
    keystore.engine = create_engine("sqlite:////nonexistent-folder/keystore.db") \
        if original.url.get_backend_name() == "sqlite" else \
        original.execution_options(schema_translate_map={None: "caseapp_no_such_schema"})
    try:
        response = client.get("/health")
    finally:
        if keystore.engine is not original and keystore.engine.url != original.url:
            keystore.engine.dispose()
        keystore.engine = original
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable" and body["failing"] == ["keystore"]
    assert body["components"]["database"] == "ok"


@pytest.fixture
def log_lines():
    """Everything the app logs, formatted as in production (JSON lines)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(json_formatter())
    logger = logging.getLogger(LOGGER_NAME)
    logger.addHandler(handler)
    try:
        yield lambda: stream.getvalue()
    finally:
        logger.removeHandler(handler)


def test_one_json_line_per_request_and_no_personal_data(client, login, mentor, school, log_lines,
                                                         caplog):
    login(client, mentor)
    response = client.submit("/participants/new", form(school))
    assert response.status_code == 302
    case_path = response.headers["Location"]
    client.get(case_path)
    client.submit("/cases/", {"q": "Haugen"})  # the name search
    client.get("/login?next=/cases/?q=Mona+Haugen")  # a query string with a name in it
    client.get(f"/cases/{NATIONAL_ID}")  # a national id in a path: 404
    text = log_lines()
    lines = [json.loads(line) for line in text.splitlines()]
    requests = [line for line in lines if line["name"] == "caseapp.requests"]
    assert len(requests) >= 8
    for line in requests:
        assert {"time", "level", "request_id", "method", "endpoint", "status", "duration_ms",
                "user_id"} <= set(line)
    registration = next(line for line in requests if line["endpoint"] == "participants.new"
                        and line["method"] == "POST")
    assert registration["status"] == 302 and registration["user_id"] == str(mentor.id)
    assert registration["level"] == "INFO" and len(registration["request_id"]) == 16
    # The national ID is not a case id: no route matches, and the line has no endpoint (never
    # the path that would carry the number).
    assert any(line["status"] == 404 and line["endpoint"] is None for line in requests)
    for secret in ("Sara", "Haugen", "Mona", NATIONAL_ID, "912 34 567", "sara@example.no",
                   "Skolegata", "korrekt-hest", "next=", "?q", mentor.username):
        assert secret not in text, secret
        assert secret not in caplog.text, secret


def test_the_log_line_does_not_load_the_user_again(app, client, login, mentor):
    """After the request's commit the log line names the user without another transaction:
    one read of the user per page, not a second one (and a second write lock on SQLite)."""
    from sqlalchemy import event

    from caseapp.extensions import db

    login(client, mentor)
    with app.app_context():
        engine = db.engine
    statements = []

    def seen(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        assert client.get("/").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    # (the user is read together with the login session, in one statement)
    user_reads = [s for s in statements if s.lstrip().startswith("SELECT")
                  and "users.username" in s]
    assert len(user_reads) == 1
    assert sum(s.startswith("BEGIN") for s in statements) <= 1
