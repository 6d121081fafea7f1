"""Benchmarks for the audit log (not tests): `caseapp audit verify` throughput and the time
`audit.record` adds to a request.  Usage: .venv/bin/python tools/bench_audit.py [DATABASE_URL]

Runs against a fresh temporary instance (SQLite by default; a PostgreSQL URL must point at an
empty scratch database, whose schema is dropped and recreated)."""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import audit  # noqa: E402
from audit import chain, verify  # noqa: E402
from audit.models import AuditEvent  # noqa: E402
from caseapp import create_app  # noqa: E402
from caseapp.crypto.keys import ensure_keys  # noqa: E402
from caseapp.extensions import db  # noqa: E402

EVENTS = int(__import__("os").environ.get("BENCH_EVENTS", 200_000))
WRITES = 1_000


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="caseapp-bench-"))
    ensure_keys(folder)
    url = sys.argv[1] if len(sys.argv) > 1 else None
    app = create_app({"SQLALCHEMY_DATABASE_URI": url} if url else None, instance=folder)
    with app.app_context():
        if url:
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade(directory=app.extensions["migrate"].directory)
        durations = []
        for i in range(WRITES):
            start = time.perf_counter()
            audit.record("case.view", actor=None, object_type="case", object_id=i,
                         categories=["identity"], grounds="own_caseload")
            durations.append(time.perf_counter() - start)
            db.session.commit()
        print(f"audit.record (lock head, insert, move head; commit excluded): median "
              f"{statistics.median(durations) * 1000:.2f} ms, p95 "
              f"{sorted(durations)[int(WRITES * .95)] * 1000:.2f} ms over {WRITES} events")

        key = app.extensions["caseapp.keys"]["audit"].material
        head = db.session.execute(text("SELECT seq, hash FROM audit_chain_head")).one()
        seq, prev = head.seq, head.hash
        rows, at = [], datetime(2026, 1, 1)
        for n in range(EVENTS):
            seq += 1
            at += timedelta(seconds=1)
            row = {"seq": seq, "at": at, "actor_id": None, "actor_roles": None,
                   "actor_units": None, "action": "case.view", "object_type": "case",
                   "object_id": str(n), "subject_id": None, "categories": ["identity"],
                   "grounds": "own_caseload", "outcome": "allowed", "request_id": None,
                   "ip": None, "user_agent": None, "details": {}}
            row["prev_hash"], row["hash"] = prev, chain.link(key, prev, chain.canonical(row))
            prev = row["hash"]
            rows.append(row)
        db.session.execute(AuditEvent.__table__.insert(), rows)
        db.session.execute(text("UPDATE audit_chain_head SET seq = :s, hash = :h"),
                           {"s": seq, "h": prev})
        db.session.commit()
        start = time.perf_counter()
        result = verify.full(db.session)
        elapsed = time.perf_counter() - start
        assert result.ok, verify.describe(result)
        print(f"verify: {result.events} events in {elapsed:.2f} s = "
              f"{result.events / elapsed:,.0f} events per second")
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    main()
