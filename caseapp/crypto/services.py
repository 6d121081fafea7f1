"""Key operations as services: crypto-shredding a participant, key status and rotation.

The CLI (``caseapp keys …``) and, later, the privacy officer's erasure decisions call these.
"""
from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

import audit
from caseapp.crypto import keyring
from caseapp.crypto.fields import SPECS
from caseapp.participants.lookup import drop_index
from caseapp.participants.models import Participant

ERASED_CATEGORIES = ("all_personal_data",)


def shred_participant(session: Session, actor, participant_id: uuid.UUID, grounds: str) -> int:
    """Crypto-shred a participant: erase their data key, so every encrypted value of theirs
    is unreadable here and in every earlier copy of the database, and drop their index
    values. The key is erased at once (in the key store); the index and the audit event go
    with the caller's transaction. Safe to repeat. Returns how many data keys were erased."""
    owner = str(participant_id)
    session.flush()
    erased = keyring.store().erase(owner)
    keyring.forget(owner)
    drop_index(session, participant_id)
    for obj in list(session.identity_map.values()):  # nothing opened stays in memory
        spec = SPECS.get(type(obj))
        if spec and spec.owner != "system":
            session.expire(obj)
    audit.record("participant.shred", actor=actor, object_type="participant",
                 object_id=participant_id, subject_id=participant_id,
                 categories=ERASED_CATEGORIES, grounds=grounds)
    return erased


def reindex_participants(session: Session) -> int:
    """Rebuild every participant's blind-index values (after changing the index settings)."""
    from caseapp.participants.lookup import index_entries

    count = 0
    for participant in session.scalars(Participant.__table__.select().with_only_columns(
            Participant.id)).all():
        person = session.get(Participant, participant)
        drop_index(session, person.id)
        if not person.erased:
            session.add_all(index_entries(person))
        count += 1
    session.flush()
    return count
