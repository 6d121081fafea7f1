"""The proof: known marker strings written through the app never appear in the raw
database (SQLite file and its WAL, or a PostgreSQL pg_dump), a backup, the key store or the
application log — yet the app reads them back."""
from __future__ import annotations

import logging
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from caseapp.crypto import keyring
from caseapp.extensions import db
from tests.crypto.test_fields import Note, notes  # noqa: F401

CONTROL = "Kontrollenhet7QZ"
MARKERS = {"given": "Mrkgiven7QZ", "family": "Mrkfamilyø7QZ", "note": "Mrknote7QZ ærlig talt"}


def dump_postgres(url) -> bytes:
    plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    result = subprocess.run(["pg_dump", "--no-owner", plain], capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr.decode()
    return result.stdout


def sqlite_files(url, tmp_path) -> dict[str, bytes]:
    path = Path(make_url(url).database)
    backup = tmp_path / "backup.db"
    source, target = sqlite3.connect(path), sqlite3.connect(backup)
    source.backup(target)
    source.close(), target.close()
    files = {"database": path, "wal": Path(f"{path}-wal"), "backup": backup}
    assert files["wal"].exists()
    return {name: file.read_bytes() for name, file in files.items()}


def keystore_bytes(is_postgres) -> bytes:
    if is_postgres:
        return b""  # the pg_dump holds the key store schema too
    path = Path(keyring.store().engine.url.database)
    return b"".join(Path(p).read_bytes() for p in (path, Path(f"{path}-wal")) if Path(p).exists())


def test_markers_never_reach_disk_or_log(app, factory, client, login, notes, caplog,  # noqa: F811
                                         is_postgres, tmp_path):
    caplog.set_level(logging.DEBUG)
    logging.getLogger("sqlalchemy.engine").setLevel(logging.INFO)  # log every statement
    try:
        unit = factory.unit(name=CONTROL)  # a plain column: the scan must find it
        worker = factory.user(units=[unit])
        person = factory.participant(given=MARKERS["given"], family=MARKERS["family"])
        case = factory.case(worker, unit, participant=person)
        db.session.add(Note(participant=person, body=MARKERS["note"]))
        db.session.commit()
        markers = {**MARKERS, "national_id": person.national_id, "totp": worker.totp_secret}
        login(client, worker)  # the TOTP secret is read back through the app
        page = client.get(f"/cases/{case.id}")
        assert page.status_code == 200
        assert f"{MARKERS['given']} {MARKERS['family']}" in page.text  # readable through the app
        client.get(f"/cases/{case.id}/finnes-ikke")  # an error page too
    finally:
        logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
    url = str(db.engine.url.render_as_string(hide_password=False))
    places = ({"pg_dump (database, key store schema, backup)": dump_postgres(url)} if is_postgres
              else sqlite_files(url, tmp_path))
    places["key store"] = keystore_bytes(is_postgres)
    places["log"] = "\n".join(f"{r.getMessage()} {r.args!r}" for r in caplog.records).encode()
    assert "INSERT INTO participants" in places["log"].decode()  # the log did see the writes
    assert any(CONTROL.encode() in places[p] for p in places if p not in {"key store", "log"})
    for place, content in places.items():
        for name, marker in markers.items():
            for encoded in {marker.encode("utf-8"), marker.encode("utf-16-le")}:
                assert encoded not in content, f"{name} found in {place}"
