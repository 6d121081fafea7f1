"""KEK rotation re-wraps every data key while the app keeps reading; it resumes after an
interruption and retires the old KEK only when nothing uses it."""
from __future__ import annotations

import pytest
from sqlalchemy import select, update

from caseapp.cli import cli
from caseapp.crypto import keyring
from caseapp.crypto.keys import key_path
from caseapp.crypto.envelope import DecryptionError
from caseapp.crypto.keystore import data_keys, rotate
from caseapp.extensions import db
from caseapp.participants.models import Participant
from tests.crypto.test_fields import fresh_read


def counts(store) -> dict[str, int]:
    return {row["kek_id"]: row["deks"] for row in store.status()[0] if row["deks"]}


def test_rotation_interrupted_and_resumed(app, factory, instance_dir):
    people = [factory.participant(given=f"Person{i}") for i in range(5)]
    db.session.commit()
    names = {person.id: person.given_name for person in people}
    store = keyring.store()
    old = store.active_kek()
    assert counts(store) == {old: 5}

    new, done, retired = rotate(store, batch=2, stop_after=1)  # interrupted after one batch
    assert new != old and done == 2 and retired == []
    assert counts(store) == {old: 3, new: 2}
    for person_id, name in names.items():  # the app keeps reading under both KEKs
        assert fresh_read(Participant, person_id).given_name == name
    late = factory.participant(given="Late")  # new data keys are wrapped by the new KEK
    db.session.commit()
    names[late.id] = "Late"
    assert counts(store) == {old: 3, new: 3}

    again, done, retired = rotate(store, batch=2)  # resumes: no third KEK
    assert again == new and done == 3 and retired == [old]
    assert counts(store) == {new: 6}
    assert not key_path(instance_dir, old).exists()
    for person_id, name in names.items():
        assert fresh_read(Participant, person_id).given_name == name
    assert rotate(store, to=new) == (new, 0, [])  # idempotent when asked for the same KEK


def test_a_data_key_under_a_retired_kek_does_not_open(app, factory):
    person = factory.participant(given="Gammel")
    db.session.commit()
    person_id, store = person.id, keyring.store()
    with store.engine.connect() as conn:  # as in a key-store backup from before the rotation
        before = conn.execute(select(data_keys).where(data_keys.c.owner == str(person_id))).one()
    rotate(store)
    with store.engine.begin() as conn:
        conn.execute(update(data_keys).where(data_keys.c.id == before.id)
                     .values(kek_id=before.kek_id, wrapped=before.wrapped))
    with pytest.raises(DecryptionError):
        fresh_read(Participant, person_id)


def test_rotate_and_status_from_the_cli(app, factory):
    factory.participant()
    factory.user()
    db.session.commit()
    runner = app.test_cli_runner()
    before = runner.invoke(cli, ["keys", "status"])
    assert before.exit_code == 0 and "active   wraps 2 data keys" in before.output
    old = keyring.store().active_kek()
    result = runner.invoke(cli, ["keys", "rotate"])
    assert result.exit_code == 0, result.output
    assert "re-wrapped 2 data keys" in result.output and f"Retired {old}" in result.output
    after = runner.invoke(cli, ["keys", "status"]).output
    assert f"{old:<20} retired  wraps 0 data keys" in after
    assert "active   wraps 2 data keys" in after
