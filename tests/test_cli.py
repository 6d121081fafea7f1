"""The `caseapp` console script, run as a user would run it."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from caseapp.participants.national_id import parse

CASEAPP = str(Path(sys.executable).with_name("caseapp"))


@pytest.fixture
def cli_env(tmp_path, database_url, is_postgres):
    """Environment for a fresh instance; on PostgreSQL runs, a fresh database of its own."""
    env = {k: v for k, v in os.environ.items()
           if not (k.startswith("CASEAPP_") or k == "DATABASE_URL")}
    env["CASEAPP_INSTANCE"] = str(tmp_path / "instance")
    env["CASEAPP_ARGON2_MEMORY_COST"] = "8192"
    created = None
    if is_postgres:
        server = make_url(database_url)
        created = f"caseapp_cli_{os.getpid()}"
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{created}"'))
            conn.execute(text(f'CREATE DATABASE "{created}"'))
        env["DATABASE_URL"] = server.set(database=created).render_as_string(hide_password=False)
    yield env
    if created:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{created}" WITH (FORCE)'))
        admin.dispose()


def run(env, *args, stdin=None, check=True):
    result = subprocess.run([CASEAPP, *args], env=env, input=stdin, capture_output=True,
                            text=True, timeout=300)
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_commands_refuse_to_run_without_init(cli_env):
    result = run(cli_env, "create-unit", "X", "--organisation", "Y", check=False)
    assert result.returncode != 0
    assert "caseapp init" in result.stderr
    assert "Traceback" not in result.stderr


def test_init_demo_and_scripted_setup(cli_env):
    instance = Path(cli_env["CASEAPP_INSTANCE"])
    first = run(cli_env, "init")
    assert "Created the session key" in first.stdout and "Created the index key" in first.stdout
    assert "Created the key-encryption key" in first.stdout and "Created the key store" in first.stdout
    keys = {p.name: p.read_bytes() for p in (instance / "keys").iterdir()}
    for path in (instance / "keys").iterdir():
        assert path.stat().st_mode & 0o777 == 0o600
    again = run(cli_env, "init")
    assert "Created" not in again.stdout
    assert {p.name: p.read_bytes() for p in (instance / "keys").iterdir()} == keys

    demo = run(cli_env, "demo", "--seed", "7")
    logins = json.loads((instance / "demo-logins.json").read_text())
    assert (instance / "demo-logins.json").stat().st_mode & 0o777 == 0o600
    roles = {login["role"] for login in logins}
    assert roles == {"youth_mentor", "work_leader", "coordinator", "privacy_officer", "admin"}
    for login in logins:
        assert set(login) == {"username", "password", "role", "units", "totp_secret"}
        assert login["password"] in demo.stdout
    mentors = [l for l in logins if l["role"] == "youth_mentor"]
    assert {l["units"][0].split(" / ")[0] for l in mentors} == {
        "Kristiansand kommune", "Agder fylkeskommune"}
    leaders = [l for l in logins if l["role"] == "work_leader"]
    assert len({tuple(l["units"]) for l in leaders}) >= 2

    second = run(cli_env, "demo")
    assert "not loaded again" in second.stdout

    run(cli_env, "create-unit", "Kvadraturen skolesenter", "--organisation",
        "Agder fylkeskommune", "--kind", "upper_secondary")
    dup = run(cli_env, "create-unit", "Kvadraturen skolesenter", "--organisation",
              "Agder fylkeskommune", check=False)
    assert dup.returncode != 0 and "already exists" in dup.stderr
    made = run(cli_env, "create-user", "--username", "ny.veileder", "--role", "youth_mentor",
               "--unit", "Agder fylkeskommune / Kvadraturen skolesenter", "--password-stdin",
               stdin="lang-og-trygg-passfrase-9\n")
    assert "ny.veileder" in made.stdout
    weak = run(cli_env, "create-user", "--username", "svak", "--role", "admin",
               "--password-stdin", stdin="password\n", check=False)
    assert weak.returncode != 0 and "minst 12 tegn" in weak.stderr
    missing = run(cli_env, "create-user", "--username", "x.y", "--role", "admin", "--unit",
                  "Finnes ikke", "--password-stdin", stdin="lang-og-trygg-passfrase-9\n",
                  check=False)
    assert missing.returncode != 0 and "No unit called" in missing.stderr


def test_demo_is_deterministic_and_synthetic(tmp_path, cli_env):
    from caseapp import create_app
    from caseapp.extensions import db
    from caseapp.participants.models import Participant

    run(cli_env, "init")
    run(cli_env, "demo", "--seed", "11")
    instance = Path(cli_env["CASEAPP_INSTANCE"])
    logins = json.loads((instance / "demo-logins.json").read_text())
    url = cli_env.get("DATABASE_URL")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url} if url else None, instance=instance)
    with app.app_context():
        people = db.session.scalars(db.select(Participant)).all()
        assert len(people) == 300
        for person in people:
            digits, born, synthetic = parse(person.national_id)
            assert synthetic and born.year == person.birth_year
        names = sorted(p.full_name for p in people)
        raw = db.session.execute(text("SELECT given_name FROM participants")).scalars().all()
        assert all(isinstance(v, (bytes, memoryview)) for v in raw)
        assert not any(people[0].given_name.encode() in bytes(v) for v in raw)
        db.session.remove()
        db.engine.dispose()

    other = dict(cli_env, CASEAPP_INSTANCE=str(tmp_path / "second"))
    if url:  # same seed into a second database gives the same people and logins
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    run(other, "init")
    run(other, "demo", "--seed", "11")
    again = json.loads((tmp_path / "second" / "demo-logins.json").read_text())
    assert again == logins
    app = create_app({"SQLALCHEMY_DATABASE_URI": url} if url else None, instance=tmp_path / "second")
    with app.app_context():
        assert sorted(p.full_name for p in db.session.scalars(db.select(Participant))) == names
        db.session.remove()
        db.engine.dispose()
