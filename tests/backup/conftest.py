"""Fresh instances for backup, restore and crash tests: each with its own instance folder and,
on PostgreSQL runs, its own database (created here, dropped afterwards) holding the key store in
its own schema, as production does with CASEAPP_KEYSTORE_URL."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

CASEAPP = str(Path(sys.executable).with_name("caseapp"))


def run(env, *args, stdin=None, check=True, timeout=300):
    result = subprocess.run([CASEAPP, *args], env=env, input=stdin, capture_output=True,
                            text=True, timeout=timeout)
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.fixture
def new_instance(tmp_path, database_url, is_postgres):
    """``new_instance(name)`` → the environment of a new, empty instance called ``name``."""
    created: list[str] = []
    server = make_url(database_url) if is_postgres else None
    admin = create_engine(server, isolation_level="AUTOCOMMIT") if is_postgres else None

    def make(name: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if not (k.startswith("CASEAPP_") or k == "DATABASE_URL")}
        env["CASEAPP_INSTANCE"] = str(tmp_path / name)
        env["CASEAPP_ARGON2_MEMORY_COST"] = "8192"
        if is_postgres:
            database = f"{server.database}_{name}_{os.getpid()}"  # unique per test run
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
                conn.execute(text(f'CREATE DATABASE "{database}"'))
            created.append(database)
            url = server.set(database=database).render_as_string(hide_password=False)
            env["DATABASE_URL"] = env["CASEAPP_KEYSTORE_URL"] = url
        return env

    yield make
    for database in created:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
    if admin is not None:
        admin.dispose()


def open_app(env):
    """The app of ``env``'s instance, in this process (close it with ``close_app``)."""
    from caseapp import create_app

    url = env.get("DATABASE_URL")
    settings = {"SQLALCHEMY_DATABASE_URI": url, "CASEAPP_KEYSTORE_URL": url} if url else None
    return create_app(settings, instance=Path(env["CASEAPP_INSTANCE"]))


def close_app(app) -> None:
    from caseapp.crypto.keyring import EXTENSION_KEY
    from caseapp.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    app.extensions[EXTENSION_KEY].dispose()
