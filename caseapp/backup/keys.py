"""``caseapp keys backup`` and ``caseapp keys restore``: the key store (wrapped data keys, the KEK
list and check values) and the instance's key files, apart from the database backup.

Keep these backups short-lived (days, not months): a key-store backup still holds the data key
of everybody crypto-shredded since it was made, and restoring it would bring their data back
in every database backup of that time. Erased keys stay erased in the backup (tombstones).
"""
from __future__ import annotations

import base64
import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select, text

from caseapp.backup.manifest import BackupError, new_folder, read_manifest, write_manifest, write_private
from caseapp.crypto import keys as keyfiles
from caseapp.crypto.keystore import data_keys, keks, metadata, open_keystore

STORE_FILE = "keystore.json"
KEYS_FOLDER = "keys"


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, datetime):
        return value.isoformat()
    return None if value is None else (str(value) if not isinstance(value, (bool, int)) else value)


def _rows(conn, table) -> list[dict[str, Any]]:
    return [{key: _plain(value) for key, value in row._mapping.items()}
            for row in conn.execute(select(table).order_by(*table.primary_key.columns))]


def backup(settings: dict, instance_path: str | Path, out: str | Path) -> dict[str, Any]:
    """Write the key store and the key files to the new folder ``out``; return the manifest."""
    folder = new_folder(Path(out))
    store = open_keystore(settings, Path(instance_path))
    try:
        with store.engine.connect() as conn:
            content = {"keks": _rows(conn, keks), "data_keys": _rows(conn, data_keys)}
    finally:
        store.dispose()
    write_private(folder / STORE_FILE, json.dumps(content, indent=1).encode())
    files = [STORE_FILE]
    (folder / KEYS_FOLDER).mkdir(mode=0o700)
    for path in sorted(keyfiles.keys_dir(Path(instance_path)).glob("*.key")):
        write_private(folder / KEYS_FOLDER / path.name, path.read_bytes())
        files.append(f"{KEYS_FOLDER}/{path.name}")
    erased = sum(1 for row in content["data_keys"] if row["wrapped"] is None)
    return write_manifest(
        folder, "keys", files, keks=[row["id"] for row in content["keks"]],
        data_keys=len(content["data_keys"]) - erased, erased_data_keys=erased,
        kek_source="environment" if os.environ.get(keyfiles.KEKS_ENV) else "files")


def restore(settings: dict, instance_path: str | Path, source: str | Path) -> dict[str, Any]:
    """Put the key files and the key store of the backup in ``source`` into an instance that has
    neither yet; refuse otherwise (a key is never replaced). Returns the manifest."""
    folder, instance = Path(source), Path(instance_path)
    manifest = read_manifest(folder, "keys")
    instance.mkdir(mode=0o700, parents=True, exist_ok=True)
    names = [name.split("/", 1)[1] for name in manifest["files"] if name.startswith(f"{KEYS_FOLDER}/")]
    present = [name for name in names if (keyfiles.keys_dir(instance) / name).exists()]
    store = open_keystore(settings, instance)
    try:
        if present or store.exists():
            raise BackupError("This instance already has keys or a key store; restore keys only "
                              "into a new instance folder and key store. Nothing was changed.")
        target = keyfiles.keys_dir(instance)
        target.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(target, 0o700)
        for name in names:
            write_private(target / name, (folder / KEYS_FOLDER / name).read_bytes())
        _load_store(store, json.loads((folder / STORE_FILE).read_text(encoding="utf-8")))
        store.check()  # the restored KEKs open the restored store
    finally:
        store.dispose()
    return manifest


def _typed(table, row: dict[str, Any]) -> dict[str, Any]:
    import uuid

    from sqlalchemy import DateTime, LargeBinary, Uuid

    values = {}
    for column in table.columns:
        value = row.get(column.name)
        if value is not None and isinstance(column.type, LargeBinary):
            value = base64.b64decode(value)
        elif value is not None and isinstance(column.type, DateTime):
            value = datetime.fromisoformat(value)
        elif value is not None and isinstance(column.type, Uuid):
            value = uuid.UUID(value)
        values[column.name] = value
    return values


def _load_store(store, content: dict[str, list[dict[str, Any]]]) -> None:
    with store.engine.begin() as conn:
        if store.schema:
            conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{store.schema}"'))
        metadata.create_all(conn)
        for table, rows in ((keks, content["keks"]), (data_keys, content["data_keys"])):
            if rows:
                conn.execute(table.insert(), [_typed(table, row) for row in rows])
    if store.engine.url.get_backend_name() == "sqlite":
        os.chmod(store.engine.url.database, 0o600)
