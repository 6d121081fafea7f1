"""Envelope encryption of columns: values are sealed per participant and bound to their
table, column, row and participant; anything altered, moved or keyed wrongly fails as one
``DecryptionError`` with a generic message."""
from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import ForeignKey, MetaData, select, text, update
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from caseapp.accounts.models import User
from caseapp.config import ConfigError
from caseapp.crypto import keyring
from caseapp.crypto.envelope import FORMAT_VERSION, DecryptionError
from caseapp.crypto.fields import EncryptedBytes, EncryptedText, Sealed, UnsealedValue
from caseapp.crypto.keys import key_path
from caseapp.crypto.keystore import data_keys, keks
from caseapp.extensions import db
from caseapp.participants.models import Participant


class NoteBase(DeclarativeBase):
    metadata = MetaData()


class Note(NoteBase):
    """A stand-in for the tables other areas add (session notes, plans …): encrypted free
    text and a participant_id."""

    __tablename__ = "crypto_test_notes"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    participant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(Participant.id))
    body: Mapped[str] = mapped_column(EncryptedText("crypto_test_notes.body"))
    heading: Mapped[str | None] = mapped_column(EncryptedText("crypto_test_notes.heading"))
    attachment: Mapped[bytes | None] = mapped_column(EncryptedBytes("crypto_test_notes.attachment"))
    participant: Mapped[Participant] = relationship(Participant)


@pytest.fixture
def notes(app):
    NoteBase.metadata.create_all(db.engine)
    yield
    db.session.rollback()
    NoteBase.metadata.drop_all(db.engine)


def raw(table: str, column: str, row_id) -> bytes:
    with db.engine.connect() as conn:
        return bytes(conn.scalar(text(f"SELECT {column} FROM {table} WHERE id = :id"),
                                 {"id": row_id.hex if db.engine.dialect.name == "sqlite" else row_id}))


def put_raw(model, row_id, **values) -> None:
    """Write stored bytes directly, as an attacker with database access could."""
    values = {key: Sealed(value) for key, value in values.items()}
    with db.engine.begin() as conn:
        conn.execute(update(model.__table__).where(model.__table__.c.id == row_id).values(**values))


def fresh_read(model, row_id):
    """Read a row as a new request would: new session, empty key cache."""
    db.session.remove()
    keyring._cache().clear()
    keyring._cache().update({"by_id": {}, "current": {}, "preloaded": set()})
    return db.session.get(model, row_id)


def test_values_round_trip_and_are_sealed_in_the_database(app, factory):
    person = factory.participant(given="Ingrid", family="Ødegård")
    db.session.commit()
    blob = raw("participants", "given_name", person.id)
    assert blob[0] == FORMAT_VERSION and b"Ingrid" not in blob
    again = fresh_read(Participant, person.id)
    assert (again.given_name, again.family_name) == ("Ingrid", "Ødegård")
    again.given_name = "Inga"
    db.session.commit()
    assert raw("participants", "given_name", person.id) != blob
    assert fresh_read(Participant, person.id).given_name == "Inga"


def test_each_value_has_a_fresh_nonce(app, factory):
    one, two = factory.participant(given="Same"), factory.participant(given="Same")
    db.session.commit()
    first, second = raw("participants", "given_name", one.id), raw("participants", "given_name", two.id)
    assert first[17:29] != second[17:29] and first != second


def test_tampered_ciphertext_fails_with_a_generic_error(app, factory):
    person = factory.participant(given="Tamperta")
    db.session.commit()
    blob = bytearray(raw("participants", "given_name", person.id))
    blob[-1] ^= 1
    put_raw(Participant, person.id, given_name=bytes(blob))
    with pytest.raises(DecryptionError) as caught:
        fresh_read(Participant, person.id)
    assert str(caught.value) == "An encrypted value could not be decrypted."


def test_a_value_copied_to_another_row_or_column_does_not_decrypt(app, factory):
    one, two = factory.participant(given="Alfa"), factory.participant(given="Beta")
    db.session.commit()
    put_raw(Participant, two.id, given_name=raw("participants", "given_name", one.id))
    with pytest.raises(DecryptionError):
        fresh_read(Participant, two.id)
    put_raw(Participant, one.id, family_name=raw("participants", "given_name", one.id))
    with pytest.raises(DecryptionError):
        fresh_read(Participant, one.id)


def test_a_swapped_or_wrong_data_key_does_not_decrypt(app, factory):
    one, two = factory.participant(given="Gamma"), factory.participant(given="Delta")
    db.session.commit()
    store = keyring.store()
    with store.engine.begin() as conn:
        rows = {r.owner: r for r in conn.execute(select(data_keys))}
        conn.execute(update(data_keys).where(data_keys.c.owner == str(one.id))
                     .values(wrapped=rows[str(two.id)].wrapped))
    with pytest.raises(DecryptionError):
        fresh_read(Participant, one.id)
    assert fresh_read(Participant, two.id).given_name == "Delta"


