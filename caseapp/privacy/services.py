"""What the privacy officer's pages look up: the choices of the log search, the users behind
events, a participant by the id in the URL."""
from __future__ import annotations

import uuid
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from audit.models import AuditEvent
from caseapp.accounts.models import User
from caseapp.participants.models import Participant
from caseapp.privacy.workspace import distinct_values


def search_choices(session: Session) -> tuple[list[User], list[str], list[str]]:
    """Everyone who can be searched for (by username), and the actions and grounds in the log."""
    users = list(session.scalars(select(User).order_by(User.username)))
    return (users, distinct_values(session, AuditEvent.action),
            distinct_values(session, AuditEvent.grounds))


def actors(session: Session, events: Iterable[AuditEvent]) -> dict[uuid.UUID, User]:
    """The users who did ``events``, by id (none asked for when there are no events)."""
    ids = {e.actor_id for e in events if e.actor_id}
    if not ids:
        return {}
    return {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)))}


def participant(session: Session, participant_id: uuid.UUID) -> Participant | None:
    """The participant with this id (a ``<uuid:…>`` URL argument), or None."""
    return session.get(Participant, participant_id)
