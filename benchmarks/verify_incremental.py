"""Benchmark (not a test): the nightly incremental check of the audit log at N events.

    nice -n 15 .venv/bin/python benchmarks/verify_incremental.py --events 2000000 \
        [--db postgresql://127.0.0.1:5432/caseapp_bench_verify] [--since 10000] [--full]

Makes a fresh instance (keys, key store) in a temporary folder and a log of ``--events``
synthetic audit events (written with ``audit.chain.append_many``, as ``caseapp bench-data``
does), signs a checkpoint, appends ``--since`` more (a busy day), then times
``verify_incremental`` (what the nightly duty and the privacy officer's button run) and, with
``--full``, the full ``verify``. Writes benchmarks/results/verify-<db>-<N>.json. Generating
two million events takes a long while; the check itself should take seconds. The SQLite
database is made in the temporary folder; a PostgreSQL database must exist and be empty.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BATCH = 5_000


def _append(n: int, offset: int) -> None:
    from audit import chain
    from audit.models import AuditEvent
    from caseapp.clock import now
    from caseapp.extensions import db

    done = 0
    while done < n:
        size = min(BATCH, n - done)
        chain.append_many(db.session, [
            AuditEvent(at=now(), action="case.view", object_type="case",
                       object_id=str(offset + done + i), categories=["identity"],
                       grounds="own_caseload", outcome="allowed", details={"n": offset + done + i})
            for i in range(size)])
        db.session.commit()
        done += size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2_000_000)
    parser.add_argument("--since", type=int, default=10_000)
    parser.add_argument("--db", default=None)
    parser.add_argument("--full", action="store_true", help="Also time the full check.")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="caseapp-verify-bench-"))
    from caseapp import create_app
    from caseapp.crypto.keys import ensure_keys
    from caseapp.crypto.keystore import init_keystore

    ensure_keys(folder)
    url = args.db or f"sqlite:///{folder / 'bench.db'}"
    settings = {"SQLALCHEMY_DATABASE_URI": url, "CASEAPP_KEYSTORE_URL": None}
    init_keystore(settings, folder)
    app = create_app(settings, instance=folder)
    from flask_migrate import upgrade

    from audit import verify
    from audit.services import write_checkpoint
    from caseapp.extensions import db

    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        started = time.perf_counter()
        _append(args.events - args.since, 0)
        assert write_checkpoint(db.session, folder).ok
        db.session.commit()
        _append(args.since, args.events)
        generated = time.perf_counter() - started
        started = time.perf_counter()
        result = verify.incremental(db.session)
        incremental = time.perf_counter() - started
        assert result.ok, verify.describe(result)
        report = {"events": args.events, "since_checkpoint": args.since, "database": url.split(":")[0],
                  "incremental_seconds": round(incremental, 3),
                  "events_rechecked": result.events, "generate_seconds": round(generated, 1),
                  "python": platform.python_version(), "load": os.getloadavg()[0]}
        if args.full:
            started = time.perf_counter()
            assert verify.full(db.session).ok
            report["full_seconds"] = round(time.perf_counter() - started, 3)
        db.session.rollback()
    out = Path(__file__).parent / "results" / f"verify-{report['database']}-{args.events}.json"
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(report))


if __name__ == "__main__":
    main()
