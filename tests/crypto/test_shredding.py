"""Crypto-shredding: erasing a participant's data key makes all their encrypted data
unreadable, also in a copy of the database taken before, and removes their index values."""
from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import select

from audit.models import AuditEvent
from caseapp.cli import cli
from caseapp.crypto.envelope import DecryptionError
from caseapp.crypto.fields import open_value
from caseapp.crypto.keystore import KeyErased
from caseapp.crypto.services import shred_participant
from caseapp.extensions import db
from caseapp.participants.lookup import find_by_name, find_by_national_id
from caseapp.participants.models import Participant, ParticipantIndex
from tests.crypto.test_fields import Note, fresh_read, notes, raw  # noqa: F401


def test_shredding_erases_data_key_and_index(app, factory, notes):  # noqa: F811
    gone, kept = factory.participant(given="Sletta", family="Person"), factory.participant(given="Beholdt")
    note = Note(participant=gone, body="Sensitiv merknad")
    db.session.add(note)
    db.session.commit()
    number, gone_id, kept_id, note_id = gone.national_id, gone.id, kept.id, note.id
    old_name = raw("participants", "given_name", gone.id)  # as in a backup taken before

    assert shred_participant(db.session, None, gone_id, "erasure_decision") == 1
    db.session.commit()

    assert fresh_read(Note, note_id).body is None
    assert fresh_read(Participant, kept_id).given_name == "Beholdt"
    person = fresh_read(Participant, gone_id)
    assert person.erased and person.given_name is None and person.national_id is None
    assert person.full_name in {"(slettet)", "(erased)"}
    assert find_by_name(db.session, "Sletta Person") == []
    assert find_by_national_id(db.session, number) is None
    assert not db.session.scalars(select(ParticipantIndex).where(
        ParticipantIndex.participant_id == gone_id)).all()
    with pytest.raises(DecryptionError):
        open_value(old_name, "participants.given_name", str(gone_id), str(gone_id))
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "participant.shred")).one()
    assert event.subject_id == gone_id and "Sletta" not in str(event.details)
    # nothing new can be written for an erased person; shredding again is harmless
    person.given_name = "Ny"
    with pytest.raises(KeyErased):
        db.session.flush()
    db.session.rollback()
    assert shred_participant(db.session, None, gone_id, "erasure_decision") == 0


def test_an_older_database_copy_is_unreadable_after_shredding(app, factory, make_app, is_postgres,
                                                              tmp_path):
    if is_postgres:
        pytest.skip("file copy of the SQLite database; the raw-value test covers PostgreSQL")
    gone, kept = factory.participant(given="Gammelkopi"), factory.participant(given="Beholdt")
    db.session.commit()
    gone_id, kept_id = gone.id, kept.id
    backup = tmp_path / "backup.db"
    source = sqlite3.connect(db.engine.url.database)
    target = sqlite3.connect(backup)
    source.backup(target)
    source.close(), target.close()
    shred_participant(db.session, None, gone_id, "erasure_decision")
    db.session.commit()

    restored = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{backup}")
    with restored.app_context():
        assert db.session.get(Participant, gone_id).given_name is None
        assert db.session.get(Participant, kept_id).given_name == "Beholdt"
        assert find_by_name(db.session, "Gammelkopi") == []  # index row there, data not
        db.session.remove()
    assert b"Gammelkopi" not in backup.read_bytes()


def test_shred_from_the_cli(app, factory):
    person = factory.participant(given="Klisletting")
    db.session.commit()
    person_id = person.id
    runner = app.test_cli_runner()
    result = runner.invoke(cli, ["keys", "shred", str(person_id), "--yes"])
    assert result.exit_code == 0, result.output
    assert fresh_read(Participant, person_id).erased
    assert "Erased (crypto-shredded) key owners: 1" in runner.invoke(cli, ["keys", "status"]).output
