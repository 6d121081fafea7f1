"""``caseapp backup`` and ``caseapp restore``: the application database, never the key store.

SQLite: the online backup API (``sqlite3.Connection.backup``) copies a consistent snapshot
while the app serves. PostgreSQL: ``pg_dump`` in custom format from a snapshot exported by a
REPEATABLE READ transaction, which also counts the rows, so dump and manifest agree; the key
store's schema is left out. The manifest holds the row count of every table, the audit chain's
head and last signed checkpoint, the schema revision, the app version and the time; restore
checks all of them, then verifies the chain and opens every encrypted value.
"""
from __future__ import annotations

import hmac
import os
import re
import shutil
import sqlite3
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from flask import current_app
from sqlalchemy import select, text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.orm import Session

import audit
from audit import verify
from audit.checkpoints import checkpoint_file, read_checkpoint_file
from caseapp.backup.manifest import BackupError, new_folder, read_manifest, write_manifest
from caseapp.crypto.envelope import DecryptionError

SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.dump"
CHECKPOINTS = "audit-checkpoints.jsonl"


# --- what a database holds (the manifest's facts) ---------------------------------------------

def _facts(scalar: Callable[[str], Any], tables: list[str]) -> dict[str, Any]:
    """Row count per table, audit chain head, last signed checkpoint and schema revision."""
    counts = {name: scalar(f'SELECT count(*) FROM "{name}"') for name in sorted(tables)}
    facts: dict[str, Any] = {"counts": counts, "audit_head": None, "audit_checkpoint_seq": None,
                             "schema_revision": None}
    if "audit_chain_head" in counts:
        seq = scalar("SELECT seq FROM audit_chain_head WHERE id = 1")
        facts["audit_head"] = None if seq is None else {
            "seq": seq, "hash": scalar("SELECT hash FROM audit_chain_head WHERE id = 1")}
    if "audit_checkpoints" in counts:
        facts["audit_checkpoint_seq"] = scalar("SELECT max(seq) FROM audit_checkpoints")
    if "alembic_version" in counts:
        facts["schema_revision"] = scalar("SELECT version_num FROM alembic_version")
    return facts


