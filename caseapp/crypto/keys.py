"""Key files in the instance folder.

Each key is a small JSON file ``<instance>/keys/<name>.key`` holding an id and the key bytes
(base64). Files are created owner-only through a temporary file and an atomic rename, never
overwritten, and the app refuses to start when one is missing, unreadable, malformed or readable
by others. No key ever has a default value.
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

from caseapp.config import ConfigError

# name -> key length in bytes
KEY_SPECS: dict[str, int] = {
    "session": 64,  # signs Flask's session cookie and CSRF tokens
    "field": 32,  # AES-256-GCM key for encrypted columns
    "audit": 32,  # HMAC-SHA256 key of the audit log's hash chain
    "audit_signing": 32,  # Ed25519 private key (seed) that signs audit checkpoints
}


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


def ensure_keys(instance_path: Path) -> list[str]:
    """Create every missing key; return the names created. Existing keys are left alone."""
    directory = keys_dir(instance_path)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    created = []
    for name, length in KEY_SPECS.items():
        path = key_path(instance_path, name)
        if path.exists():
            continue
        _write_new(path, {
            "id": f"{name}-{secrets.token_hex(4)}",
            "key": base64.b64encode(secrets.token_bytes(length)).decode("ascii"),
        })
        created.append(name)
    return created


def load_key(instance_path: Path, name: str) -> Key:
    """Read one key, refusing anything that is missing, malformed or not owner-only."""
    path = key_path(instance_path, name)
    hint = "Run `caseapp init` to create the instance folder's keys."
    if not path.exists():
        raise ConfigError(f"The {name} key is missing ({path}). {hint}")
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
    if len(material) != KEY_SPECS[name]:
        raise ConfigError(f"The {name} key {path} has the wrong length.")
    return Key(name=name, id=key_id, material=material)


def load_all(instance_path: Path) -> dict[str, Key]:
    return {name: load_key(instance_path, name) for name in KEY_SPECS}
