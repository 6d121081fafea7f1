"""The audit log is one HMAC chain, append-only in the database, and tampering is found."""
from __future__ import annotations

import threading
import uuid
from contextlib import contextmanager
from datetime import datetime

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

import audit
from audit import chain, rows, verify
from audit.models import AuditEvent, Checkpoint
from audit.services import verify_chain, write_checkpoint
from caseapp.extensions import db


def _events(n: int = 5) -> None:
    for i in range(n):
        audit.record("case.view", actor=None, object_type="case", object_id=i,
                     categories=["identity"], grounds="own_caseload", details={"n": i})
    db.session.commit()


@contextmanager
def triggers_dropped():
    """What an attacker with database access can do first: lift the append-only triggers."""
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            for table in ("audit_events", "audit_checkpoints"):
                conn.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
            saved = []
        else:
            saved = conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                                      "AND tbl_name LIKE 'audit%'")).all()
            for name, _sql in saved:
                conn.execute(text(f'DROP TRIGGER "{name}"'))
    try:
        yield
    finally:
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                for table in ("audit_events", "audit_checkpoints"):
                    conn.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))
            for _name, sql in saved:
                conn.execute(text(sql))


def tamper(*statements: str, **params) -> None:
    with triggers_dropped(), db.engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement), params)
    db.session.expire_all()


def test_events_are_linked_in_order(app):
    _events(4)
    rows = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
    assert [e.seq for e in rows] == [1, 2, 3, 4]
    assert rows[0].prev_hash == chain.GENESIS
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(rows, rows[1:]))
    result = verify.full(db.session)
    assert result.ok and result.events == 4 and result.head_seq == 4


def test_a_failed_request_leaves_no_gap(app, client):
    """A rolled-back event gives its position back: the chain stays without gaps."""
    _events(2)
    audit.record("case.view", actor=None)
    db.session.rollback()
    _events(1)
    assert [e.seq for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq))] == [1, 2, 3]
    assert verify.full(db.session).ok


@pytest.mark.parametrize("statement", [
    "UPDATE audit_events SET grounds = 'break_glass'",
    "DELETE FROM audit_events",
])
def test_the_database_refuses_to_change_events(app, statement):
    _events(2)
    with pytest.raises(DBAPIError, match="append-only"):
        with db.engine.begin() as conn:
            conn.execute(text(statement))
    assert db.session.scalar(select(func.count(AuditEvent.id))) == 2


def test_postgresql_refuses_truncate(app, is_postgres):
    if not is_postgres:
        pytest.skip("TRUNCATE exists only on PostgreSQL")
    _events(1)
    with pytest.raises(DBAPIError, match="append-only"):
        with db.engine.begin() as conn:
            conn.execute(text("TRUNCATE audit_events"))


FORGED = "f" * 64
TAMPERING = {
    "changed": (["UPDATE audit_events SET grounds = 'break_glass' WHERE seq = 3"], "changed", 3),
    "changed_time": (["UPDATE audit_events SET object_id = '99' WHERE seq = 2"], "changed", 2),
    "rehashed_without_key": ([f"UPDATE audit_events SET grounds = 'x', hash = '{FORGED}' "
                              "WHERE seq = 5"], "changed", 5),
    "deleted": (["DELETE FROM audit_events WHERE seq = 3"], "missing", 3),
    "inserted_at_end": ([
        "INSERT INTO audit_events (seq, prev_hash, hash, at, action, categories, outcome, details) "
        "SELECT 6, hash, :forged, at, 'test.event', '[]', 'allowed', '{}' FROM audit_events "
        "WHERE seq = 5"], "changed", 6),
    "inserted_in_middle": ([
        "UPDATE audit_events SET seq = seq + 100 WHERE seq >= 3",
        "UPDATE audit_events SET seq = seq - 99 WHERE seq >= 100",
        "INSERT INTO audit_events (seq, prev_hash, hash, at, action, categories, outcome, details) "
        "SELECT 3, hash, :forged, at, 'test.event', '[]', 'allowed', '{}' FROM audit_events "
        "WHERE seq = 2"], "changed", 3),
    "reordered": (["UPDATE audit_events SET seq = 100 WHERE seq = 2",
                   "UPDATE audit_events SET seq = 2 WHERE seq = 3",
                   "UPDATE audit_events SET seq = 3 WHERE seq = 100"], "changed", 2),
}


