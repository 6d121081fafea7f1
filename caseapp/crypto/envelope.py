"""AES-256-GCM envelope primitives: seal/open field values with a data key (DEK), and
wrap/unwrap DEKs with a key-encryption key (KEK).

Field value (format 2)::

    0x02 | DEK id (16 bytes) | nonce (12 bytes) | ciphertext + tag

Wrapped DEK (format 2)::

    0x02 | KEK id length (1 byte) | KEK id | nonce (12 bytes) | ciphertext + tag

The associated data binds a field value to ``table.column``, its row's primary key and the
participant (owner) whose DEK seals it, and a wrapped DEK to its own id, owner and KEK id. Any
failure is one ``DecryptionError`` with a generic message.
"""
from __future__ import annotations

import os
import uuid

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

FORMAT_VERSION = 2
NONCE_BYTES = 12
DEK_BYTES = 32


class DecryptionError(RuntimeError):
    """A stored value could not be decrypted (wrong, missing, retired or erased key, or
    altered data). The message never holds data or key material."""

    def __init__(self) -> None:
        super().__init__("An encrypted value could not be decrypted.")


def field_ad(label: str, row: str, owner: str) -> bytes:
    return f"caseapp/field/v2|{label}|{row}|{owner}".encode()


def wrap_ad(dek_id: uuid.UUID, owner: str, kek_id: str) -> bytes:
    return f"caseapp/dek/v2|{dek_id}|{owner}|{kek_id}".encode()


def cipher(key: bytes | AESGCM) -> AESGCM:
    """An AES-GCM object for ``key`` (callers may keep it to avoid re-creating it)."""
    return key if isinstance(key, AESGCM) else AESGCM(key)


def seal(dek_id: uuid.UUID, dek: bytes | AESGCM, plaintext: str | bytes, ad: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    data = plaintext.encode("utf-8") if isinstance(plaintext, str) else plaintext
    return bytes([FORMAT_VERSION]) + dek_id.bytes + nonce + cipher(dek).encrypt(nonce, data, ad)


def sealed_dek_id(blob: bytes) -> uuid.UUID:
    """The id of the DEK that sealed ``blob`` (read before the DEK is fetched)."""
    if len(blob) < 1 + 16 + NONCE_BYTES + 16 or blob[0] != FORMAT_VERSION:
        raise DecryptionError()
    return uuid.UUID(bytes=bytes(blob[1:17]))


def open_sealed(dek: bytes | AESGCM, blob: bytes, ad: bytes, text: bool = True) -> str | bytes:
    sealed_dek_id(blob)
    nonce, sealed = blob[17:17 + NONCE_BYTES], blob[17 + NONCE_BYTES:]
    try:
        data = cipher(dek).decrypt(nonce, sealed, ad)
        return data.decode("utf-8") if text else data
    except (InvalidTag, UnicodeDecodeError, ValueError):
        raise DecryptionError() from None


def wrap(kek_id: str, kek: bytes, dek: bytes, ad: bytes) -> bytes:
    kid = kek_id.encode("ascii")
    nonce = os.urandom(NONCE_BYTES)
    return bytes([FORMAT_VERSION, len(kid)]) + kid + nonce + AESGCM(kek).encrypt(nonce, dek, ad)


def wrapped_kek_id(blob: bytes) -> str:
    try:
        if blob[0] != FORMAT_VERSION:
            raise DecryptionError()
        return bytes(blob[2:2 + blob[1]]).decode("ascii")
    except (IndexError, UnicodeDecodeError):
        raise DecryptionError() from None


def unwrap(kek: bytes | AESGCM, blob: bytes, ad: bytes) -> bytes:
    start = 2 + len(wrapped_kek_id(blob))
    nonce, sealed = blob[start:start + NONCE_BYTES], blob[start + NONCE_BYTES:]
    try:
        dek = cipher(kek).decrypt(nonce, sealed, ad)
    except (InvalidTag, ValueError):
        raise DecryptionError() from None
    if len(dek) != DEK_BYTES:
        raise DecryptionError()
    return dek


def new_dek() -> bytes:
    return AESGCM.generate_key(bit_length=256)
