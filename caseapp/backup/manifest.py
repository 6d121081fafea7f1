"""The backup folder: created owner-only and new, files with their SHA-256, and ``manifest.json``
which says what the backup holds and is checked before anything is restored."""
from __future__ import annotations

import hashlib
import json
import os
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from caseapp.clock import now

MANIFEST = "manifest.json"
FORMAT = 1


class BackupError(RuntimeError):
    """The backup or restore cannot go on; the message says why and what to do (no data)."""


def app_version() -> str:
    try:
        return version("caseapp")
    except PackageNotFoundError:  # running from a source tree without installing
        return "unknown"


def new_folder(out: Path) -> Path:
    """``out`` as a new, owner-only folder; an existing non-empty folder is refused."""
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise BackupError(f"{out} already exists and is not empty; choose a new folder.")
    out.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(out, 0o700)
    return out


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_private(path: Path, data: bytes) -> None:
    """Write a new owner-only file (never replaces one)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def write_manifest(folder: Path, kind: str, files: list[str], **content: Any) -> dict[str, Any]:
    manifest = {"format": FORMAT, "kind": kind, "app_version": app_version(),
                "created_at": now().isoformat(timespec="seconds"),
                "files": {name: sha256(folder / name) for name in files}, **content}
    write_private(folder / MANIFEST, json.dumps(manifest, indent=2, sort_keys=True).encode())
    return manifest


def read_manifest(folder: Path, kind: str) -> dict[str, Any]:
    """The manifest of a ``kind`` backup in ``folder``, after checking every file's SHA-256."""
    path = Path(folder) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise BackupError(f"{path} is missing or unreadable; {folder} is not a caseapp "
                          "backup.") from None
    if manifest.get("format") != FORMAT or manifest.get("kind") != kind:
        raise BackupError(f"{folder} is not a caseapp {kind} backup (format {FORMAT}).")
    for name, expected in manifest["files"].items():
        file = Path(folder) / name
        if not file.exists() or sha256(file) != expected:
            raise BackupError(f"{file} is missing or changed since the backup was made "
                              "(SHA-256 differs); nothing was restored.")
    return manifest
