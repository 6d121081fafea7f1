"""The key store: wrapped data keys (DEKs) and the KEKs that wrap them, kept apart from the data.

By default a SQLite file ``<instance>/keystore.db``; ``CASEAPP_KEYSTORE_URL`` may name another
database (on PostgreSQL the tables live in their own schema, ``CASEAPP_KEYSTORE_SCHEMA``).
Because the DEKs are not in the application database, erasing a participant's DEK
(crypto-shredding) makes their data unreadable in every copy of that database, also backups
taken before. The tables are created by ``caseapp init`` only; the app never creates a key
store (or a KEK) over existing data, and refuses to start when its KEKs do not open the store.

Every change here commits at once in the key store's own transaction (it is another database).
"""
from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import (Boolean, Column, DateTime, LargeBinary, MetaData, String, Table, Uuid,
                        create_engine, func, inspect, select, text, update)
from sqlalchemy.engine import Engine

from caseapp.clock import now
from caseapp.config import ConfigError, normalise_database_url
from caseapp.crypto import envelope
from caseapp.crypto.envelope import DecryptionError
from caseapp.crypto.keys import KekProvider, KeyUnavailable, kek_provider

SYSTEM_OWNER = "system"
DEFERRED_BEGIN = "caseapp_deferred_begin"  # execution option read by caseapp._sqlite_begin
VERIFIER_TEXT = b"caseapp key store check"

metadata = MetaData()
keks = Table(
    "keks", metadata,
    Column("id", String(40), primary_key=True),
    Column("created_at", DateTime, nullable=False),
    Column("active", Boolean, nullable=False, default=False),
    Column("retired_at", DateTime),
    Column("verifier", LargeBinary, nullable=False),
)
data_keys = Table(
    "data_keys", metadata,
    Column("id", Uuid, primary_key=True),
    Column("owner", String(64), nullable=False, index=True),
    Column("kek_id", String(40), nullable=False, index=True),
    Column("wrapped", LargeBinary),  # NULL once erased (crypto-shredded)
    Column("created_at", DateTime, nullable=False),
    Column("erased_at", DateTime),
)


class KeyErased(DecryptionError):
    """The participant's data key was erased (crypto-shredding): their data is gone."""


def _verifier_ad(kek_id: str) -> bytes:
    return f"caseapp/kek-check|{kek_id}".encode()


