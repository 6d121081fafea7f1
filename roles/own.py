"""The young person's one rule (caseapp/portal, /meg): a signed-in person reaches an object only
when it is about them — their own participant row, or an object whose ``participant_id`` or
whose case (``case.participant_id``) is theirs. Nothing else, whatever the object."""
from __future__ import annotations

import uuid
from typing import Any


def owner_of(obj: Any) -> uuid.UUID | None:
    """The participant an object is about, or None when it names nobody."""
    from caseapp.participants.models import Participant

    if isinstance(obj, Participant):
        return obj.id
    owner = getattr(obj, "participant_id", None)
    if owner is None and getattr(obj, "case", None) is not None:
        owner = getattr(obj.case, "participant_id", None)
    return owner


def is_own(participant_id: uuid.UUID, obj: Any) -> bool:
    """``obj`` is about ``participant_id`` (an object about nobody is nobody's)."""
    return obj is not None and owner_of(obj) == participant_id
