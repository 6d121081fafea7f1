"""The audit log's hash chain, its signed checkpoints and their verification.

Each event carries ``seq`` (its position), ``prev_hash`` and
``hash = HMAC-SHA256(audit key, prev_hash "\\n" canonical content)``; the content includes
``seq``, so a changed, deleted, inserted or reordered row breaks the chain at that row. The
HMAC key and the Ed25519 checkpoint key live in the instance folder, never in the database.

Writers are serialised on one row (``audit_chain_head``): PostgreSQL locks it with
``SELECT … FOR UPDATE``; SQLite has one writer at a time, and the app begins its request
transactions with ``BEGIN IMMEDIATE`` (``caseapp._sqlite_begin``) so the head read is never stale.
"""
from __future__ import annotations

import base64
import hmac
import json
import queue
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable, Mapping

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from audit.models import AuditEvent, ChainHead, Checkpoint
from caseapp.clock import now
from caseapp.crypto.keys import EXTENSION_KEY

GENESIS = "0" * 64
HEAD_ID = 1
CONTENT = ("seq", "at", "actor_id", "actor_roles", "actor_units", "action", "object_type",
           "object_id", "subject_id", "categories", "grounds", "outcome", "request_id", "ip",
           "user_agent", "details")
EVENTS = AuditEvent.__table__
HEAD = ChainHead.__table__


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="microseconds")
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


_AT, _ACTOR, _SUBJECT = CONTENT.index("at"), CONTENT.index("actor_id"), CONTENT.index("subject_id")
_ENCODE = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                           default=str).encode


def canonical(row: Mapping[str, Any]) -> bytes:
    """The event's content as stable bytes: a JSON array of the CONTENT fields in their order
    (time as ISO 8601 with microseconds, ids as UUID text, dict keys sorted), UTF-8."""
    values = [row[name] for name in CONTENT]
    values[_AT] = values[_AT].isoformat(timespec="microseconds")
    for index in (_ACTOR, _SUBJECT):
        if values[index] is not None:
            values[index] = str(values[index])
    return _ENCODE(values).encode("utf-8")


def link(key: bytes, prev_hash: str, content: bytes) -> str:
    return hmac.digest(key, prev_hash.encode("ascii") + b"\n" + content, "sha256").hex()


def _key(name: str):
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
    event.hash = link(_key("audit").material, prev_hash, content)
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
    key = _key("audit").material
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


# --- checkpoints ------------------------------------------------------------------------------

def _checkpoint_message(seq: int, hash_: str, at: str) -> bytes:
    return json.dumps({"seq": seq, "hash": hash_, "at": at}, sort_keys=True,
                      separators=(",", ":")).encode("ascii")


def _signing_key() -> tuple[str, Ed25519PrivateKey]:
    key = _key("audit_signing")
    return key.id, Ed25519PrivateKey.from_private_bytes(key.material)


def sign_checkpoint(session: Session, seq: int, hash_: str) -> Checkpoint:
    """Store a signed checkpoint of position ``seq`` with hash ``hash_``."""
    key_id, private = _signing_key()
    at = now()
    signature = private.sign(_checkpoint_message(seq, hash_, _plain(at)))
    checkpoint = Checkpoint(at=at, seq=seq, hash=hash_, key_id=key_id,
                            signature=base64.b64encode(signature).decode("ascii"))
    session.add(checkpoint)
    session.flush()
    return checkpoint


def checkpoint_line(checkpoint: Checkpoint) -> str:
    """The checkpoint as one JSON line, for the copy kept outside the database."""
    return json.dumps({"seq": checkpoint.seq, "hash": checkpoint.hash, "at": _plain(checkpoint.at),
                       "key_id": checkpoint.key_id, "signature": checkpoint.signature},
                      sort_keys=True)