def _sqlite_facts(conn: sqlite3.Connection) -> dict[str, Any]:
    tables = [row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    def scalar(sql: str) -> Any:
        row = conn.execute(sql).fetchone()
        return None if row is None else row[0]

    return _facts(scalar, tables)


def _pg_tables(conn) -> list[str]:
    return list(conn.scalars(text(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")))


def _pg_facts(conn) -> dict[str, Any]:
    return _facts(lambda sql: conn.scalar(text(sql)), _pg_tables(conn))


# --- PostgreSQL client tools ------------------------------------------------------------------

def _libpq(engine: Engine) -> tuple[str, dict[str, str]]:
    """The connection as a libpq URI without the password (which goes in ``PGPASSWORD``, so it
    never appears on a command line), and the environment to run the client with."""
    url = make_url(engine.url.render_as_string(hide_password=False))
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    uri = URL.create("postgresql", username=url.username, host=url.host, port=url.port,
                     database=url.database, query=url.query).render_as_string()
    return uri, env


def _major(text_: str) -> int:
    match = re.search(r"(\d+)(?:\.\d+)?", text_)
    if not match:
        raise BackupError(f"Could not read a PostgreSQL version from {text_!r}.")
    return int(match.group(1))


def _client_major(program: str) -> int:
    path = shutil.which(program)
    if path is None:
        raise BackupError(f"{program} was not found. Install the PostgreSQL client tools "
                          "(the server's major version or newer).")
    result = subprocess.run([path, "--version"], capture_output=True, text=True, check=False)
    return _major(result.stdout)  # "pg_dump (PostgreSQL) 15.20 (Debian …)"


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        # pg_* messages name objects, not row values; keep only the first lines.
        detail = " ".join(result.stderr.strip().splitlines()[:3])
        raise BackupError(f"{what} failed (exit {result.returncode}): {detail}")


# --- which keys a backup belongs to ------------------------------------------------------------

KEY_CHECK_TEXT = b"caseapp backup: the keys of this database"


def key_check() -> dict[str, Any]:
    """What identifies this instance's keys without giving them away: an HMAC of a fixed text
    under the audit key and under the signing key, and the id of the system data key (which
    the key store must be able to open). Written into the database backup's manifest."""
    from caseapp.crypto.keys import EXTENSION_KEY
    from caseapp.crypto.keyring import store
    from caseapp.crypto.keystore import SYSTEM_OWNER, data_keys

    loaded = current_app.extensions[EXTENSION_KEY]
    with store().engine.connect() as conn:
        system = conn.scalar(select(data_keys.c.id).where(data_keys.c.owner == SYSTEM_OWNER)
                             .order_by(data_keys.c.created_at).limit(1))
    return {name: hmac.new(loaded[name].material, KEY_CHECK_TEXT, "sha256").hexdigest()
            for name in ("audit", "audit_signing")} | {
        "system_data_key": None if system is None else str(system)}


WRONG_KEYS = ("The keys of this instance are not the keys this backup was made with ({what}). "
              "Restore the key backup that belongs to it into a new instance folder "
              "(`caseapp keys restore KEY-BACKUP`, without `caseapp init`), then restore the "
              "database again. Nothing was restored.")


def check_keys(manifest: dict[str, Any]) -> None:
    """Refuse, before anything is restored, when this instance's keys are not the backup's.
    (Backups from before the manifest held ``keys`` are checked after the restore instead.)"""
    from caseapp.crypto.keyring import store

    expected = manifest.get("keys")
    if not expected:
        return
    ours = key_check()
    for name, what in (("audit", "the audit key differs"),
                       ("audit_signing", "the audit signing key differs")):
        if not hmac.compare_digest(ours[name], expected[name]):
            raise BackupError(WRONG_KEYS.format(what=what))
    if expected["system_data_key"] is not None:
        try:
            store().load_dek(uuid.UUID(expected["system_data_key"]))
        except DecryptionError:
            raise BackupError(WRONG_KEYS.format(
                what="the key store does not hold the backup's data keys")) from None


# --- backup -----------------------------------------------------------------------------------

def backup(session: Session, instance_path: str | Path, out: str | Path,
           pg_dump: str = "pg_dump", keystore_schema: str = "caseapp_keys") -> dict[str, Any]:
    """Write the database to the new folder ``out`` with a manifest; return the manifest."""
    engine = session.get_bind()
    folder = new_folder(Path(out))
    if engine.dialect.name == "sqlite":
        files, facts = [SQLITE_FILE], _backup_sqlite(engine, folder / SQLITE_FILE)
        extra: dict[str, Any] = {}
    else:
        files, facts, extra = [PG_FILE], *_backup_postgres(engine, folder / PG_FILE, pg_dump,
                                                            keystore_schema)
    checkpoints = checkpoint_file(instance_path)
    if checkpoints.exists():  # the signed checkpoints' copy outside the database
        shutil.copyfile(checkpoints, folder / CHECKPOINTS)
        os.chmod(folder / CHECKPOINTS, 0o600)
        files.append(CHECKPOINTS)
    manifest = write_manifest(folder, "database", files, database=engine.dialect.name,
                              keys=key_check(), **facts, **extra)
    audit.record("backup.create", actor=None, object_type="backup", object_id=folder.name,
                 details={"tables": len(facts["counts"]),
                          "audit_seq": (facts["audit_head"] or {}).get("seq")},
                 session=session)
    return manifest


def _backup_sqlite(engine: Engine, target: Path) -> dict[str, Any]:
    source = sqlite3.connect(engine.url.database)
    copy = sqlite3.connect(target)
    try:
        os.chmod(target, 0o600)
        source.backup(copy)  # one step: a consistent snapshot, also while the app writes
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        problems = copy.execute("PRAGMA integrity_check").fetchone()[0]
        if problems != "ok":
            raise BackupError("The copy of the database failed SQLite's integrity check.")
        return _sqlite_facts(copy)
    finally:
        copy.close()
        source.close()


def _backup_postgres(engine: Engine, target: Path, pg_dump: str, keystore_schema: str):
    client = _client_major(pg_dump)
    with engine.connect() as conn:
        server = int(conn.scalar(text("SHOW server_version_num"))) // 10000
        if client < server:
            raise BackupError(f"pg_dump {client} cannot dump a PostgreSQL {server} server; "
                              f"install the version {server} client tools (or newer).")
        conn.rollback()
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            snapshot = conn.scalar(text("SELECT pg_export_snapshot()"))
            uri, env = _libpq(engine)
            _run([shutil.which(pg_dump), "--format=custom", "--no-password",
                  f"--snapshot={snapshot}", f"--exclude-schema={keystore_schema}",
                  f"--file={target}", f"--dbname={uri}"], env, "pg_dump")
            facts = _pg_facts(conn)  # the same snapshot the dump saw
    os.chmod(target, 0o600)
    return facts, {"pg_dump_major": client, "server_major": server}


# --- restore ----------------------------------------------------------------------------------

@dataclass
class Restored:
    manifest: dict[str, Any]
    participants: int
    erased: int
    verification: verify.Verification


def restore(session: Session, instance_path: str | Path, source: str | Path,
            pg_restore: str = "pg_restore") -> Restored:
    """Restore the backup in ``source`` into this instance's empty database, then check it
    against its manifest, bring the schema up to date, verify the audit chain and open every
    encrypted value. The keys are checked first. Raises ``BackupError`` and leaves nothing
    behind (no restored data, no copied checkpoint file) when anything fails; a non-empty
    target is refused and not touched."""
    folder = Path(source)
    manifest = read_manifest(folder, "database")
    engine = session.get_bind()
    if manifest["database"] != engine.dialect.name:
        raise BackupError(f"This is a {manifest['database']} backup; the target database is "
                          f"{engine.dialect.name}. Nothing was restored.")
    check_keys(manifest)
    session.close()
    checkpoints = checkpoint_file(instance_path)
    copied_checkpoints = (folder / CHECKPOINTS).exists() and not checkpoints.exists()
    if engine.dialect.name == "sqlite":
        _require_empty(_sqlite_tables(engine))
    else:
        _check_pg_restore(pg_restore, manifest)
        with engine.connect() as conn:
            _require_empty(_pg_tables(conn))
        before = _pg_objects(engine)
    try:
        if engine.dialect.name == "sqlite":
            facts = _restore_sqlite(engine, folder / SQLITE_FILE)
        else:
            facts = _restore_postgres(engine, folder / PG_FILE, pg_restore)
        if copied_checkpoints:
            shutil.copyfile(folder / CHECKPOINTS, checkpoints)
            os.chmod(checkpoints, 0o600)
        return _check_restored(session, folder, manifest, facts, checkpoints)
    except BaseException:
        # Leave nothing behind: the restored data (all of it encrypted, but still a copy of
        # everybody's data in a place nobody will look after) and the copied checkpoint file.
        session.rollback()
        session.close()
        if engine.dialect.name == "sqlite":
            _remove_sqlite(engine)
        else:
            _drop_new_pg_objects(engine, before)
        if copied_checkpoints:
            checkpoints.unlink(missing_ok=True)
        raise


def _check_restored(session: Session, folder: Path, manifest: dict[str, Any],
                    facts: dict[str, Any], checkpoints: Path) -> Restored:
    """The restored database against its manifest, then the keys, then the audit chain."""
    from flask_migrate import upgrade

    for key in ("counts", "audit_head", "audit_checkpoint_seq", "schema_revision"):
        if facts[key] != manifest[key]:
            raise BackupError(f"The restored database does not match the manifest ({key} "
                              "differs). Nothing was restored; check the backup and restore "
                              "again.")
    upgrade(directory=current_app.extensions["migrate"].directory)
    problem = verify.key_problem(session.connection())
    if problem:
        raise BackupError(WRONG_KEYS.format(
            what="the audit key does not reproduce the audit log's hashes"
            if problem.startswith("The audit key") else
            "the audit signing key does not verify the last audit checkpoint"))
    try:
        participants, erased = open_everything(session)
    except DecryptionError:
        raise BackupError(WRONG_KEYS.format(
            what="encrypted values do not open with this instance's key store")) from None
    verification = verify.full(session, read_checkpoint_file(checkpoints))
    if not verification.ok:
        raise BackupError("The restored audit log does not verify: " + verify.describe(verification)
                          + " Nothing was restored.")
    audit.record("backup.restore", actor=None, object_type="backup", object_id=folder.name,
                 details={"created_at": manifest["created_at"], "audit_seq": verification.head_seq,
                          "participants": participants, "erased": erased}, session=session)
    return Restored(manifest, participants, erased, verification)


def _remove_sqlite(engine: Engine) -> None:
    engine.dispose()
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(engine.url.database + suffix).unlink(missing_ok=True)


_DROP = {"r": "TABLE", "p": "TABLE", "v": "VIEW", "m": "MATERIALIZED VIEW", "S": "SEQUENCE"}


def _pg_objects(engine: Engine) -> set[tuple[str, str]]:
    """(kind, name) of every relation, function and type in the target's schema."""
    with engine.connect() as conn:
        relations = conn.execute(text(
            "SELECT c.relkind::text, c.oid::regclass::text FROM pg_class c JOIN pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = current_schema() "
            "AND c.relkind IN ('r', 'p', 'v', 'm', 'S')")).all()
        functions = conn.scalars(text(
            "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n "
            "ON n.oid = p.pronamespace WHERE n.nspname = current_schema()")).all()
        types = conn.scalars(text(
            "SELECT t.oid::regtype::text FROM pg_type t JOIN pg_namespace n "
            "ON n.oid = t.typnamespace WHERE n.nspname = current_schema() "
            "AND t.typtype IN ('e', 'd')")).all()
    return ({(_DROP[kind], name) for kind, name in relations}
            | {("FUNCTION", name) for name in functions} | {("TYPE", name) for name in types})


def _drop_new_pg_objects(engine: Engine, before: set[tuple[str, str]]) -> None:
    """Drop what the restore created in the target's schema, tables first (it had none)."""
    engine.dispose()
    order = ["TABLE", "MATERIALIZED VIEW", "VIEW", "SEQUENCE", "FUNCTION", "TYPE"]
    created = sorted(_pg_objects(engine) - before, key=lambda o: (order.index(o[0]), o[1]))
    with engine.begin() as conn:
        for kind, name in created:
            conn.execute(text(f"DROP {kind} IF EXISTS {name} CASCADE"))
    engine.dispose()


def _require_empty(tables: list[str]) -> None:
    if tables:
        raise BackupError(f"The target database is not empty (it has {len(tables)} tables). "
                          "Restore only into a new, empty database (do not run `caseapp init` "
                          "first); nothing was changed.")


def _sqlite_tables(engine: Engine) -> list[str]:
    if not Path(engine.url.database).exists():
        return []
    engine.dispose()
    target = sqlite3.connect(f"file:{engine.url.database}?mode=ro", uri=True)
    try:
        return [row[0] for row in target.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")]
    finally:
        target.close()


def _restore_sqlite(engine: Engine, backup_file: Path) -> dict[str, Any]:
    engine.dispose()
    target = sqlite3.connect(engine.url.database)
    try:
        source = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
        try:
            source.backup(target)
        finally:
            source.close()
        target.execute("PRAGMA journal_mode=WAL")
        os.chmod(engine.url.database, 0o600)
        return _sqlite_facts(target)
    finally:
        target.close()


def _check_pg_restore(pg_restore: str, manifest) -> None:
    client = _client_major(pg_restore)
    if client < manifest.get("pg_dump_major", 0):
        raise BackupError(f"pg_restore {client} cannot read a dump made by pg_dump "
                          f"{manifest['pg_dump_major']}; install newer client tools.")


def _restore_postgres(engine: Engine, dump: Path, pg_restore: str) -> dict[str, Any]:
    engine.dispose()
    uri, env = _libpq(engine)
    _run([shutil.which(pg_restore), "--no-owner", "--no-password", "--exit-on-error",
          "--single-transaction", f"--dbname={uri}", str(dump)], env, "pg_restore")
    with engine.connect() as conn:
        return _pg_facts(conn)


def open_everything(session: Session) -> tuple[int, int]:
    """Load every row with encrypted columns (each value is opened on load; a value that does
    not open raises ``DecryptionError``). Returns (participants, of them erased)."""
    from sqlalchemy.orm import configure_mappers

    from caseapp.crypto.fields import SPECS
    from caseapp.participants.models import Participant

    configure_mappers()  # SPECS is filled as the mappers are configured (on the first query)
    participants = erased = 0
    for cls in list(SPECS):
        for obj in session.scalars(select(cls)):
            if cls is Participant:
                participants += 1
                erased += obj.erased
        session.expunge_all()
    return participants, erased
