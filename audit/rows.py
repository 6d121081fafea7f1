"""Reading every event fast, for verification."""
from __future__ import annotations

import json
import queue
import threading
from typing import Any

from sqlalchemy.orm import Session

from audit.chain import CONTENT, ENCODE, EVENTS

# --- reading the events fast -------------------------------------------------------------------
# Verification reads every event, so it bypasses SQLAlchemy's rows and reads plain tuples from
# the driver: (id, prev_hash, hash, *CONTENT), with ``at`` already as canonical() writes it
# (ISO 8601 text with microseconds), the two ids as UUID text and the two JSON columns as the
# driver gives them (decoded and re-encoded by the ``fragments``, once per distinct value).
# ``content`` then builds the same text as ``canonical`` without a dict or list per event
# (tests/audit/test_chain.py compares the two on awkward events, on both databases).

BATCH = 10_000  # rows per fetch (~10 MB of Python objects): one round trip per batch
_COLUMNS = ("id", "prev_hash", "hash", *CONTENT)
_JSON_COLUMNS = ("categories", "details")
_UUID_COLUMNS = ("actor_id", "subject_id")
_CACHE_LIMIT = 4_096  # distinct JSON texts / ids remembered (most repeat: "[]", "{}", actors)


def _postgresql_select(after: int = 0) -> str:
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
            f"WHERE seq > {int(after)} ORDER BY seq, id")


def _plain_select(after: int = 0) -> str:
    return (f"SELECT {', '.join(_COLUMNS)} FROM {EVENTS.name} WHERE seq > {int(after)} "
            "ORDER BY seq, id")


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


def stored_events(session: Session, after: int = 0):
    """The events after position ``after`` in (seq, id) order as (rows, fragments): rows are
    batches of plain tuples
    in ``_COLUMNS`` order, fragments one function per JSON column turning its value into its
    canonical JSON text. Read through the session's own connection and transaction."""
    connection = session.connection()
    dialect = connection.dialect
    dbapi = connection.connection.dbapi_connection
    if dialect.name == "postgresql" and dialect.driver == "psycopg":
        cursor = dbapi.cursor(name="audit_verify")  # server-side: BATCH rows at a time
        cursor.execute(_postgresql_select(after))
        loads = getattr(dialect, "_json_deserializer", None) or json.loads  # what psycopg uses
        fragments = tuple(_cached(lambda text: "null" if text is None else ENCODE(loads(text)))
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
        return _cached(lambda value: ENCODE(process(value)))

    at_index, actor_index, subject_index = (_COLUMNS.index(n) for n in ("at", *_UUID_COLUMNS))
    at_value, actor_text, subject_text = processor("at"), *map(uuid_text, _UUID_COLUMNS)

    def convert(row):
        return (*row[:at_index], at_value(row[at_index]).isoformat(timespec="microseconds"),
                actor_text(row[actor_index]), *row[actor_index + 1:subject_index],
                subject_text(row[subject_index]), *row[subject_index + 1:])

    cursor = dbapi.cursor()
    cursor.execute(_plain_select(after))
    return _Rows(cursor, convert), tuple(map(json_fragment, _JSON_COLUMNS))


_STRING = json.encoder.encode_basestring  # what ENCODE writes for a str (ensure_ascii=False)


def content(row: tuple, fragments) -> str:
    """``canonical`` of a plain row from ``stored_events``, as text (not yet UTF-8)."""
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
