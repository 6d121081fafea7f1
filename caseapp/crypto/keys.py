"""Key material outside the data: key files in the instance folder, and KEK providers.

Each key is a small JSON file ``<instance>/keys/<name>.key`` holding an id and the key bytes
(base64). Files are created owner-only through a temporary file and an atomic rename, never
overwritten, and the app refuses to start when one is missing, unreadable, malformed or readable
by others. No key ever has a default value.

Key-encryption keys (KEKs) wrap the per-participant data keys kept in the key store
(``caseapp.crypto.keystore``). They come from a ``KekProvider``: ``FileKekProvider`` reads
``<instance>/keys/kek-<id>.key`` files (one per KEK; ``caseapp keys rotate`` adds one), and
``EnvKekProvider`` reads ``CASEAPP_KEKS="kek-id:base64,…"`` from the environment. A KMS or
Vault provider implements the same four methods.
"""
from __future__ import annotations

import base64
import json
import os
import secrets
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from caseapp.config import ConfigError

# name -> key length in bytes
EXTENSION_KEY = "caseapp.keys"  # app.extensions entry holding the loaded keys

# name -> key length in bytes
KEY_SPECS: dict[str, int] = {
    "session": 64,  # signs Flask's session cookie and CSRF tokens
    "index": 32,  # HKDF input for the blind-index keys (caseapp.crypto.blind)
    "audit": 32,  # HMAC-SHA256 key of the audit log's hash chain
    "audit_signing": 32,  # Ed25519 private key (seed) that signs audit checkpoints
}
KEK_LENGTH = 32
KEK_PREFIX = "kek-"
KEKS_ENV = "CASEAPP_KEKS"
HINT = "Run `caseapp init` to create the instance folder's keys."


class KeyUnavailable(RuntimeError):
    """A KEK named by the key store is not available from the provider."""


@dataclass(frozen=True)
class Key:
    name: str
    id: str
    material: bytes


def keys_dir(instance_path: Path) -> Path:
    return Path(instance_path) / "keys"


def key_path(instance_path: Path, name: str) -> Path:
    return keys_dir(instance_path) / f"{name}.key"