def test_rows_owned_through_participant_id(app, factory, notes):
    one, two = factory.participant(), factory.participant()
    note = Note(participant=one, body="Snakket om sommerjobb", heading=None)
    db.session.add(note)
    db.session.commit()
    assert b"sommerjobb" not in raw("crypto_test_notes", "body", note.id)
    loaded = fresh_read(Note, note.id)
    assert loaded.body == "Snakket om sommerjobb" and loaded.heading is None
    db.session.commit()  # expires everything: only the changed column is written
    loaded.heading = "Oppfølging"
    db.session.commit()
    assert fresh_read(Note, note.id).heading == "Oppfølging"
    # the same ciphertext under another participant's row does not open
    other = Note(participant=two, body="x")
    db.session.add(other)
    db.session.commit()
    put_raw(Note, other.id, body=raw("crypto_test_notes", "body", note.id))
    with pytest.raises(DecryptionError):
        fresh_read(Note, other.id)


def test_a_row_moved_to_another_participant_is_resealed(app, factory, notes):
    one, two = factory.participant(), factory.participant()
    note = Note(participant=one, body="Flyttet", heading="Overskrift")
    db.session.add(note)
    db.session.commit()
    before = raw("crypto_test_notes", "heading", note.id)
    note.body, note.heading  # loaded
    note.participant = two
    db.session.commit()
    assert raw("crypto_test_notes", "heading", note.id) != before
    note_id, two_id = note.id, two.id
    moved = fresh_read(Note, note_id)
    assert (moved.participant_id, moved.body, moved.heading) == (two_id, "Flyttet", "Overskrift")


def test_binary_content_is_sealed_too(app, factory, notes):
    pdf = b"%PDF-1.7 samtykke signert \x00\xff"
    note = Note(participant=factory.participant(), body="Vedlegg", attachment=pdf)
    db.session.add(note)
    db.session.commit()
    assert note.attachment == pdf
    assert b"samtykke" not in raw("crypto_test_notes", "attachment", note.id)
    assert fresh_read(Note, note.id).attachment == pdf


def test_a_failed_flush_leaves_plain_values_on_new_objects(app, factory):
    from sqlalchemy.exc import IntegrityError

    factory.user(username="dobbel")
    user = User(username="dobbel", display_name="x", password_hash="x", totp_secret="HEMMELIG")
    db.session.add(user)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    assert user.totp_secret == "HEMMELIG"


def test_staff_secrets_use_the_system_key(app, factory):
    user = factory.user()
    blob = raw("users", "totp_secret", user.id)
    assert user.totp_secret.encode() not in blob
    assert fresh_read(User, user.id).totp_secret == user.totp_secret
    with keyring.store().engine.connect() as conn:
        owners = {row.owner for row in conn.execute(select(data_keys))}
    assert "system" in owners


def test_plaintext_cannot_bypass_the_orm(app, factory):
    person = factory.participant()
    db.session.commit()
    with pytest.raises(Exception) as caught:
        with db.engine.begin() as conn:
            conn.execute(update(Participant.__table__).values(given_name="Klartekst"))
    assert isinstance(caught.value, UnsealedValue) or isinstance(caught.value.__cause__, UnsealedValue)
    assert b"Klartekst" not in raw("participants", "given_name", person.id)


def test_a_decryption_failure_shows_a_generic_page(app, factory, client, login):
    unit = factory.unit()
    worker = factory.user(units=[unit])
    case = factory.case(worker, unit, participant=factory.participant(given="Skjultnavn"))
    other = factory.participant(given="Annetnavn")
    db.session.commit()
    put_raw(Participant, case.participant_id,
            given_name=raw("participants", "given_name", other.id))
    login(client, worker)
    page = client.get(f"/cases/{case.id}")
    assert page.status_code == 500
    assert "Beskyttede opplysninger kunne ikke leses" in page.text
    assert "Annetnavn" not in page.text and "Skjultnavn" not in page.text
    assert "Traceback" not in page.text


def test_refuses_to_start_with_a_wrong_or_missing_kek(app, make_app, instance_dir):
    active = keyring.store().active_kek()
    path = key_path(instance_dir, active)
    original = path.read_bytes()
    payload = json.loads(original)
    payload["key"] = "A" * 43 + "="  # another 32-byte key under the same id
    try:
        path.write_text(json.dumps(payload))
        with pytest.raises(ConfigError, match="does not match the key store"):
            make_app()
        path.unlink()
        with pytest.raises(ConfigError, match="missing"):
            make_app()
    finally:
        path.write_bytes(original)
        path.chmod(0o600)
    make_app()


def test_refuses_to_start_without_the_key_store(tmp_path, app_config):
    from caseapp import create_app
    from caseapp.crypto.keys import ensure_keys

    ensure_keys(tmp_path)
    with pytest.raises(ConfigError, match="key store is missing"):
        create_app({**app_config, "CASEAPP_KEYSTORE_URL": None}, instance=tmp_path)


def test_init_never_makes_a_key_store_over_existing_data(tmp_path, app, factory, app_config):
    from caseapp.crypto.keys import ensure_keys
    from caseapp.crypto.keystore import init_keystore

    factory.user()
    ensure_keys(tmp_path)
    with pytest.raises(ConfigError, match="holds data but the key store is missing"):
        init_keystore({"SQLALCHEMY_DATABASE_URI": app_config["SQLALCHEMY_DATABASE_URI"]}, tmp_path)
    assert not list((tmp_path / "keys").glob("kek-*.key"))


def test_kek_verifier_is_stored_not_the_kek(app, instance_dir):
    store = keyring.store()
    with store.engine.connect() as conn:
        verifier = conn.scalar(select(keks.c.verifier).where(keks.c.active.is_(True)))
    material = json.loads(key_path(instance_dir, store.active_kek()).read_text())["key"]
    import base64
    assert base64.b64decode(material) not in verifier