class KeyStore:
    def __init__(self, url: str, provider: KekProvider, schema: str | None = None) -> None:
        self.provider = provider
        self.schema = schema if url.startswith("postgresql") else None
        options = {"connect_args": {"timeout": 15}} if url.startswith("sqlite") else {
            "pool_pre_ping": True}
        engine = create_engine(url, hide_parameters=True, **options)
        # Every transaction here is one short read or one short write, so SQLite's deferred
        # BEGIN is safe, and reading the data keys of a page does not take the key store's
        # write lock (several app processes would otherwise queue on each page's key read).
        engine = engine.execution_options(**{DEFERRED_BEGIN: True})
        if self.schema:
            engine = engine.execution_options(schema_translate_map={None: self.schema})
        self.engine: Engine = engine
        self._ciphers: dict = {}

    # --- set-up and the start-up check ------------------------------------------------------

    def exists(self) -> bool:
        return inspect(self.engine).has_table("keks", schema=self.schema)

    def initialise(self) -> bool:
        """Create the tables and register the provider's KEK; True when newly created."""
        if self.exists():
            return False
        ids = self.provider.ids()
        if not ids:
            raise ConfigError("No key-encryption key is available. Run `caseapp init`.")
        with self.engine.begin() as conn:
            if self.schema:
                conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"'))
            metadata.create_all(conn)
        if self.engine.url.get_backend_name() == "sqlite":
            os.chmod(self.engine.url.database, 0o600)  # owner-only, like the key files
        self.register_kek(ids[-1], active=True)
        return True

    def check(self) -> None:
        """Refuse to run without the store, or when a KEK it names is missing or different."""
        hint = "Run `caseapp init`, or point CASEAPP_KEYSTORE_URL at the right key store."
        if not self.exists():
            raise ConfigError(f"The key store is missing. {hint}")
        with self.engine.connect() as conn:
            rows = conn.execute(select(keks).where(keks.c.retired_at.is_(None))).all()
        if not any(row.active for row in rows):
            raise ConfigError(f"The key store has no active key-encryption key. {hint}")
        for row in rows:
            try:
                kek = self.provider.get(row.id)
                envelope.unwrap(kek, row.verifier, _verifier_ad(row.id))
            except KeyUnavailable:
                raise ConfigError(f"The key-encryption key {row.id} named by the key store is "
                                  "missing. Restore it from the key backup.") from None
            except DecryptionError:
                raise ConfigError(f"The key-encryption key {row.id} does not match the key "
                                  "store.") from None

    def register_kek(self, kek_id: str, active: bool) -> None:
        kek = self.provider.get(kek_id)
        verifier = envelope.wrap(kek_id, kek, VERIFIER_TEXT.ljust(envelope.DEK_BYTES, b"."),
                                 _verifier_ad(kek_id))
        with self.engine.begin() as conn:
            if conn.scalar(select(keks.c.id).where(keks.c.id == kek_id)) is None:
                conn.execute(keks.insert().values(id=kek_id, created_at=now(), active=False,
                                                  verifier=verifier))
            if active:
                conn.execute(update(keks).values(active=keks.c.id == kek_id))

    def active_kek(self) -> str:
        with self.engine.connect() as conn:
            kek_id = conn.scalar(select(keks.c.id).where(keks.c.active.is_(True)))
        if kek_id is None:
            raise DecryptionError()
        return kek_id

    # --- data keys -----------------------------------------------------------------------------

    def load_dek(self, dek_id: uuid.UUID) -> tuple[str, bytes]:
        """(owner, DEK) for ``dek_id``; ``KeyErased`` or ``DecryptionError`` otherwise."""
        with self.engine.connect() as conn:
            row = conn.execute(select(data_keys).where(data_keys.c.id == dek_id)).first()
        if row is None:
            raise DecryptionError()
        if row.wrapped is None:
            raise KeyErased()
        return row.owner, self._unwrap(row)

    def load_deks(self, owners: list[str]) -> dict[uuid.UUID, tuple[str, bytes]]:
        """Every live DEK of ``owners`` in one query (for lists)."""
        if not owners:
            return {}
        with self.engine.connect() as conn:
            rows = conn.execute(select(data_keys).where(
                data_keys.c.owner.in_(owners), data_keys.c.wrapped.is_not(None))).all()
        return {row.id: (row.owner, self._unwrap(row)) for row in rows}

    def _kek_cipher(self, kek_id: str):
        if kek_id not in self._ciphers:
            self._ciphers[kek_id] = envelope.cipher(self.provider.get(kek_id))
        return self._ciphers[kek_id]

    def _unwrap(self, row) -> bytes:
        try:
            kek = self._kek_cipher(row.kek_id)
        except KeyUnavailable:
            raise DecryptionError() from None
        if envelope.wrapped_kek_id(row.wrapped) != row.kek_id:
            raise DecryptionError()
        return envelope.unwrap(kek, row.wrapped, envelope.wrap_ad(row.id, row.owner, row.kek_id))

    def current_dek(self, owner: str) -> tuple[uuid.UUID, bytes]:
        """The DEK new values of ``owner`` are sealed with; made on first use."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(data_keys).where(data_keys.c.owner == owner)
                                .order_by(data_keys.c.created_at.desc())).all()
        if any(row.wrapped is None for row in rows):
            raise KeyErased()
        if rows:
            return rows[0].id, self._unwrap(rows[0])
        dek_id, dek = uuid.uuid4(), envelope.new_dek()
        kek_id = self.active_kek()
        wrapped = envelope.wrap(kek_id, self.provider.get(kek_id), dek,
                                envelope.wrap_ad(dek_id, owner, kek_id))
        with self.engine.begin() as conn:
            conn.execute(data_keys.insert().values(id=dek_id, owner=owner, kek_id=kek_id,
                                                   wrapped=wrapped, created_at=now()))
        return dek_id, dek

    def erase(self, owner: str) -> int:
        """Crypto-shred: forget every DEK of ``owner`` (a tombstone stays, so no new DEK is
        made for them). Idempotent; returns how many live DEKs were erased."""
        at = now()
        with self.engine.begin() as conn:
            erased = conn.execute(update(data_keys).where(
                data_keys.c.owner == owner, data_keys.c.wrapped.is_not(None))
                .values(wrapped=None, erased_at=at)).rowcount
            if not conn.scalar(select(func.count()).where(data_keys.c.owner == owner)):
                conn.execute(data_keys.insert().values(
                    id=uuid.uuid4(), owner=owner, kek_id=self.active_kek(), wrapped=None,
                    created_at=at, erased_at=at))
        return erased

    # --- rotation -----------------------------------------------------------------------------

    def pending(self, target: str) -> int:
        with self.engine.connect() as conn:
            return conn.scalar(select(func.count()).where(
                data_keys.c.kek_id != target, data_keys.c.wrapped.is_not(None)))

    def rewrap_batch(self, target: str, size: int = 200) -> int:
        """Re-wrap up to ``size`` DEKs under ``target``; returns how many were re-wrapped.

        Each update only applies if the row is still as read (not erased or re-wrapped by a
        concurrent run meanwhile), so runs can overlap and resume safely."""
        new_kek = self.provider.get(target)
        with self.engine.connect() as conn:
            rows = conn.execute(select(data_keys).where(
                data_keys.c.kek_id != target, data_keys.c.wrapped.is_not(None))
                .order_by(data_keys.c.id).limit(size)).all()
        with self.engine.begin() as conn:
            for row in rows:
                dek = self._unwrap(row)
                wrapped = envelope.wrap(target, new_kek, dek,
                                        envelope.wrap_ad(row.id, row.owner, target))
                conn.execute(update(data_keys).where(
                    data_keys.c.id == row.id, data_keys.c.kek_id == row.kek_id,
                    data_keys.c.wrapped == row.wrapped).values(
                    kek_id=target, wrapped=wrapped))
        return len(rows)

    def retire_unused(self) -> list[str]:
        """Retire (and destroy, where the provider can) KEKs that wrap no live DEK."""
        retired = []
        with self.engine.begin() as conn:
            candidates = conn.scalars(select(keks.c.id).where(
                keks.c.active.is_(False), keks.c.retired_at.is_(None))).all()
            for kek_id in candidates:
                used = conn.scalar(select(func.count()).where(
                    data_keys.c.kek_id == kek_id, data_keys.c.wrapped.is_not(None)))
                if not used:
                    conn.execute(update(keks).where(keks.c.id == kek_id)
                                 .values(retired_at=now()))
                    retired.append(kek_id)
        for kek_id in retired:
            self._ciphers.pop(kek_id, None)
            self.provider.destroy(kek_id)
        return retired

    def status(self) -> tuple[list[dict], int]:
        """Per KEK: whether active or retired and how many live DEKs it wraps; and how many
        owners (participants) were erased."""
        with self.engine.connect() as conn:
            counts = dict(conn.execute(
                select(data_keys.c.kek_id, func.count()).where(data_keys.c.wrapped.is_not(None))
                .group_by(data_keys.c.kek_id)).all())
            rows = conn.execute(select(keks).order_by(keks.c.created_at, keks.c.id)).all()
            erased = conn.scalar(select(func.count(func.distinct(data_keys.c.owner))).where(
                data_keys.c.wrapped.is_(None)))
        return [{"kek_id": row.id, "active": row.active, "retired_at": row.retired_at,
                 "deks": counts.get(row.id, 0)} for row in rows], erased

    def clear_data_keys(self) -> None:
        """Tests: forget every DEK (the tables are emptied between tests)."""
        with self.engine.begin() as conn:
            conn.execute(data_keys.delete())

    def dispose(self) -> None:
        self.engine.dispose()


def rotate(store: KeyStore, to: str | None = None, batch: int = 200,
           progress: Callable[[int, int], None] | None = None,
           stop_after: int | None = None) -> tuple[str, int, list[str]]:
    """Make a new KEK active (or resume an unfinished rotation) and re-wrap every DEK under it.

    Returns (active KEK id, DEKs re-wrapped, KEKs retired). ``stop_after`` stops after that
    many batches (an interrupted run, for tests); running again resumes."""
    active = store.active_kek()
    if to is None and store.pending(active) == 0:
        to = store.provider.create()
    if to is not None and to != active:
        store.register_kek(to, active=True)
        active = to
    total, done, batches = store.pending(active), 0, 0
    while True:
        if stop_after is not None and batches >= stop_after:
            return active, done, []
        count = store.rewrap_batch(active, batch)
        if not count:
            break
        done, batches = done + count, batches + 1
        if progress:
            progress(done, total)
    return active, done, store.retire_unused()


def open_keystore(settings: dict, instance_path: Path) -> KeyStore:
    """The key store named by the settings (default: ``<instance>/keystore.db``)."""
    url = settings.get("CASEAPP_KEYSTORE_URL") or f"sqlite:///{Path(instance_path) / 'keystore.db'}"
    return KeyStore(normalise_database_url(url), kek_provider(instance_path),
                    settings.get("CASEAPP_KEYSTORE_SCHEMA") or "caseapp_keys")


def init_keystore(settings: dict, instance_path: Path) -> list[str]:
    """``caseapp init``: make the first KEK and the key store if there is none yet; returns
    what was created. Refuses when the database already holds data (a new key store could
    never open it)."""
    store = open_keystore(settings, instance_path)
    try:
        if store.exists():
            return []
        if _database_has_data(settings["SQLALCHEMY_DATABASE_URI"]):
            raise ConfigError("The database holds data but the key store is missing. Restore "
                              "the key store and its key-encryption keys from their backup; "
                              "a new key store could never open that data.")
        created = []
        if not store.provider.ids():
            store.provider.create()
            created.append("key-encryption")
        store.initialise()
        return created + ["key store"]
    finally:
        store.dispose()


def _database_has_data(url: str) -> bool:
    engine = create_engine(url)
    try:
        if not inspect(engine).has_table("users"):
            return False
        with engine.connect() as conn:
            return bool(conn.scalar(text("SELECT count(*) FROM users")))
    finally:
        engine.dispose()

