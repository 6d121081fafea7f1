"""Registering a young person: identity, contact details, guardians, the basis for follow-up
and the first case — all in one transaction, or nothing."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

import audit
from caseapp.privacy.restriction import refuse_if_restricted
from audit.services import ALLOWED, DENIED
from caseapp.accounts.models import User
from caseapp.cases.models import Case
from caseapp.cases.services import create_case
from caseapp.clock import now
from caseapp.editing import require_follow_up
from caseapp.participants.lookup import find_by_national_id
from caseapp.participants.models import Guardian, Participant
from caseapp.participants.national_id import parse
from caseapp.units.models import Unit
from consent import services as consent
from consent.purposes import GivenBy, LegalBasis, Purpose
from roles import Perm, can

PERSON_CATEGORIES = ("identity", "national_id", "contact_details")


@dataclass
class GuardianData:
    relation: str
    name: str
    phone: str | None = None
    email: str | None = None


@dataclass
class Registration:
    given_name: str
    family_name: str
    national_id: str
    gender: str
    minority_language: bool
    programme: str
    track: str
    unit_id: uuid.UUID
    started_on: date
    basis: str  # "consent" or "statutory"
    consent_date: date | None = None
    statutory_reference: str | None = None
    home_municipality: str | None = None
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    school_or_workplace: str | None = None
    grade_or_programme: str | None = None
    guardians: list[GuardianData] = field(default_factory=list)


class AlreadyRegistered(Exception):
    """The national ID is registered. ``case`` is one the actor may open, else None.

    Holds ids only, never the person's data."""

    def __init__(self, participant_id: uuid.UUID, case: Case | None) -> None:
        super().__init__("already registered")
        self.participant_id = participant_id
        self.case = case


def visible_case(session: Session, actor: User, participant_id: uuid.UUID) -> Case | None:
    """The most recent case of the participant that ``actor`` may open, if any."""
    cases = session.scalars(select(Case).where(Case.participant_id == participant_id)
                            .order_by(Case.started_on.desc()))
    return next((case for case in cases if can(actor, Perm.CASE_VIEW, case)), None)


def check_not_registered(session: Session, actor: User, national_id: str) -> None:
    """Raise ``AlreadyRegistered`` (and audit the attempt) when the national ID exists. A
    restricted person is refused like any person the actor may not see (and flagged)."""
    existing = find_by_national_id(session, national_id, include_restricted=True)
    if existing is None:
        return
    if refuse_if_restricted(session, actor, existing.id, via="form"):
        raise AlreadyRegistered(existing.id, None)
    case = visible_case(session, actor, existing.id)
    audit.record("participant.register_duplicate", actor=actor, object_type="participant",
                 object_id=existing.id, subject_id=existing.id, categories=["national_id"],
                 outcome=ALLOWED if case else DENIED,
                 details={"existing_visible": case is not None})
    raise AlreadyRegistered(existing.id, case)


def register(session: Session, actor: User, data: Registration, unit: Unit) -> Case:
    """Create the participant with guardians, record the follow-up basis, open the case.

    The form has validated the fields; the caller checks that ``unit`` is one of the actor's.
    Raises ``AlreadyRegistered`` (nothing created) or ``consent.ConsentError``."""
    digits, born, _synthetic = parse(data.national_id)
    check_not_registered(session, actor, digits)
    participant = Participant(
        given_name=data.given_name.strip(), family_name=data.family_name.strip(),
        national_id=digits, birth_year=born.year, gender=data.gender,
        minority_language=data.minority_language, home_municipality=data.home_municipality or None,
        phone=data.phone or None, email=data.email or None, address=data.address or None,
        created_by_id=actor.id)
    participant.guardians = [Guardian(relation=g.relation, name=g.name.strip(),
                                      phone=g.phone or None, email=g.email or None)
                             for g in data.guardians]
    session.add(participant)
    session.flush()
    if data.basis == LegalBasis.STATUTORY.value:
        consent.grant(session, participant_id=participant.id, purpose=Purpose.FOLLOW_UP,
                      actor=actor, legal_basis=LegalBasis.STATUTORY,
                      statutory_reference=data.statutory_reference)
    else:
        # A minor's registration consent comes from the young person together with the
        # registered guardian(s); the consent rules check there are enough of them.
        guardians = [{"name": g.name.strip(), "relation": g.relation} for g in data.guardians]
        consent.grant(session, participant_id=participant.id, purpose=Purpose.FOLLOW_UP,
                      actor=actor, legal_basis=LegalBasis.CONSENT,
                      valid_from=min(datetime.combine(data.consent_date, time()), now()),
                      given_by=GivenBy.SUBJECT_AND_GUARDIANS if guardians else GivenBy.SUBJECT,
                      guardians=guardians)
    categories = PERSON_CATEGORIES + (("guardians",) if data.guardians else ())
    audit.record("participant.register", actor=actor, object_type="participant",
                 object_id=participant.id, subject_id=participant.id, categories=categories,
                 grounds="own_caseload")
    return create_case(session, actor, participant, programme=data.programme, track=data.track,
                       unit=unit, started_on=data.started_on,
                       school_or_workplace=data.school_or_workplace,
                       grade_or_programme=data.grade_or_programme)


def update_contact_details(session: Session, actor: User, participant: Participant, *,
                           phone: str | None, email: str | None, address: str | None,
                           home_municipality: str | None, guardians: list[GuardianData],
                           grounds: str | None = None) -> Participant:
    """Replace how to reach the person and the guardians (needs a basis for follow-up)."""
    require_follow_up(session, participant.id)
    participant.phone, participant.email = phone or None, email or None
    participant.address, participant.home_municipality = address or None, home_municipality or None
    participant.guardians = [Guardian(relation=g.relation, name=g.name.strip(),
                                      phone=g.phone or None, email=g.email or None)
                             for g in guardians]
    session.flush()
    audit.record("participant.update", actor=actor, object_type="participant",
                 object_id=participant.id, subject_id=participant.id,
                 categories=["contact_details", "guardians"], grounds=grounds)
    return participant
