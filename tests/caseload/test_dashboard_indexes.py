"""Migration 0008_bench: the sessions are indexed by date, so the dashboard's "no session
lately" reads the recent sessions by index instead of scanning every session."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from caseapp.extensions import db


def test_sessions_are_indexed_by_date_as_the_model_says(app):
    indexes = {ix["name"]: ix["column_names"] for ix in inspect(db.engine).get_indexes("contacts")}
    assert indexes["ix_contacts_occurred_at"] == ["occurred_at"]
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert not [d for d in diff if "ix_contacts" in repr(d)]
