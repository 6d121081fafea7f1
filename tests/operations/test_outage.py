"""The database goes away during requests: a clear Norwegian 503 page, nothing half-saved, and
the app recovers by itself when the database is back — no restart.

PostgreSQL: a loopback TCP proxy between the app and the server is cut and restored (the server
itself is never stopped). SQLite: another process holds the database's write lock longer than
the busy timeout. Disk full: SQLite's page limit (``PRAGMA max_page_count``) while an upload is
stored."""
from __future__ import annotations

import io
import sqlite3
from datetime import date

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.engine import make_url

import audit
from audit.models import AuditEvent
from caseapp.contacts.models import Contact
from caseapp.extensions import db
from caseapp.units.models import Unit
from caseapp.units.services import create_unit
from consent.models import ConsentRecord
from tests.operations.proxy import TcpProxy

UNAVAILABLE = "Tjenesten er ikke tilgjengelig"
SESSION_FORM = {"occurred_at": "2026-11-02T08:00", "duration_minutes": "30", "kind": "individual",
                "present": "participant", "topics": "school", "note": "Utfallsnotat 4471"}


def count(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def proxy(is_postgres, database_url):
    if not is_postgres:
        pytest.skip("the TCP proxy stands in front of PostgreSQL")
    url = make_url(database_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    yield proxy
    proxy.close()


@pytest.fixture
def proxied_app(proxy, make_app, database_url):
    url = make_url(database_url).set(host="127.0.0.1", port=proxy.port)
    return make_app(SQLALCHEMY_DATABASE_URI=url.render_as_string(hide_password=False))


def test_postgresql_outage_gives_503_saves_nothing_and_recovers(proxy, proxied_app, factory,
                                                                  login, mentor, school):
    case = factory.case(mentor, school)
    factory.consent(case.participant)
    client = proxied_app.test_client()
    login(client, mentor)
    form_token = client.csrf_token(f"/cases/{case.id}/contacts/new")
    events = count(AuditEvent)

    proxy.cut()
    page = client.get("/cases/")
    assert page.status_code == 503 and UNAVAILABLE in page.text and '<html lang="nb">' in page.text
    write = client.post(f"/cases/{case.id}/contacts/new",
                        data={"csrf_token": form_token, **SESSION_FORM})
    assert write.status_code == 503 and UNAVAILABLE in write.text
    assert "Utfallsnotat" not in write.text and case.participant.given_name not in write.text
    health = client.get("/health")
    assert health.status_code == 503
    assert "database" in health.get_json()["failing"]
    assert health.get_json()["components"]["keystore"] == "ok"
    assert count(Contact) == 0 and count(AuditEvent) == events

    proxy.restore()  # the same server process, the same cookie: no restart, no new login
    assert client.get("/health").status_code == 200
    assert client.get("/cases/").status_code == 200
    write = client.post(f"/cases/{case.id}/contacts/new",
                        data={"csrf_token": form_token, **SESSION_FORM})
    assert write.status_code == 302 and count(Contact) == 1


def test_connection_cut_between_the_writes_and_the_commit_stores_nothing(app, proxy, proxied_app):
    @proxied_app.route("/cut-mid-request-test")
    def cut_mid_request():
        create_unit(db.session, "Halvveis enhet", "Org")
        audit.record("unit.create", object_type="unit")
        db.session.flush()  # the rows are on the server, inside the open transaction
        proxy.cut()
        return "written"  # the commit after the view meets a dead connection

    cut_mid_request.public = True
    # As in production: a failure after the view (the commit) becomes the error page instead
    # of reaching the test client as an exception.
    proxied_app.config["PROPAGATE_EXCEPTIONS"] = False
    client = proxied_app.test_client()
    assert client.get("/health").status_code == 200
    events = count(AuditEvent)
    response = client.get("/cut-mid-request-test")
    assert response.status_code == 503 and UNAVAILABLE in response.text
    assert count(Unit, Unit.name == "Halvveis enhet") == 0 and count(AuditEvent) == events
    proxy.restore()
    assert client.get("/health").get_json()["status"] == "ok"


@pytest.fixture
def sqlite_path(is_postgres, database_url):
    if is_postgres:
        pytest.skip("SQLite's file lock")
    return make_url(database_url).database


def test_sqlite_locked_by_another_process_gives_503_and_recovers(sqlite_path, make_app, factory,
                                                                 login, mentor, school):
    case = factory.case(mentor, school)
    factory.consent(case.participant)
    app = make_app(CASEAPP_SQLITE_BUSY_TIMEOUT_MS=200)
    client = app.test_client()
    login(client, mentor)
    token = client.csrf_token(f"/cases/{case.id}/contacts/new")
    holder = sqlite3.connect(sqlite_path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another process writing for a long time
        page = client.get("/cases/")
        assert page.status_code == 503 and UNAVAILABLE in page.text
        write = client.post(f"/cases/{case.id}/contacts/new", data={"csrf_token": token,
                                                                    **SESSION_FORM})
        assert write.status_code == 503
        assert client.get("/health").status_code == 503
        holder.execute("ROLLBACK")
    finally:
        holder.close()
    assert count(Contact) == 0
    assert client.get("/cases/").status_code == 200
    write = client.post(f"/cases/{case.id}/contacts/new", data={"csrf_token": token,
                                                                **SESSION_FORM})
    assert write.status_code == 302 and count(Contact) == 1


def test_full_database_while_storing_an_upload_saves_nothing(sqlite_path, make_app, factory,
                                                              login, school):
    """SQLite refuses to grow past ``max_page_count`` with SQLITE_FULL, as on a full disk."""
    leader = factory.user("work_leader", [school])
    adult = factory.participant(born=date(2000, 1, 1))
    factory.case(leader, school, participant=adult)
    db.session.commit()
    vacuum = sqlite3.connect(sqlite_path, isolation_level=None)
    try:  # pages freed by earlier tests would take the upload without growing the file
        vacuum.execute("VACUUM")
    finally:
        vacuum.close()
    app = make_app()
    with app.app_context():
        @event.listens_for(db.engine, "connect")
        def almost_full(dbapi_connection, _record):
            pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
            dbapi_connection.execute(f"PRAGMA max_page_count = {pages + 8}")

    client = app.test_client()
    login(client, leader)
    events = count(AuditEvent)
    evidence = b"%PDF-1.4\n" + bytes(range(256)) * 1200  # a 300 kB scanned form
    url = f"/consent/participant/{adult.id}/new"
    response = client.submit(url, {
        "purpose": "follow_up", "organisation": "", "legal_basis": "consent",
        "statutory_reference": "", "given_by": "subject", "guardian1_name": "",
        "guardian1_relation": "", "guardian2_name": "", "guardian2_relation": "",
        "maturity_reason": "", "data_categories": ["identity"], "method": "paper_scan",
        "witness": "", "valid_from": "2026-11-02", "valid_until": "",
        "evidence": (io.BytesIO(evidence), "skjema.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 507
    assert "Ikke nok lagringsplass" in response.text and "ingenting ble lagret" in response.text
    assert count(ConsentRecord, ConsentRecord.participant_id == adult.id) == 0
    assert count(AuditEvent) == events