def read_checkpoint_file(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _signature_ok(entry: Mapping[str, Any]) -> bool:
    key_id, private = _signing_key()
    if entry["key_id"] != key_id:
        return False
    try:
        private.public_key().verify(base64.b64decode(entry["signature"]),
                                    _checkpoint_message(entry["seq"], entry["hash"], entry["at"]))
    except (InvalidSignature, ValueError):
        return False
    return True


# --- verification ----------------------------------------------------------------------------

@dataclass
class Verification:
    ok: bool
    events: int = 0
    head_seq: int = 0
    checkpoint_seq: int | None = None
    problem: str | None = None  # a code, see PROBLEMS
    bad_seq: int | None = None  # the first bad event's position …
    bad_id: int | None = None  # … and row id (None when the event is missing)
    checkpoints: int = 0

    def as_details(self) -> dict[str, Any]:
        return {"ok": self.ok, "events": self.events, "head_seq": self.head_seq,
                "checkpoint_seq": self.checkpoint_seq, "problem": self.problem,
                "bad_seq": self.bad_seq, "bad_id": self.bad_id}


PROBLEMS = {
    "changed": "its content or hash does not match the chain (changed or forged)",
    "missing": "the event at this position is missing (deleted)",
    "out_of_order": "an event is out of place (inserted, duplicated or reordered)",
    "broken_link": "its link to the previous event does not match (inserted or reordered)",
    "head_mismatch": "the chain head does not match the last event",
    "checkpoint_mismatch": "the event does not match the signed checkpoint at this position",
    "checkpoint_beyond_head": "a signed checkpoint names a position the chain no longer reaches "
                              "(events removed from the end)",
    "checkpoint_signature": "a checkpoint's signature is not valid",
}


def verify(session: Session, extra_checkpoints: Iterable[Mapping[str, Any]] = ()) -> Verification:
    """Re-compute the whole chain; stop at the first bad event."""
    key = _key("audit").material
    stored = [{"seq": c.seq, "hash": c.hash, "at": _plain(c.at), "key_id": c.key_id,
               "signature": c.signature} for c in session.scalars(select(Checkpoint))]
    checkpoints: dict[int, str] = {}
    for entry in [*stored, *extra_checkpoints]:
        if not _signature_ok(entry):
            return Verification(False, problem="checkpoint_signature", bad_seq=entry["seq"])
        checkpoints[entry["seq"]] = entry["hash"]
    result = Verification(True, checkpoints=len(checkpoints),
                          checkpoint_seq=max(checkpoints) if checkpoints else None)
    head = session.execute(select(HEAD.c.seq, HEAD.c.hash).where(HEAD.c.id == HEAD_ID)).one_or_none()
    rows, fragments = _stored_events(session)
    try:
        return _walk(rows, key, fragments, checkpoints, head, result)
    finally:
        rows.close()  # a server-side cursor on PostgreSQL, also when stopped early


# --- reading the events fast -------------------------------------------------------------------
# Verification reads every event, so it bypasses SQLAlchemy's rows and reads plain tuples from
# the driver: (id, prev_hash, hash, *CONTENT), with ``at`` already as canonical() writes it
# (ISO 8601 text with microseconds), the two ids as UUID text and the two JSON columns as the
# driver gives them (decoded and re-encoded by the ``fragments``, once per distinct value).
# ``_content`` then builds the same text as ``canonical`` without a dict or list per event
# (tests/audit/test_chain.py compares the two on awkward events, on both databases).

BATCH = 10_000  # rows per fetch (~10 MB of Python objects): one round trip per batch
_COLUMNS = ("id", "prev_hash", "hash", *CONTENT)
_JSON_COLUMNS = ("categories", "details")
_UUID_COLUMNS = ("actor_id", "subject_id")
_CACHE_LIMIT = 4_096  # distinct JSON texts / ids remembered (most repeat: "[]", "{}", actors)


def _postgresql_select() -> str:
    """PostgreSQL renders the time, ids and JSON as text: psycopg's Python loaders for
    timestamps, UUIDs and JSON cost more than the hashing. to_char gives exactly
    ``datetime.isoformat(timespec="microseconds")`` for a timestamp without time zone, and
    ``uuid::text`` exactly ``str(uuid.UUID)``."""
    def column(name: str) -> str:
        if name == "at":
            return """to_char(at, 'YYYY-MM-DD"T"HH24:MI:SS.US')"""
        if name in _UUID_COLUMNS or name in _JSON_COLUMNS:
            return f"{name}::text"
        return name
    return (f"SELECT {', '.join(column(n) for n in _COLUMNS)} FROM {EVENTS.name} "
            "ORDER BY seq, id")


_PLAIN_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM {EVENTS.name} ORDER BY seq, id"


class _Rows:
    """Batches of plain tuples from a driver cursor; ``close`` ends the cursor, also early.

    With ``ahead`` a thread fetches the next batch while the caller hashes this one: on
    PostgreSQL the server's work and the network wait (psycopg releases the GIL there) then
    overlap the hashing instead of adding to it. Only the thread touches the cursor until
    ``close`` has stopped it; at most three batches are in memory."""

    def __init__(self, cursor, convert=None, ahead: bool = False):
        self.cursor, self.convert, self.ahead = cursor, convert, ahead
        self._stop = threading.Event()
        self._ready: queue.Queue = queue.Queue(maxsize=1)
        self._thread: threading.Thread | None = None

    def _batches(self):
        fetch, convert = self.cursor.fetchmany, self.convert
        while batch := fetch(BATCH):
            yield batch if convert is None else [convert(row) for row in batch]

    def __iter__(self):
        if not self.ahead:
            yield from self._batches()
            return
        self._thread = threading.Thread(target=self._fetch_ahead, name="audit-verify-fetch",
                                        daemon=True)
        self._thread.start()
        while (batch := self._ready.get()) is not None:
            if isinstance(batch, BaseException):
                raise batch
            yield batch

    def _fetch_ahead(self) -> None:
        try:
            for batch in self._batches():
                if self._stop.is_set():
                    return
                self._ready.put(batch)
            self._ready.put(None)
        except BaseException as exc:  # handed to the reader, which raises it
            self._ready.put(exc)

    def close(self) -> None:
        if self._thread is not None:
            self._stop.set()
            while self._thread.is_alive():  # free a put() waiting for room, then let it end
                try:
                    self._ready.get(timeout=0.05)
                except queue.Empty:
                    pass
        self.cursor.close()


def _cached(function, limit: int = _CACHE_LIMIT):
    """``function`` of a column value (text, a number or None, as drivers give them),
    remembered for up to ``limit`` texts."""
    cache: dict[str, Any] = {}
    lookup = cache.get

    def cached(value):
        result = lookup(value, cache)  # the cache itself: "not there"
        if result is cache:
            result = function(value)
            if len(cache) < limit and isinstance(value, str):
                cache[value] = result
        return result
    return cached


def _stored_events(session: Session):
    """The events in (seq, id) order as (rows, fragments): rows are batches of plain tuples
    in ``_COLUMNS`` order, fragments one function per JSON column turning its value into its
    canonical JSON text. Read through the session's own connection and transaction."""
    connection = session.connection()
    dialect = connection.dialect
    dbapi = connection.connection.dbapi_connection
    if dialect.name == "postgresql" and dialect.driver == "psycopg":
        cursor = dbapi.cursor(name="audit_verify")  # server-side: BATCH rows at a time
        cursor.execute(_postgresql_select())
        loads = getattr(dialect, "_json_deserializer", None) or json.loads  # what psycopg uses
        fragments = tuple(_cached(lambda text: "null" if text is None else _ENCODE(loads(text)))
                          for _ in _JSON_COLUMNS)
        return _Rows(cursor, ahead=True), fragments
    # Any other driver (SQLite): its raw values through SQLAlchemy's own result processors,
    # so the values are exactly those the ORM would give, then converted as canonical() does.
    def processor(name: str):
        found = EVENTS.c[name].type.dialect_impl(dialect).result_processor(dialect, None)
        return found or (lambda value: value)

    def uuid_text(name: str):
        process = processor(name)
        return _cached(lambda value: None if value is None else str(process(value)))

    def json_fragment(name: str):
        process = processor(name)
        return _cached(lambda value: _ENCODE(process(value)))

    at_index, actor_index, subject_index = (_COLUMNS.index(n) for n in ("at", *_UUID_COLUMNS))
    at_value, actor_text, subject_text = processor("at"), *map(uuid_text, _UUID_COLUMNS)

    def convert(row):
        return (*row[:at_index], at_value(row[at_index]).isoformat(timespec="microseconds"),
                actor_text(row[actor_index]), *row[actor_index + 1:subject_index],
                subject_text(row[subject_index]), *row[subject_index + 1:])

    cursor = dbapi.cursor()
    cursor.execute(_PLAIN_SELECT)
    return _Rows(cursor, convert), tuple(map(json_fragment, _JSON_COLUMNS))


_STRING = json.encoder.encode_basestring  # what _ENCODE writes for a str (ensure_ascii=False)


def _content(row: tuple, fragments) -> str:
    """``canonical`` of a plain row from ``_stored_events``, as text (not yet UTF-8)."""
    (_id, _prev, _hash, seq, at, actor_id, actor_roles, actor_units, action, object_type,
     object_id, subject_id, categories, grounds, outcome, request_id, ip, user_agent,
     details) = row
    s = _STRING
    return (f"[{seq},{s(at)},"
            f"{'null' if actor_id is None else s(actor_id)},"
            f"{'null' if actor_roles is None else s(actor_roles)},"
            f"{'null' if actor_units is None else s(actor_units)},"
            f"{'null' if action is None else s(action)},"
            f"{'null' if object_type is None else s(object_type)},"
            f"{'null' if object_id is None else s(object_id)},"
            f"{'null' if subject_id is None else s(subject_id)},"
            f"{fragments[0](categories)},"
            f"{'null' if grounds is None else s(grounds)},"
            f"{'null' if outcome is None else s(outcome)},"
            f"{'null' if request_id is None else s(request_id)},"
            f"{'null' if ip is None else s(ip)},"
            f"{'null' if user_agent is None else s(user_agent)},"
            f"{fragments[1](details)}]")


def _walk(rows, key: bytes, fragments, checkpoints: dict[int, str], head,
          result: Verification) -> Verification:
    prev_seq, prev_hash, hash_at_head, events = 0, GENESIS, None, 0
    head_seq = None if head is None else head.seq
    keyed = hmac.new(key, digestmod="sha256")  # the key's pads once; a copy per event

    def bad(problem: str, seq: int | None, row_id: int | None = None) -> Verification:
        result.ok, result.problem, result.bad_seq, result.bad_id = False, problem, seq, row_id
        result.events = events
        return result

    for batch in rows:
        for row in batch:
            row_id, row_prev, row_hash, seq = row[0], row[1], row[2], row[3]
            if seq > prev_seq + 1:
                return bad("missing", prev_seq + 1)
            if seq != prev_seq + 1:
                return bad("out_of_order", seq, row_id)
            mac = keyed.copy()
            mac.update(f"{row_prev}\n{_content(row, fragments)}".encode())
            if mac.hexdigest() != row_hash:
                return bad("changed", seq, row_id)
            if row_prev != prev_hash:
                return bad("broken_link", seq, row_id)
            if seq in checkpoints and checkpoints[seq] != row_hash:
                return bad("checkpoint_mismatch", seq, row_id)
            if seq == head_seq:
                hash_at_head = row_hash
            prev_seq, prev_hash = seq, row_hash
            events += 1
    result.events, result.head_seq = events, prev_seq
    beyond = [s for s in checkpoints if s > prev_seq]
    if beyond:
        return bad("checkpoint_beyond_head", min(beyond))
    if head is None:
        return bad("head_mismatch", prev_seq) if prev_seq else result
    if head.seq > prev_seq or (head.seq and hash_at_head != head.hash):
        return bad("head_mismatch", head.seq)
    return result


def describe(result: Verification) -> str:
    """One line for the operator: the verdict and, if bad, the first bad event."""
    if result.ok:
        cp = (f", last signed checkpoint at position {result.checkpoint_seq}"
              if result.checkpoint_seq else ", no signed checkpoint yet")
        return f"The audit chain is intact: {result.events} events{cp}."
    where = f"event at position {result.bad_seq}"
    if result.bad_id is not None:
        where += f" (row id {result.bad_id})"
    return f"The audit chain is BROKEN at the {where}: {PROBLEMS[result.problem]}."


# --- start-up check of the keys -----------------------------------------------------------------

def key_problem(connection) -> str | None:
    """Does the audit key reproduce the first and the last event's hash, and does the signing
    key verify the last checkpoint? A message for the operator, or None (also when there is
    nothing to check). Only when both events fail is it the key: one changed event is for
    `caseapp audit verify` to find, so the app still starts. Needs an app context (the keys)."""
    columns = [EVENTS.c.prev_hash, EVENTS.c.hash, *(EVENTS.c[n] for n in CONTENT)]
    ends = [connection.execute(select(*columns).order_by(order).limit(1)).mappings().one_or_none()
            for order in (EVENTS.c.seq, EVENTS.c.seq.desc())]
    key = _key("audit").material
    if ends[0] is not None and all(row["hash"] != link(key, row["prev_hash"], canonical(row))
                                   for row in ends):
        return ("The audit key does not match the audit log (the first and the last event's "
                "hashes differ). Restore the right audit.key from the key backup.")
    checkpoint = connection.execute(select(Checkpoint.__table__).order_by(
        Checkpoint.__table__.c.seq.desc()).limit(1)).mappings().one_or_none()
    if checkpoint is not None and not _signature_ok(
            {**checkpoint, "at": _plain(checkpoint["at"])}):
        return ("The audit signing key does not verify the last audit checkpoint. "
                "Restore the right audit_signing.key from the key backup.")
    return None
