"""Reading data keys does not take the key store's write lock (SQLite key store)."""
from __future__ import annotations

import sqlite3

import pytest

from caseapp.crypto.keyring import store
from caseapp.extensions import db


def test_a_page_reads_its_keys_while_another_process_writes_the_key_store(app, factory,
                                                                         keystore_url):
    """Several app processes share one key store file. A page that only reads data keys must
    not queue behind (or wait 15 s and fail on) another process's key-store write."""
    if keystore_url is not None:
        pytest.skip("the key store is a SQLite file only on SQLite runs")
    unit = factory.unit()
    case = factory.case(factory.user(units=[unit], roles=["youth_mentor"]), unit)
    db.session.commit()
    owner = str(case.participant_id)
    path = store().engine.url.database
    writer = sqlite3.connect(path, timeout=0, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another process in the middle of writing a key
    try:
        with app.test_request_context("/"):
            keys = store().load_deks([owner])
        assert [found_owner for found_owner, _dek in keys.values()] == [owner]
    finally:
        writer.execute("ROLLBACK")
        writer.close()
