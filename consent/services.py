"""Granting, withdrawing and requiring a basis for a purpose."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

import audit
from caseapp.clock import now
from consent.models import ConsentRecord
from consent.purposes import PURPOSE_KIND, LegalBasis, Purpose


class NoValidBasis(PermissionError):
    """No valid consent or statutory basis covers this purpose now. Holds no personal data."""

    def __init__(self, purpose: Purpose, organisation_id: uuid.UUID | None = None) -> None:
        super().__init__(f"no valid basis for {purpose.value}")
        self.purpose = purpose
        self.organisation_id = organisation_id


class ConsentError(ValueError):
    """A consent could not be recorded; ``messages`` say why (translated)."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


def valid_basis(session: Session, participant_id: uuid.UUID, purpose: Purpose | str, *,
                at: datetime | None = None,
                organisation_id: uuid.UUID | None = None) -> ConsentRecord | None:
    """The record that makes ``purpose`` lawful for the participant at ``at``, or None.

    Sharing needs a waiver that names ``organisation_id``."""
    purpose = Purpose(purpose)
    at = at or now()
    query = select(ConsentRecord).where(ConsentRecord.participant_id == participant_id,
                                        ConsentRecord.purpose == purpose.value)
    if purpose == Purpose.SHARE:
        if organisation_id is None:
            return None
        query = query.where(ConsentRecord.organisation_id == organisation_id)
    for record in session.scalars(query.order_by(ConsentRecord.valid_from.desc())):
        if record.valid_at(at):
            return record
    return None


def require(session: Session, participant_id: uuid.UUID, purpose: Purpose | str, *,
            at: datetime | None = None, organisation_id: uuid.UUID | None = None) -> ConsentRecord:
    """Return the valid basis for ``purpose`` or raise ``NoValidBasis``."""
    record = valid_basis(session, participant_id, purpose, at=at, organisation_id=organisation_id)
    if record is None:
        raise NoValidBasis(Purpose(purpose), organisation_id)
    return record


def grant(session: Session, *, participant_id: uuid.UUID, purpose: Purpose | str, actor=None,
          legal_basis: LegalBasis | str = LegalBasis.CONSENT, organisation_id: uuid.UUID | None = None,
          statutory_reference: str | None = None, valid_from: datetime | None = None,
          valid_until: datetime | None = None) -> ConsentRecord:
    """Record a basis for ``purpose``. Sharing must name the receiving organisation."""
    from flask_babel import gettext as _

    purpose = Purpose(purpose)
    legal_basis = LegalBasis(legal_basis)
    at = now()
    valid_from = valid_from or at
    problems = []
    if purpose == Purpose.SHARE and organisation_id is None:
        problems.append(_("Name the organisation the duty of confidentiality is lifted towards."))
    if legal_basis == LegalBasis.STATUTORY and not (statutory_reference or "").strip():
        problems.append(_("Name the law that gives the statutory basis."))
    if valid_from > at:
        problems.append(_("A consent cannot be dated in the future."))
    if valid_until is not None and valid_until <= valid_from:
        problems.append(_("The end date must be after the start date."))
    if problems:
        raise ConsentError(problems)
    record = ConsentRecord(
        participant_id=participant_id, kind=PURPOSE_KIND[purpose].value, purpose=purpose.value,
        organisation_id=organisation_id, legal_basis=legal_basis.value,
        statutory_reference=statutory_reference, valid_from=valid_from, valid_until=valid_until,
        recorded_by_id=getattr(actor, "id", None))
    session.add(record)
    session.flush()
    audit.record("consent.grant", actor=actor, object_type="consent", object_id=record.id,
                 subject_id=participant_id, categories=["consent"],
                 details={"purpose": purpose.value, "legal_basis": legal_basis.value})
    return record


def withdraw(session: Session, record: ConsentRecord, *, actor=None, channel: str = "in_person",
             at: datetime | None = None) -> ConsentRecord:
    """Withdraw at once; later checks find no basis. Withdrawing twice changes nothing."""
    if record.withdrawn_at is not None:
        return record
    record.withdrawn_at = at or now()
    record.withdrawal_channel = channel
    session.flush()
    audit.record("consent.withdraw", actor=actor, object_type="consent", object_id=record.id,
                 subject_id=record.participant_id, categories=["consent"],
                 details={"purpose": record.purpose, "channel": channel})
    return record


def records_for(session: Session, participant_id: uuid.UUID) -> list[ConsentRecord]:
    return list(session.scalars(select(ConsentRecord)
                                .where(ConsentRecord.participant_id == participant_id)
                                .order_by(ConsentRecord.valid_from)))
