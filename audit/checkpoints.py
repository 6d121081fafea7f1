"""Signed checkpoints: "the chain had this hash at this position" (Ed25519), stored in the
database and, one JSON line each, in a file in the instance folder."""
from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any, Mapping

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.orm import Session

from audit.chain import instance_key, plain
from audit.models import Checkpoint
from caseapp.clock import now


def checkpoint_file(instance_path: str | Path) -> Path:
    """The copy of every signed checkpoint kept outside the database (one JSON line each)."""
    return Path(instance_path) / "audit-checkpoints.jsonl"


def _checkpoint_message(seq: int, hash_: str, at: str) -> bytes:
    return json.dumps({"seq": seq, "hash": hash_, "at": at}, sort_keys=True,
                      separators=(",", ":")).encode("ascii")


def _signing_key() -> tuple[str, Ed25519PrivateKey]:
    key = instance_key("audit_signing")
    return key.id, Ed25519PrivateKey.from_private_bytes(key.material)


def sign_checkpoint(session: Session, seq: int, hash_: str) -> Checkpoint:
    """Store a signed checkpoint of position ``seq`` with hash ``hash_``."""
    key_id, private = _signing_key()
    at = now()
    signature = private.sign(_checkpoint_message(seq, hash_, plain(at)))
    checkpoint = Checkpoint(at=at, seq=seq, hash=hash_, key_id=key_id,
                            signature=base64.b64encode(signature).decode("ascii"))
    session.add(checkpoint)
    session.flush()
    return checkpoint


def checkpoint_line(checkpoint: Checkpoint) -> str:
    """The checkpoint as one JSON line, for the copy kept outside the database."""
    return json.dumps({"seq": checkpoint.seq, "hash": checkpoint.hash, "at": plain(checkpoint.at),
                       "key_id": checkpoint.key_id, "signature": checkpoint.signature},
                      sort_keys=True)


def read_checkpoint_file(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def signature_ok(entry: Mapping[str, Any]) -> bool:
    key_id, private = _signing_key()
    if entry["key_id"] != key_id:
        return False
    try:
        private.public_key().verify(base64.b64decode(entry["signature"]),
                                    _checkpoint_message(entry["seq"], entry["hash"], entry["at"]))
    except (InvalidSignature, ValueError):
        return False
    return True