@pytest.mark.parametrize("case", TAMPERING)
def test_tampering_is_found_at_the_first_bad_event(app, case):
    _events(5)
    statements, problem, seq = TAMPERING[case]
    tamper(*statements, forged=FORGED)
    result = verify.full(db.session)
    assert not result.ok
    assert (result.problem, result.bad_seq) == (problem, seq)
    assert f"position {seq}" in verify.describe(result)


def test_removing_the_tail_is_found_by_the_signed_checkpoint(app, tmp_path):
    _events(5)
    write_checkpoint(db.session, tmp_path)  # signs position 5, then records position 6
    db.session.commit()
    # The attacker removes the last events and moves the head back, so the chain itself
    # is a valid, shorter chain; the signed checkpoint (in the database and the file) is not.
    tamper("DELETE FROM audit_events WHERE seq >= 4", "DELETE FROM audit_checkpoints",
           "UPDATE audit_chain_head SET seq = 3, "
           "hash = (SELECT hash FROM audit_events WHERE seq = 3)")
    assert verify.full(db.session).ok  # without the checkpoint the shorter chain looks fine
    result = verify_chain(db.session, tmp_path)
    assert not result.ok and result.problem == "checkpoint_beyond_head" and result.bad_seq == 5


def test_a_forged_checkpoint_is_refused(app, tmp_path):
    _events(3)
    write_checkpoint(db.session, tmp_path)
    db.session.commit()
    tamper("UPDATE audit_checkpoints SET seq = 2")
    result = verify.full(db.session)
    assert not result.ok and result.problem == "checkpoint_signature"


def test_a_broken_chain_is_not_signed(app, tmp_path):
    _events(3)
    tamper("UPDATE audit_events SET grounds = 'x' WHERE seq = 2")
    result = write_checkpoint(db.session, tmp_path)
    assert not result.ok
    assert db.session.scalar(select(func.count(Checkpoint.id))) == 0
    assert not (tmp_path / "audit-checkpoints.jsonl").exists()


def test_privacy_officer_sees_the_last_verification(app, factory, client, login, tmp_path):
    officer = factory.user("privacy_officer")
    login(client, officer)
    assert "ikke blitt kontrollert" in client.get("/audit/").text
    verify_chain(db.session, tmp_path)
    db.session.commit()
    page = client.get("/audit/").text
    assert "kjeden er hel" in page
    tamper("UPDATE audit_events SET grounds = 'x' WHERE seq = 1")
    verify_chain(db.session, tmp_path)
    db.session.commit()
    page = client.get("/audit/").text
    assert "BRUTT ved posisjon 1" in page and "endret eller forfalsket" in page


