"""Start the demo afresh: its dates are relative to the day it is loaded, so a demo loaded weeks
ago has drifted (checkpoints overdue, consents near their end). ``set_aside`` moves the demo's
database, key store, audit checkpoints and logins into ``instance/previous/<time>/`` (nothing is
deleted; the keys stay), and the next ``caseapp init`` + ``caseapp demo`` load it dated today.

Only for the demo's own installation: the default SQLite files in the instance folder, and a
demo that was loaded there (``demo-logins.json``). Anything else is refused.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from caseapp.config import build

# What a demo instance holds besides its keys (SQLite's -wal/-shm files go with their database).
DATA_FILES = ("caseapp.db", "keystore.db", "audit-checkpoints.jsonl", "demo-logins.json")


class ResetRefused(RuntimeError):
    """This instance is not the demo's own; nothing was moved."""


def set_aside(instance: Path, at: datetime) -> Path:
    """Move the demo's data files into ``instance/previous/<at>/`` and return that folder."""
    settings = build(instance)
    if settings["SQLALCHEMY_DATABASE_URI"] != f"sqlite:///{instance / 'caseapp.db'}" or \
            settings.get("CASEAPP_KEYSTORE_URL"):
        raise ResetRefused("The database or key store is configured outside the instance folder: "
                           "demo-reset only starts the demo's own SQLite files afresh.")
    if not (instance / "demo-logins.json").exists():
        raise ResetRefused(f"No demo was loaded in {instance} (no demo-logins.json): "
                           "nothing is moved.")
    target = instance / "previous" / at.strftime("%Y-%m-%dT%H%M%S")
    target.mkdir(parents=True, exist_ok=False)
    for name in DATA_FILES:
        for path in (instance / name, *(instance / f"{name}{tail}" for tail in ("-wal", "-shm"))):
            if path.exists():
                path.rename(target / path.name)
    return target
