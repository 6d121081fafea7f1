"""The benchmark baselines (``benchmarks/run.py``) compute the same figures as the app's
dashboard and statistics, so that the ratios compare like with like."""
from __future__ import annotations

import importlib.util
import uuid
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from caseapp.caseload.dashboard import METRICS, Limits, dashboard
from caseapp.clock import local_now, now
from caseapp.demo.bench import generate
from caseapp.extensions import db
from caseapp.reports import statistics
from caseapp.reports.cellkey import Tally
from caseapp.units.models import Unit


@pytest.fixture
def bench(app):
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "run.py"
    spec = importlib.util.spec_from_file_location("bench_run", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    info = generate(db.session, 60, seed=11, batch=30, cases_per_worker=10)
    db.session.commit()
    unit = db.session.get(Unit, uuid.UUID(info["units"][0]))
    postgres = db.session.get_bind().dialect.name == "postgresql"
    return module, unit, (str(unit.id) if postgres else unit.id.hex), postgres


def test_dashboard_baseline_counts_what_the_dashboard_counts(app, bench):
    run, unit, unit_param, _ = bench
    today, at = local_now().date(), now()
    boards = dashboard(db.session, [unit], Limits.from_config(app.config, today=today, at=at))
    expected = {w.worker_id: [w.counts[key] for key in METRICS] for w in boards[0].workers
                if any(w.counts.values())}
    query, params = run.dashboard_baseline(app.config, unit_param, today, at)
    got = {uuid.UUID(str(row[0])): [int(v) for v in row[2:]]
           for row in db.session.execute(text(query), params)}
    assert got == expected
    assert sum(sum(v) for v in got.values()) > 0


def test_statistics_baseline_counts_what_the_statistics_count(app, bench):
    run, unit, unit_param, _ = bench
    start, end = date(2015, 1, 1), local_now().date()
    counts = statistics.compute(db.session, statistics.Filters(start, end, (unit.id,)))
    query, params = run.statistics_baseline(db.session.get_bind().dialect.name, [unit_param],
                                            start, end)
    got = statistics.Counts()
    rows = db.session.execute(text(query), params)
    for kind, programme, track, a, b, n1, n2, n3, k1, k2, k3 in rows:
        key = (programme, track)
        if kind == "followed":
            got.followed[(key, uuid.UUID(a), statistics.CLOSED)] += Tally(n1, k1)
            got.followed[(key, uuid.UUID(a), statistics.ACTIVE)] += Tally(n2 - n1, k2 - k1)
            got.started[(key, b == "y")] += Tally(n3, k3)
        elif kind == "codes":
            got.first_outcome[(key, a)] += Tally(n1, k1)
            got.latest_outcome[(key, b)] += Tally(n1, k1)
        elif kind == "days":
            got.days_to_first.setdefault(key, Counter())[int(n1)] += n2
        elif kind == "checkpoints":
            got.checkpoints[(int(a), b)] += Tally(n1, k1)
        else:
            got.funnel[(a == "1", b == "1", bool(n1))] += Tally(n2, k1)

    def nonzero(tallies):
        return {k: v for k, v in tallies.items() if v.n}

    for name in ("followed", "started", "first_outcome", "latest_outcome", "checkpoints",
                 "funnel"):
        assert nonzero(getattr(got, name)) == nonzero(getattr(counts, name)), name
    assert got.days_to_first == counts.days_to_first
    assert sum(t.n for t in got.followed.values()) > 0
    assert sum(t.n for t in got.first_outcome.values()) > 0
