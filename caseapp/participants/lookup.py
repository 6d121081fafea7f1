"""Finding participants by national ID or name.

For now this decrypts and compares; the field-level encryption issue replaces the bodies
with blind-index lookups (same signatures), so callers never change.
"""
from __future__ import annotations

import unicodedata

from sqlalchemy import select
from sqlalchemy.orm import Session

from caseapp.participants.models import Participant
from caseapp.participants.national_id import parse


def find_by_national_id(session: Session, national_id: str) -> Participant | None:
    digits, _born, _synthetic = parse(national_id)
    for participant in session.scalars(select(Participant)):
        if participant.national_id == digits:
            return participant
    return None


def normalise_name(name: str) -> str:
    """Case-, space- and diacritics-insensitive form ("Ørjan Ås" ~ "orjan as")."""
    folded = name.casefold().replace("ø", "o").replace("æ", "ae").replace("å", "a")
    decomposed = unicodedata.normalize("NFKD", folded)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def find_by_name(session: Session, query: str, among: list | None = None) -> list[Participant]:
    """Participants whose normalised full name contains every word of ``query``."""
    words = normalise_name(query).split()
    if not words:
        return []
    people = among if among is not None else session.scalars(select(Participant))
    return [p for p in people if all(w in normalise_name(p.full_name) for w in words)]
