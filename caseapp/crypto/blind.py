"""Blind indexes: search encrypted values without decrypting everything.

Each index has its own key, derived with HKDF-SHA256 from the instance's index key
(``keys/index.key``), which is separate from the KEKs and DEKs. Index values are truncated on
purpose, so one value matches several people and the index alone never identifies anyone;
lookups decrypt the few candidates and compare the real values.

* national ID: PBKDF2-HMAC-SHA256 (slow: ``CASEAPP_BLIND_INDEX_ITERATIONS`` rounds) keyed by
  the derived key, truncated to ``NATIONAL_ID_BITS`` bits. The slow hash makes guessing the
  ~10⁷ possible numbers costly even for someone who has stolen the index key.
* name: HMAC-SHA256 of each normalised name word, truncated to ``NAME_BITS`` bits.

Changing the iterations or the index key needs ``caseapp keys reindex``.
"""
from __future__ import annotations

import hashlib
import hmac

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

from caseapp.crypto.keys import EXTENSION_KEY as KEYS_EXTENSION

NATIONAL_ID_BITS = 16
NAME_BITS = 12
INDEX_KEY = "caseapp.index_keys"


def _derived(purpose: str) -> bytes:
    keys = current_app.extensions[INDEX_KEY]
    if purpose not in keys:
        master = current_app.extensions[KEYS_EXTENSION]["index"].material
        keys[purpose] = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                             info=f"caseapp blind index v1 {purpose}".encode()).derive(master)
    return keys[purpose]


def _truncate(digest: bytes, bits: int) -> int:
    return int.from_bytes(digest[:4], "big") >> (32 - bits)


def national_id_value(digits: str) -> int:
    iterations = current_app.config["CASEAPP_BLIND_INDEX_ITERATIONS"]
    digest = hashlib.pbkdf2_hmac("sha256", digits.encode("ascii"), _derived("national_id"),
                                 iterations)
    return _truncate(digest, NATIONAL_ID_BITS)


def name_value(word: str) -> int:
    digest = hmac.new(_derived("name"), word.encode("utf-8"), hashlib.sha256).digest()
    return _truncate(digest, NAME_BITS)
