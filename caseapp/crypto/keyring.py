"""The running app's access to data keys, with a per-request cache of unwrapped DEKs.

The cache lives on ``flask.g`` (one app context per request), so a list of 40 cases unwraps
each participant's DEK once, and nothing unwrapped outlives the request.
"""
from __future__ import annotations

import uuid

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app, g

from caseapp.crypto.envelope import DecryptionError, cipher
from caseapp.crypto.keystore import KeyStore

EXTENSION_KEY = "caseapp.keystore"


def store() -> KeyStore:
    return current_app.extensions[EXTENSION_KEY]


def _cache() -> dict:
    if "_caseapp_deks" not in g:
        g._caseapp_deks = {"by_id": {}, "current": {}, "preloaded": set()}
    return g._caseapp_deks


def dek_for_sealing(owner: str) -> tuple[uuid.UUID, AESGCM]:
    cache = _cache()
    if owner not in cache["current"]:
        dek_id, dek = store().current_dek(owner)
        cache["current"][owner] = (dek_id, cipher(dek))
        cache["by_id"][dek_id] = (owner, cache["current"][owner][1])
    return cache["current"][owner]


def dek_for_opening(dek_id: uuid.UUID, owner: str) -> AESGCM:
    cache = _cache()
    if dek_id not in cache["by_id"]:
        dek_owner, dek = store().load_dek(dek_id)
        cache["by_id"][dek_id] = (dek_owner, cipher(dek))
    dek_owner, dek = cache["by_id"][dek_id]
    if dek_owner != owner:  # a value moved to another person's row
        raise DecryptionError()
    return dek


def preload(owners) -> None:
    """Fetch the DEKs of many owners in one query (optional, for long lists)."""
    cache = _cache()
    missing = sorted({str(o) for o in owners} - cache["preloaded"])
    if not missing:
        return
    for dek_id, (owner, dek) in store().load_deks(missing).items():
        cache["by_id"][dek_id] = (owner, cipher(dek))
    cache["preloaded"].update(missing)


def forget(owner: str) -> None:
    cache = _cache()
    cache["current"].pop(owner, None)
    cache["preloaded"].discard(owner)
    for dek_id in [k for k, (o, _d) in cache["by_id"].items() if o == owner]:
        del cache["by_id"][dek_id]