def _write_new(path: Path, payload: dict[str, str]) -> None:
    """Write ``payload`` to ``path`` owner-only via a temp file + rename; never overwrite."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(payload, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.link(tmp, path)  # fails if the key appeared meanwhile: never replace a key
    finally:
        os.unlink(tmp)


def _new_key_file(path: Path, key_id: str, length: int) -> None:
    _write_new(path, {"id": key_id,
                      "key": base64.b64encode(secrets.token_bytes(length)).decode("ascii")})


def _keys_folder(instance_path: Path) -> Path:
    directory = keys_dir(instance_path)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    return directory


def ensure_keys(instance_path: Path) -> list[str]:
    """Create every missing key file; return the names created. Existing keys are left
    alone. The first KEK is made with the key store (``keystore.init_keystore``)."""
    _keys_folder(instance_path)
    created = []
    for name, length in KEY_SPECS.items():
        path = key_path(instance_path, name)
        if path.exists():
            continue
        _new_key_file(path, f"{name}-{secrets.token_hex(4)}", length)
        created.append(name)
    return created


def _read_key_file(path: Path, name: str, length: int) -> Key:
    if not path.exists():
        raise ConfigError(f"The {name} key is missing ({path}). {HINT}")
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise ConfigError(
            f"The {name} key {path} is readable by others (mode {mode:o}); "
            f"run `chmod 600 {path}`.")
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
        material = base64.b64decode(payload["key"], validate=True)
        key_id = str(payload["id"])
    except (ValueError, KeyError, TypeError):
        raise ConfigError(f"The {name} key {path} is not a valid key file.") from None
    if len(material) != length:
        raise ConfigError(f"The {name} key {path} has the wrong length.")
    return Key(name=name, id=key_id, material=material)


def load_key(instance_path: Path, name: str) -> Key:
    """Read one key, refusing anything that is missing, malformed or not owner-only."""
    return _read_key_file(key_path(instance_path, name), name, KEY_SPECS[name])


def load_all(instance_path: Path) -> dict[str, Key]:
    return {name: load_key(instance_path, name) for name in KEY_SPECS}


# --- key-encryption keys ---------------------------------------------------------------------

class KekProvider(Protocol):
    """Where KEKs come from. A KMS/Vault provider implements the same methods."""

    def ids(self) -> list[str]: ...

    def get(self, kek_id: str) -> bytes: ...  # raises KeyUnavailable

    def create(self) -> str: ...  # a new KEK; returns its id

    def destroy(self, kek_id: str) -> bool: ...  # True when the key material is gone


class FileKekProvider:
    """KEK files ``<instance>/keys/kek-<id>.key``, read when first needed (so a KEK added by
    ``caseapp keys rotate`` is found by running servers) and cached in memory."""

    def __init__(self, instance_path: Path) -> None:
        self.folder = keys_dir(instance_path)
        self._cache: dict[str, bytes] = {}

    def _path(self, kek_id: str) -> Path:
        return self.folder / f"{kek_id}.key"

    def ids(self) -> list[str]:
        if not self.folder.exists():
            return []
        return sorted(p.stem for p in self.folder.glob(f"{KEK_PREFIX}*.key"))

    def get(self, kek_id: str) -> bytes:
        if kek_id not in self._cache:
            path = self._path(kek_id)
            if not kek_id.startswith(KEK_PREFIX) or not path.exists():
                raise KeyUnavailable(kek_id)
            key = _read_key_file(path, "key-encryption", KEK_LENGTH)
            if key.id != kek_id:
                raise ConfigError(f"The key file {path} holds another key id.")
            self._cache[kek_id] = key.material
        return self._cache[kek_id]

    def create(self) -> str:
        _keys_folder(self.folder.parent)
        kek_id = f"{KEK_PREFIX}{secrets.token_hex(6)}"
        _new_key_file(self._path(kek_id), kek_id, KEK_LENGTH)
        return kek_id

    def destroy(self, kek_id: str) -> bool:
        self._cache.pop(kek_id, None)
        self._path(kek_id).unlink(missing_ok=True)
        return True


class EnvKekProvider:
    """KEKs from ``CASEAPP_KEKS="kek-id:base64,kek-id2:base64"`` (e.g. injected by the
    platform's secret store). New KEKs are made outside the app and added to the variable."""

    def __init__(self, value: str) -> None:
        self._keys: dict[str, bytes] = {}
        for part in filter(None, (p.strip() for p in value.split(","))):
            kek_id, _, encoded = part.partition(":")
            try:
                material = base64.b64decode(encoded, validate=True)
            except ValueError:
                material = b""
            if not kek_id.startswith(KEK_PREFIX) or len(material) != KEK_LENGTH:
                raise ConfigError(f"{KEKS_ENV} must hold kek-<id>:<32 bytes in base64> items.")
            self._keys[kek_id] = material

    def ids(self) -> list[str]:
        return sorted(self._keys)

    def get(self, kek_id: str) -> bytes:
        try:
            return self._keys[kek_id]
        except KeyError:
            raise KeyUnavailable(kek_id) from None

    def create(self) -> str:
        raise ConfigError(f"KEKs from {KEKS_ENV} are made outside the app: add a new "
                          f"kek-<id>:<base64> item to {KEKS_ENV} and pass --to kek-<id>.")

    def destroy(self, kek_id: str) -> bool:
        return False  # the operator removes it from the environment


def kek_provider(instance_path: Path, environ: dict[str, str] | None = None) -> KekProvider:
    environ = os.environ if environ is None else environ
    if environ.get(KEKS_ENV):
        return EnvKekProvider(environ[KEKS_ENV])
    return FileKekProvider(instance_path)
