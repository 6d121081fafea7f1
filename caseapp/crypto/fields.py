"""One SQLAlchemy column type for encrypted values.

Models declare encrypted columns as ``EncryptedText("participants.given_name")``; services and
templates read and write plain strings. The stored value is
``version (1 byte) | key-id length (1 byte) | key id | nonce (12 bytes) | AES-256-GCM ciphertext``
and the column label is the associated data, so a value copied into another column does not
decrypt. Per-person data keys, row binding, rotation and blind indexes build on this seam
(issue: field-level encryption).
"""
from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app
from sqlalchemy import LargeBinary
from sqlalchemy.types import TypeDecorator

FORMAT_VERSION = 1
EXTENSION_KEY = "caseapp.keys"


class DecryptionError(RuntimeError):
    """A stored value could not be decrypted. The message never holds data."""

    def __init__(self) -> None:
        super().__init__("An encrypted value could not be decrypted.")


def _field_key():
    return current_app.extensions[EXTENSION_KEY]["field"]


def encrypt(plaintext: str, label: str) -> bytes:
    key = _field_key()
    kid = key.id.encode("ascii")
    nonce = os.urandom(12)
    sealed = AESGCM(key.material).encrypt(nonce, plaintext.encode("utf-8"), label.encode())
    return bytes([FORMAT_VERSION, len(kid)]) + kid + nonce + sealed


def decrypt(blob: bytes, label: str) -> str:
    key = _field_key()
    try:
        if blob[0] != FORMAT_VERSION:
            raise DecryptionError()
        kid_len = blob[1]
        kid = blob[2:2 + kid_len].decode("ascii")
        if kid != key.id:
            raise DecryptionError()
        nonce = blob[2 + kid_len:14 + kid_len]
        sealed = blob[14 + kid_len:]
        return AESGCM(key.material).decrypt(nonce, sealed, label.encode()).decode("utf-8")
    except (IndexError, InvalidTag, UnicodeDecodeError):
        raise DecryptionError() from None


class EncryptedText(TypeDecorator):
    """A text value stored encrypted; ``label`` names the column (table.column)."""

    impl = LargeBinary
    cache_ok = True

    def __init__(self, label: str) -> None:
        super().__init__()
        self.label = label

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return encrypt(str(value), self.label)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return decrypt(bytes(value), self.label)