def test_parallel_writers_leave_one_line(app, factory, make_client, login):
    """Several users open their cases at the same time: no fork, no gap, a valid chain."""
    unit = factory.unit()
    clients, paths = [], []
    for _ in range(6):
        worker = factory.user("youth_mentor", [unit])
        case = factory.case(worker, unit)
        browser = make_client()
        login(browser, worker)
        clients.append(browser)
        paths.append(f"/cases/{case.id}")
    before = db.session.scalar(select(func.count(AuditEvent.id)))
    statuses: list[int] = []
    start = threading.Barrier(len(clients))

    def work(browser, path):
        start.wait()
        for _ in range(15):
            statuses.append(browser.get(path).status_code)

    threads = [threading.Thread(target=work, args=pair) for pair in zip(clients, paths)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 90
    seqs = db.session.scalars(select(AuditEvent.seq).order_by(AuditEvent.seq)).all()
    assert len(seqs) == before + 90 and seqs == list(range(1, len(seqs) + 1))
    result = verify.full(db.session)
    assert result.ok and result.events == len(seqs)


AWKWARD_TEXT = 'Blåbær «ÆØÅ» – "sitat" \\ back\\slash \t\n\r\x01\x1f\x7f \u2028\u2029 🙂 𝔘 \ufeff'
AWKWARD = [
    # every optional field empty, the microseconds zero
    dict(at=datetime(2026, 1, 2, 3, 4, 5), action="test.empty", categories=[], details={}),
    dict(at=datetime(2026, 1, 2, 3, 4, 5, 1), action="test.full", actor_id=uuid.uuid4(),
         actor_roles="youth_mentor,work_leader", actor_units=AWKWARD_TEXT, object_type="case",
         object_id="ØST-42", subject_id=uuid.UUID(int=0), categories=["identity", "helse æ"],
         grounds=AWKWARD_TEXT, outcome="denied", request_id="r" * 40, ip="::1",
         user_agent=AWKWARD_TEXT,
         details={"ø": {"z": [1, 2.5, -0.0, 1e100, 2 ** 70, None, True, False], "a": {}},
                  "A": AWKWARD_TEXT, "": [[], {}], "n": None}),
    dict(at=datetime(999, 12, 31, 23, 59, 59, 999999), action="test.old", categories=["x"],
         subject_id=uuid.UUID("ffffffff-ffff-ffff-ffff-ffffffffffff"),
         details={"list": list(range(50)), "deep": {"a": {"b": {"c": AWKWARD_TEXT}}}}),
    dict(at=datetime(2026, 11, 2, 9, 0, 0, 10), action=AWKWARD_TEXT[:60], categories=[],
         details={"same": "as another event"}),
    dict(at=datetime(2026, 11, 2, 9, 0, 0, 10), action="test.again", categories=[],
         details={"same": "as another event"}),
]


def _read_the_old_way() -> dict[int, bytes]:
    """What verification hashed before it read plain rows: SQLAlchemy's values, canonical()."""
    columns = [chain.EVENTS.c[name] for name in chain.CONTENT]
    rows = db.session.execute(select(*columns).order_by(chain.EVENTS.c.seq)).mappings()
    return {row["seq"]: chain.canonical(row) for row in rows}


def test_verification_reads_exactly_the_hashed_content(app, monkeypatch):
    """The verifier reads plain driver rows (on PostgreSQL times, ids and JSON as text) and
    builds the content itself: byte for byte what append hashed and what the ORM's values
    give, for awkward text, nested details, empty fields and zero microseconds."""
    appended = chain.append_many(db.session, [AuditEvent(**fields) for fields in AWKWARD])
    hashed = {event.seq: chain.canonical({name: getattr(event, name) for name in chain.CONTENT})
              for event in appended}
    db.session.commit()
    db.session.expire_all()
    monkeypatch.setattr(rows, "BATCH", 2)  # several batches, fetched ahead on PostgreSQL
    batches, fragments = rows.stored_events(db.session)
    try:
        read = {row[3]: rows.content(row, fragments).encode() for batch in batches for row in batch}
    finally:
        batches.close()
    assert read == hashed == _read_the_old_way()
    result = verify.full(db.session)
    assert result.ok and result.events == len(AWKWARD)


def test_verification_stops_at_the_first_bad_event_in_a_later_batch(app, tmp_path, monkeypatch):
    """Read in batches (fetched ahead by a thread on PostgreSQL): a bad event in the third
    batch is reported, the reading stops there, and the session goes on (the result is
    recorded and committed)."""
    _events(9)
    monkeypatch.setattr(rows, "BATCH", 2)
    threads = threading.active_count()
    assert verify_chain(db.session, tmp_path).events == 9
    db.session.commit()
    tamper("UPDATE audit_events SET details = '{\"n\": 99}' WHERE seq = 6")
    result = verify_chain(db.session, tmp_path)
    db.session.commit()
    assert (result.ok, result.problem, result.bad_seq, result.events) == (False, "changed", 6, 5)
    assert result.bad_id == db.session.scalar(select(AuditEvent.id).where(AuditEvent.seq == 6))
    assert threading.active_count() == threads
    assert db.session.scalars(select(AuditEvent.outcome).where(
        AuditEvent.action == "audit.verify").order_by(AuditEvent.seq)).all() == ["allowed",
                                                                                 "denied"]


def test_a_young_person_is_recorded_as_the_subject_of_what_they_do_and_nothing_else(app, factory):
    me = factory.participant()
    other = factory.participant()
    event = audit.record("consent.grant", actor=me, object_type="consent", object_id=1,
                         categories=["identity"], grounds="own_data")
    assert (event.subject_id, event.actor_id, event.actor_roles) == (me.id, None, "participant")
    with pytest.raises(ValueError, match="only on their own data"):
        audit.record("consent.grant", actor=me, object_type="consent", object_id=1,
                     subject_id=other.id, categories=["identity"], grounds="own_data")
