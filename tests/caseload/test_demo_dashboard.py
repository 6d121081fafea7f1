"""The demo coordinators see something in every column of the dashboard."""
from __future__ import annotations

from sqlalchemy import select

from caseapp.accounts.models import User
from caseapp.caseload.dashboard import METRICS, Limits, dashboard
from caseapp.demo.generate import load_demo
from caseapp.extensions import db


def test_demo_coordinators_have_numbers_to_look_at(app, clock):
    load_demo(db.session, seed=3)
    db.session.commit()
    limits = Limits.from_config(app.config, today=clock.now().date(), at=clock.now())
    seen = {}
    for username in ("koord.kommune", "koord.fylke", "koord.nav"):
        coordinator = db.session.scalar(select(User).where(User.username == username))
        boards = dashboard(db.session, list(coordinator.units), limits)
        totals = {key: sum(b.totals[key] for b in boards) for key in METRICS}
        flagged = [w.name for b in boards for w in b.workers if w.over_limit]
        seen[username] = (totals, flagged)
    for key in METRICS:
        assert any(totals[key] for totals, _ in seen.values()), key
    assert any(flagged for _, flagged in seen.values())
