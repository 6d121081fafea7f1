"""Writing and reading audit events.

``record`` adds the event to the current database transaction, so the event and the action it
describes are committed together or not at all. It never commits by itself, except
``record_now`` for events whose request ends without a commit (a denial, a failed login).
"""
from __future__ import annotations

import uuid
from typing import Any, Iterable

from flask import g, has_request_context, request
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from audit.models import AuditEvent
from caseapp.clock import now
from caseapp.extensions import db

ALLOWED = "allowed"
DENIED = "denied"


def _actor_fields(actor) -> dict[str, Any]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return {}
    return {
        "actor_id": actor.id,
        "actor_roles": ",".join(sorted(actor.role_set)),
        "actor_units": "; ".join(sorted(u.display_name for u in actor.units))[:1000],
    }


def _request_fields() -> dict[str, Any]:
    if not has_request_context():
        return {}
    return {
        "request_id": g.get("request_id"),
        "ip": request.remote_addr,
        "user_agent": (request.user_agent.string or "")[:300],
    }


def record(action: str, *, actor: Any = "current", object_type: str | None = None,
           object_id: Any = None, subject_id: uuid.UUID | None = None,
           categories: Iterable[str] = (), grounds: str | None = None,
           outcome: str = ALLOWED, details: dict[str, Any] | None = None,
           session: Session | None = None) -> AuditEvent:
    """Add one audit event to the current transaction and flush it."""
    if actor == "current":
        actor = current_user if has_request_context() else None
    event = AuditEvent(
        at=now(), action=action, object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        subject_id=subject_id, categories=sorted(set(categories)), grounds=grounds,
        outcome=outcome, details=details or {},
        **_actor_fields(actor), **_request_fields(),
    )
    session = session or db.session
    session.add(event)
    session.flush()
    return event


def record_now(action: str, **fields: Any) -> AuditEvent:
    """Record and commit at once: for events in requests that will not commit (denials)."""
    event = record(action, **fields)
    db.session.commit()
    return event


def recent_events(session: Session, limit: int = 50, offset: int = 0) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit).offset(offset)
    return list(session.scalars(query))


def count_events(session: Session) -> int:
    return session.scalar(select(func.count(AuditEvent.id))) or 0
