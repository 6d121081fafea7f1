"""What the two sides of a handover may see of the case.

The sender of a cross-organisation handover may read the case for the configured days
(``sender_read_until``); a receiver without the full history does not see the sessions from
before the handover.
"""
from __future__ import annotations

from datetime import datetime


def sender_may_read(case, user, at: datetime) -> bool:
    """``user`` handed ``case`` to another organisation and may still read it at ``at``."""
    return any(h.from_worker_id == user.id and h.sender_read_until and h.sender_read_until > at
               for h in case.handovers)


def hidden_before(case, viewer) -> datetime | None:
    """For a receiver without the full history: sessions before this time are not shown."""
    for handover in reversed(case.handovers):
        if handover.to_worker_id == viewer.id and not handover.history_shared:
            return handover.created_at
    return None


def session_shared(contact, viewer) -> bool:
    """Whether ``viewer`` may see the session ``contact`` of a case handed to them: not when it
    is from before a cross-organisation handover that did not carry the history."""
    hidden = hidden_before(contact.case, viewer)
    return hidden is None or contact.created_at > hidden
