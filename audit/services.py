"""Writing and reading audit events.

``record`` adds the event to the current database transaction, so the event and the action it
describes are committed together or not at all. It never commits by itself, except
``record_now`` for events whose request ends without a commit (a denial, a failed login).
Every event is linked into the hash chain (``audit.chain``) as it is added; ``verify_chain``
and ``write_checkpoint`` check it (``audit.verify``) and sign its head (``audit.checkpoints``).
"""
from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any, Iterable

from flask import g, has_request_context, request
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from audit import actions, chain, checkpoints, verify
from audit.models import PARTICIPANT_ACTOR, AuditEvent
from caseapp.clock import now
from caseapp.extensions import db

ALLOWED = "allowed"
DENIED = "denied"


def _is_young_person(actor) -> bool:
    """A participant acting on their own pages: its class says
    ``audit_actor_roles = PARTICIPANT_ACTOR`` (the audit package imports no other area)."""
    return getattr(actor, "audit_actor_roles", None) == PARTICIPANT_ACTOR


def _actor_fields(actor) -> dict[str, Any]:
    """Staff by id, roles and units; the young person by the mark alone."""
    if _is_young_person(actor):
        return {"actor_roles": PARTICIPANT_ACTOR}
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
    """Add one audit event to the current transaction, linked into the chain, and flush it.

    This locks the chain head until the transaction ends, so audited writers take turns.
    An ``action`` not registered (``audit.actions``) raises ``UnknownAuditAction``.
    ``actor`` may be a ``Participant`` (the young person on their own pages): the event is then
    about them (``subject_id``) and marked ``PARTICIPANT_ACTOR``."""
    actions.check(action)
    if actor == "current":
        actor = current_user if has_request_context() else None
    if _is_young_person(actor):
        if subject_id not in (None, actor.id):
            raise ValueError("a young person acts only on their own data")
        subject_id = actor.id
    event = AuditEvent(
        at=now(), action=action, object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        subject_id=subject_id, categories=sorted(set(categories)), grounds=grounds,
        outcome=outcome, details=details or {},
        **_actor_fields(actor), **_request_fields(),
    )
    return chain.append(session or db.session, event)


def record_now(action: str, **fields: Any) -> AuditEvent:
    """Record and commit at once: for events in requests that will not commit (denials)."""
    event = record(action, **fields)
    db.session.commit()
    return event


def count_events(session: Session) -> int:
    return session.scalar(select(func.count(AuditEvent.id))) or 0


# --- integrity: verification and checkpoints -------------------------------------------------

VERIFY_ACTION = "audit.verify"


def _verify(session: Session, instance_path: str | Path, incremental: bool) -> verify.Verification:
    check = verify.incremental if incremental else verify.full
    path = checkpoints.checkpoint_file(instance_path)
    return check(session, checkpoints.read_checkpoint_file(path))


def verify_chain(session: Session, instance_path: str | Path, actor: Any = None,
                 grounds: str | None = None, incremental: bool = False) -> verify.Verification:
    """Verify the chain against every checkpoint (database and file); record the result.
    ``incremental``: only the events after the last signed checkpoint are re-computed
    (``verify.incremental``: seconds at millions of events).

    ``actor`` is None for the command (``caseapp audit verify``) and the scheduled duties, the
    privacy officer when asked from the workspace."""
    result = _verify(session, instance_path, incremental)
    record(VERIFY_ACTION, actor=actor, object_type="audit_log", grounds=grounds,
           outcome=ALLOWED if result.ok else DENIED, details=result.as_details(), session=session)
    return result


def write_checkpoint(session: Session, instance_path: str | Path,
                     incremental: bool = False) -> verify.Verification:
    """Sign the head of a verified chain; a broken chain is not signed (result.ok is False).
    ``incremental``: verified from the last signed checkpoint (the nightly duty)."""
    result = _verify(session, instance_path, incremental)
    if not result.ok or result.head_seq == 0:
        return result
    head = session.scalars(select(AuditEvent).where(AuditEvent.seq == result.head_seq)).one()
    checkpoint = checkpoints.sign_checkpoint(session, head.seq, head.hash)
    path = checkpoints.checkpoint_file(instance_path)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        handle.write(checkpoints.checkpoint_line(checkpoint) + "\n")
    record("audit.checkpoint", actor=None, details={"seq": head.seq}, session=session)
    result.checkpoint_seq = head.seq
    return result


def last_verification(session: Session) -> AuditEvent | None:
    return session.scalars(select(AuditEvent).where(AuditEvent.action == VERIFY_ACTION)
                           .order_by(AuditEvent.seq.desc()).limit(1)).first()
