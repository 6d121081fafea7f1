"""The audit log's hash chain: each event linked to the one before it as it is added.

Each event carries ``seq`` (its position), ``prev_hash`` and
``hash = HMAC-SHA256(audit key, prev_hash "\\n" canonical content)``; the content includes
``seq``, so a changed, deleted, inserted or reordered row breaks the chain at that row. The
HMAC key and the Ed25519 checkpoint key (``audit.checkpoints``) live in the instance folder,
never in the database; ``audit.verify`` re-computes the chain.

Writers are serialised on one row (``audit_chain_head``): PostgreSQL locks it with
``SELECT … FOR UPDATE``; SQLite has one writer at a time, and the app begins its request
transactions with ``BEGIN IMMEDIATE`` (``caseapp._sqlite_begin``) so the head read is never stale.
"""
from __future__ import annotations

import hmac
import json
import uuid
from datetime import datetime
from typing import Any, Mapping

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from audit.models import AuditEvent, ChainHead
from caseapp.crypto.keys import EXTENSION_KEY

GENESIS = "0" * 64
HEAD_ID = 1
CONTENT = ("seq", "at", "actor_id", "actor_roles", "actor_units", "action", "object_type",
           "object_id", "subject_id", "categories", "grounds", "outcome", "request_id", "ip",
           "user_agent", "details")
EVENTS = AuditEvent.__table__
HEAD = ChainHead.__table__


def plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="microseconds")
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


_AT, _ACTOR, _SUBJECT = CONTENT.index("at"), CONTENT.index("actor_id"), CONTENT.index("subject_id")
ENCODE = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                           default=str).encode


def canonical(row: Mapping[str, Any]) -> bytes:
    """The event's content as stable bytes: a JSON array of the CONTENT fields in their order
    (time as ISO 8601 with microseconds, ids as UUID text, dict keys sorted), UTF-8."""
    values = [row[name] for name in CONTENT]
    values[_AT] = values[_AT].isoformat(timespec="microseconds")
    for index in (_ACTOR, _SUBJECT):
        if values[index] is not None:
            values[index] = str(values[index])
    return ENCODE(values).encode("utf-8")


def link(key: bytes, prev_hash: str, content: bytes) -> str:
    return hmac.digest(key, prev_hash.encode("ascii") + b"\n" + content, "sha256").hex()


def instance_key(name: str):
    return current_app.extensions[EXTENSION_KEY][name]


def _lock_head(session: Session) -> tuple[int, str]:
    """Lock the chain head for this transaction and return (seq, hash)."""
    query = select(HEAD.c.seq, HEAD.c.hash).where(HEAD.c.id == HEAD_ID).with_for_update()
    row = session.execute(query).one_or_none()
    if row is None:  # first event ever, or the row was emptied: continue from the last event
        last = session.execute(select(EVENTS.c.seq, EVENTS.c.hash)
                               .order_by(EVENTS.c.seq.desc()).limit(1)).one_or_none()
        dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
        session.execute(dialect.insert(HEAD).values(
            id=HEAD_ID, seq=last.seq if last else 0, hash=last.hash if last else GENESIS)
            .on_conflict_do_nothing())
        row = session.execute(query).one()
    return row.seq, row.hash


def append(session: Session, event: AuditEvent) -> AuditEvent:
    """Give ``event`` the next position and hash, add it and move the head, in one transaction."""
    seq, prev_hash = _lock_head(session)
    event.seq = seq + 1
    event.prev_hash = prev_hash
    event.categories = list(event.categories or [])
    event.details = json.loads(json.dumps(event.details or {}, default=str))
    content = canonical({name: getattr(event, name) for name in CONTENT})
    event.hash = link(instance_key("audit").material, prev_hash, content)
    session.add(event)
    session.flush()
    session.execute(update(HEAD).where(HEAD.c.id == HEAD_ID)
                    .values(seq=event.seq, hash=event.hash))
    return event


def append_many(session: Session, events: list[AuditEvent]) -> list[AuditEvent]:
    """``append`` for a batch (bulk loads such as ``caseapp bench-data``): the same positions,
    links and rows as appending one by one, with one head lock, one flush and one head update."""
    if not events:
        return events
    seq, prev_hash = _lock_head(session)
    key = instance_key("audit").material
    for event in events:
        seq += 1
        event.seq, event.prev_hash = seq, prev_hash
        event.outcome = event.outcome or "allowed"
        event.categories = list(event.categories or [])
        event.details = json.loads(json.dumps(event.details or {}, default=str))
        event.hash = prev_hash = link(key, prev_hash, canonical(
            {name: getattr(event, name) for name in CONTENT}))
    session.add_all(events)
    session.flush()
    session.execute(update(HEAD).where(HEAD.c.id == HEAD_ID).values(seq=seq, hash=prev_hash))
    return events
