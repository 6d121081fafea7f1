"""An installation that already holds data upgrades to the newest schema (`caseapp init` runs the
migrations): on SQLite, migrations that rebuild a table other rows point at must not fail on
the foreign keys, and no reference may be left broken."""
from __future__ import annotations

import uuid
from datetime import datetime

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from caseapp import create_app
from caseapp.crypto.keys import ensure_keys
from caseapp.crypto.keystore import init_keystore
from caseapp.extensions import db
from tests.conftest import close_keystore

BEFORE_STAFF_CONTACT = "0008_bench"  # the schema before users got e-mail and work phone


@pytest.fixture
def old_instance(tmp_path, is_postgres):
    if is_postgres:
        pytest.skip("PostgreSQL alters tables in place; the rebuild is SQLite's")
    ensure_keys(tmp_path)
    url = f"sqlite:///{tmp_path / 'old.db'}"
    init_keystore({"SQLALCHEMY_DATABASE_URI": url}, tmp_path)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True}, instance=tmp_path)
    yield app
    close_keystore(app)


def test_a_populated_sqlite_database_upgrades_to_the_newest_schema(old_instance):
    app = old_instance
    ids = {name: uuid.uuid4().hex for name in ("org", "unit", "user")}
    now = datetime(2026, 1, 5, 8, 0)
    with app.app_context():
        directory = app.extensions["migrate"].directory
        upgrade(directory=directory, revision=BEFORE_STAFF_CONTACT)
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO organisations (id, name, kind, created_at) "
                              "VALUES (:org, 'Gammel kommune', 'municipality', :now)"),
                         {**ids, "now": now})
            conn.execute(text("INSERT INTO units (id, organisation_id, name, kind, created_at) "
                              "VALUES (:unit, :org, 'Gammel skole', 'lower_secondary', :now)"),
                         {**ids, "now": now})
            conn.execute(text("INSERT INTO users (id, username, display_name, password_hash, "
                              "active, failed_logins, created_at) VALUES (:user, 'uv.gammel', "
                              "'Ulla Gammel', 'x', 1, 0, :now)"), {**ids, "now": now})
            conn.execute(text("INSERT INTO memberships (user_id, unit_id) VALUES (:user, :unit)"),
                         ids)

        upgrade(directory=directory)  # to the newest schema, as `caseapp init` does

        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT username FROM users")).scalars().all() == ["uv.gammel"]
            assert conn.execute(text("SELECT count(*) FROM memberships")).scalar() == 1
            assert conn.execute(text("PRAGMA foreign_key_check")).fetchall() == []
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1  # on again
        db.engine.dispose()


def test_a_populated_sqlite_database_can_go_back_to_an_older_schema_and_up_again(old_instance):
    """An operator who rolls a release back (`caseapp db downgrade <revision>`) keeps the rows:
    the rebuilt tables (users among them, which other rows point at) come back whole."""
    app = old_instance
    with app.app_context():
        directory = app.extensions["migrate"].directory
        upgrade(directory=directory)
        ids = {name: uuid.uuid4().hex for name in ("org", "unit", "user")}
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO organisations (id, name, kind, created_at) "
                              "VALUES (:org, 'Ny kommune', 'municipality', :now)"),
                         {**ids, "now": datetime(2026, 1, 5, 8, 0)})
            conn.execute(text("INSERT INTO units (id, organisation_id, name, kind, created_at) "
                              "VALUES (:unit, :org, 'Ny skole', 'lower_secondary', :now)"),
                         {**ids, "now": datetime(2026, 1, 5, 8, 0)})
            conn.execute(text("INSERT INTO users (id, username, display_name, password_hash, "
                              "active, failed_logins, created_at) VALUES (:user, 'uv.ny', "
                              "'Ulla Ny', 'x', 1, 0, :now)"),
                         {**ids, "now": datetime(2026, 1, 5, 8, 0)})
            conn.execute(text("INSERT INTO memberships (user_id, unit_id) VALUES (:user, :unit)"),
                         ids)
        downgrade(directory=directory, revision=BEFORE_STAFF_CONTACT)
        for _ in range(2):
            with db.engine.connect() as conn:
                assert conn.execute(text("SELECT username FROM users")).scalars().all() == ["uv.ny"]
                assert conn.execute(text("SELECT count(*) FROM memberships")).scalar() == 1
                assert conn.execute(text("PRAGMA foreign_key_check")).fetchall() == []
                assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            upgrade(directory=directory)
