"""Verifying the chain: re-compute every event's hash (or those after the last signed
checkpoint) and check the signed checkpoints; the start-up check of the keys."""
from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from audit.chain import CONTENT, EVENTS, GENESIS, HEAD, HEAD_ID, canonical, instance_key, link, plain
from audit.checkpoints import signature_ok
from audit.models import Checkpoint
from audit.rows import content, stored_events

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
    from_seq: int = 0  # an incremental check: the signed checkpoint it started from

    def as_details(self) -> dict[str, Any]:
        return {"ok": self.ok, "events": self.events, "head_seq": self.head_seq,
                "checkpoint_seq": self.checkpoint_seq, "problem": self.problem,
                "bad_seq": self.bad_seq, "bad_id": self.bad_id, "from_seq": self.from_seq}


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


def _signed_checkpoints(session: Session, extra: Iterable[Mapping[str, Any]]
                        ) -> dict[int, str] | Verification:
    """Every checkpoint (database and ``extra``) as {seq: hash}, or the failed Verification
    of the first whose signature is not valid."""
    stored = [{"seq": c.seq, "hash": c.hash, "at": plain(c.at), "key_id": c.key_id,
               "signature": c.signature} for c in session.scalars(select(Checkpoint))]
    checkpoints: dict[int, str] = {}
    for entry in [*stored, *extra]:
        if not signature_ok(entry):
            return Verification(False, problem="checkpoint_signature", bad_seq=entry["seq"])
        checkpoints[entry["seq"]] = entry["hash"]
    return checkpoints


def _head(session: Session):
    return session.execute(select(HEAD.c.seq, HEAD.c.hash).where(HEAD.c.id == HEAD_ID)).one_or_none()


def full(session: Session, extra_checkpoints: Iterable[Mapping[str, Any]] = ()) -> Verification:
    """Re-compute the whole chain; stop at the first bad event."""
    key = instance_key("audit").material
    checkpoints = _signed_checkpoints(session, extra_checkpoints)
    if isinstance(checkpoints, Verification):
        return checkpoints
    result = Verification(True, checkpoints=len(checkpoints),
                          checkpoint_seq=max(checkpoints) if checkpoints else None)
    rows, fragments = stored_events(session)
    try:
        return _walk(rows, key, fragments, checkpoints, _head(session), result)
    finally:
        rows.close()  # a server-side cursor on PostgreSQL, also when stopped early


def incremental(session: Session,
                       extra_checkpoints: Iterable[Mapping[str, Any]] = ()) -> Verification:
    """Re-compute the chain from the last signed checkpoint only: the events before it were
    verified when it was signed (``caseapp audit checkpoint`` and the nightly duty sign only a
    verified chain). Every signed position must still hold its signed hash, the checkpoint's
    own event must still match its content, and every later event is re-computed as in
    ``full``. Its cost grows with the events since the checkpoint, not with the log; a full
    ``full`` (a background job) still checks the older events' content. Without a
    checkpoint it is the full check."""
    checkpoints = _signed_checkpoints(session, extra_checkpoints)
    if isinstance(checkpoints, Verification):
        return checkpoints
    if not checkpoints:
        return full(session)
    key = instance_key("audit").material
    start = max(checkpoints)
    result = Verification(True, checkpoints=len(checkpoints), checkpoint_seq=start, from_seq=start)

    def bad(problem: str, seq: int, row_id: int | None = None) -> Verification:
        result.ok, result.problem, result.bad_seq, result.bad_id = False, problem, seq, row_id
        return result

    last = session.scalar(select(func.max(EVENTS.c.seq))) or 0
    signed = session.execute(select(EVENTS.c.seq, EVENTS.c.hash, EVENTS.c.id)
                             .where(EVENTS.c.seq.in_(list(checkpoints)))).all()
    held: dict[int, list] = {}
    for seq, hash_, row_id in signed:
        held.setdefault(seq, []).append((hash_, row_id))
    for seq in sorted(checkpoints):
        if seq > last:
            return bad("checkpoint_beyond_head", seq)
        if seq not in held:
            return bad("missing", seq)
        if len(held[seq]) > 1:
            return bad("out_of_order", seq, held[seq][1][1])
        if held[seq][0][0] != checkpoints[seq]:
            return bad("checkpoint_mismatch", seq, held[seq][0][1])
    anchor = session.execute(select(EVENTS.c.id, EVENTS.c.prev_hash, EVENTS.c.hash,
                                    *(EVENTS.c[name] for name in CONTENT))
                             .where(EVENTS.c.seq == start)).mappings().one()
    if link(key, anchor["prev_hash"], canonical(anchor)) != anchor["hash"]:
        return bad("changed", start, anchor["id"])
    rows, fragments = stored_events(session, after=start)
    try:
        return _walk(rows, key, fragments, checkpoints, _head(session), result,
                     start=(start, checkpoints[start]))
    finally:
        rows.close()


def _walk(rows, key: bytes, fragments, checkpoints: dict[int, str], head,
          result: Verification, start: tuple[int, str] = (0, GENESIS)) -> Verification:
    prev_seq, prev_hash = start
    events = 0
    head_seq = None if head is None else head.seq
    hash_at_head = prev_hash if prev_seq and head_seq == prev_seq else None
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
            mac.update(f"{row_prev}\n{content(row, fragments)}".encode())
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
    if result.ok and result.from_seq:
        return (f"The audit chain is intact: {result.events} events after the signed "
                f"checkpoint at position {result.from_seq} re-computed (incremental check).")
    if result.ok:
        cp = (f", last signed checkpoint at position {result.checkpoint_seq}"
              if result.checkpoint_seq else ", no signed checkpoint yet")
        return f"The audit chain is intact: {result.events} events{cp}."
    where = f"event at position {result.bad_seq}"
    if result.bad_id is not None:
        where += f" (row id {result.bad_id})"
    return f"The audit chain is BROKEN at the {where}: {PROBLEMS[result.problem]}."


def key_problem(connection) -> str | None:
    """Does the audit key reproduce the first and the last event's hash, and does the signing
    key verify the last checkpoint? A message for the operator, or None (also when there is
    nothing to check). Only when both events fail is it the key: one changed event is for
    `caseapp audit verify` to find, so the app still starts. Needs an app context (the keys)."""
    columns = [EVENTS.c.prev_hash, EVENTS.c.hash, *(EVENTS.c[n] for n in CONTENT)]
    ends = [connection.execute(select(*columns).order_by(order).limit(1)).mappings().one_or_none()
            for order in (EVENTS.c.seq, EVENTS.c.seq.desc())]
    key = instance_key("audit").material
    if ends[0] is not None and all(row["hash"] != link(key, row["prev_hash"], canonical(row))
                                   for row in ends):
        return ("The audit key does not match the audit log (the first and the last event's "
                "hashes differ). Restore the right audit.key from the key backup.")
    checkpoint = connection.execute(select(Checkpoint.__table__).order_by(
        Checkpoint.__table__.c.seq.desc()).limit(1)).mappings().one_or_none()
    if checkpoint is not None and not signature_ok(
            {**checkpoint, "at": plain(checkpoint["at"])}):
        return ("The audit signing key does not verify the last audit checkpoint. "
                "Restore the right audit_signing.key from the key backup.")
    return None
