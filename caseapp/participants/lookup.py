"""Finding participants by national ID or name through blind indexes (caseapp.crypto.blind).

The index narrows the search to a few candidates without decrypting everyone; the candidates
are decrypted and compared for real. The index is kept up to date at every flush that adds a
participant or changes their name or national ID.

Name search matches whole words: every word of the query must be one of the words of the
participant's normalised name (case, spaces, hyphens and diacritics ignored; æ→ae, ø→o, å→a).
"""
from __future__ import annotations

import unicodedata
import uuid

from sqlalchemy import delete, event, func, inspect, select
from sqlalchemy.orm import Session

from caseapp.crypto.blind import name_value, national_id_value
from caseapp.participants.models import INCLUDE_RESTRICTED, Participant, ParticipantIndex
from caseapp.participants.national_id import parse

NATIONAL_ID = "national_id"
NAME = "name"
INDEXED = ("given_name", "family_name", "national_id")


def find_by_national_id(session: Session, national_id: str, *,
                        include_restricted: bool = False) -> Participant | None:
    """The participant with this national ID that the current user may find; with
    ``include_restricted`` also a restricted person (to refuse registering them again)."""
    digits, _born, _synthetic = parse(national_id)
    candidates = select(ParticipantIndex.participant_id).where(
        ParticipantIndex.kind == NATIONAL_ID,
        ParticipantIndex.value == national_id_value(digits))
    for participant in session.scalars(
            select(Participant).where(Participant.id.in_(candidates)),
            execution_options={INCLUDE_RESTRICTED: include_restricted}):
        if participant.national_id == digits:
            return participant
    return None


def normalise_name(name: str) -> str:
    """Case-, space- and diacritics-insensitive form ("Ørjan Ås" ~ "orjan as")."""
    folded = name.casefold().replace("ø", "o").replace("æ", "ae").replace("å", "a")
    decomposed = unicodedata.normalize("NFKD", folded.replace("-", " "))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def name_words(participant: Participant) -> set[str]:
    if participant.erased:
        return set()
    return set(normalise_name(f"{participant.given_name} {participant.family_name}").split())


def name_candidates(query: str, within=None):
    """A SELECT of the ids of the participants whose name index has every word of ``query``:
    a superset of the matches (index values are truncated), to be compared for real by
    ``find_by_name``; None when the query has no words. ``within`` (a SELECT of participant
    ids, such as a worker's cases) limits the index rows read to those people: a common family
    name has thousands of index rows nationally, a worker a few dozen people."""
    words = set(normalise_name(query).split())
    if not words:
        return None
    values = {name_value(word) for word in words}
    rows = select(ParticipantIndex.participant_id).where(ParticipantIndex.kind == NAME,
                                                         ParticipantIndex.value.in_(values))
    if within is not None:
        rows = rows.where(ParticipantIndex.participant_id.in_(within))
    return (rows.group_by(ParticipantIndex.participant_id)
            .having(func.count(func.distinct(ParticipantIndex.value)) == len(values)))


def find_by_name(session: Session, query: str, among: list | None = None) -> list[Participant]:
    """Participants whose normalised name has every word of ``query`` (whole words).
    ``among``: compare only these (e.g. a worker's cases, narrowed by ``name_candidates``)."""
    words = set(normalise_name(query).split())
    if not words:
        return []
    if among is None:
        among = session.scalars(select(Participant).where(
            Participant.id.in_(name_candidates(query))))
    found = [p for p in among if words <= name_words(p)]
    return sorted(found, key=lambda p: (normalise_name(p.family_name), normalise_name(p.given_name)))


def index_entries(participant: Participant) -> list[ParticipantIndex]:
    entries = [ParticipantIndex(participant_id=participant.id, kind=NAME, value=value)
               for value in sorted({name_value(word) for word in name_words(participant)})]
    if participant.national_id:
        entries.append(ParticipantIndex(participant_id=participant.id, kind=NATIONAL_ID,
                                        value=national_id_value(participant.national_id)))
    return entries


def drop_index(session: Session, participant_id: uuid.UUID) -> None:
    session.execute(delete(ParticipantIndex).where(ParticipantIndex.participant_id == participant_id))


@event.listens_for(Session, "before_flush")
def _maintain_index(session: Session, flush_context, instances) -> None:
    for participant in [o for o in session.new if isinstance(o, Participant)]:
        if participant.id is None:
            participant.id = uuid.uuid4()
        session.add_all(index_entries(participant))
    for participant in [o for o in session.dirty if isinstance(o, Participant)]:
        state = inspect(participant)
        if any(state.attrs[key].history.has_changes() for key in INDEXED):
            drop_index(session, participant.id)
            session.add_all(index_entries(participant))
