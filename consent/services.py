"""Granting, withdrawing, expiring and requiring a basis for a purpose.

``require`` is what every write path calls; ``grant`` and ``withdraw`` are the lifecycle, each
writing an immutable ``ConsentEvent`` and an audit event in the caller's transaction.
"""
from __future__ import annotations

import base64
import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import puremagic
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

import audit
from caseapp.clock import now
from caseapp.participants.models import Participant
from caseapp.participants.national_id import parse
from caseapp.refusals import Refusal
from consent import rules
from consent.models import ConsentEvent, ConsentRecord, NoticeText
from consent.purposes import (DATA_CATEGORIES, PURPOSE_KIND, Channel, GivenBy, LegalBasis, Method,
                              Purpose)

# Evidence file types accepted (by content) -> the extension a download gets.
EVIDENCE_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


class NoValidBasis(PermissionError):
    """No valid consent or statutory basis covers this purpose now. Holds no personal data."""

    def __init__(self, purpose: Purpose, organisation_id: uuid.UUID | None = None) -> None:
        super().__init__(f"no valid basis for {purpose.value}")
        self.purpose = purpose
        self.organisation_id = organisation_id


class ConsentError(Refusal):
    """A consent could not be recorded; ``messages`` say why (translated)."""


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


def participants_with_basis(session: Session, participant_ids, purpose: Purpose | str,
                            at: datetime | None = None) -> set[uuid.UUID]:
    """Which of ``participant_ids`` have a valid basis for ``purpose`` at ``at`` (one query).

    Not for sharing, which is checked per receiving organisation by ``require``."""
    ids = list(participant_ids)
    if not ids:
        return set()
    query = with_basis_query(purpose, at).where(ConsentRecord.participant_id.in_(ids))
    return set(session.scalars(query))


def with_basis_query(purpose: Purpose | str, at: datetime | None = None):
    """A ``SELECT`` of the participant ids with a valid basis for ``purpose`` at ``at``: for
    use as a subquery over many people (not for sharing; see ``participants_with_basis``)."""
    return select(ConsentRecord.participant_id).where(*basis_conditions(purpose, at or now()))


def basis_conditions(purpose: Purpose | str, at: datetime) -> tuple:
    """SQL conditions: a consent record is a valid basis for ``purpose`` at ``at`` (for use in
    aggregate queries; not for sharing, which names the receiving organisation)."""
    return (ConsentRecord.purpose == Purpose(purpose).value, ConsentRecord.valid_from <= at,
            or_(ConsentRecord.valid_until.is_(None), ConsentRecord.valid_until > at),
            or_(ConsentRecord.withdrawn_at.is_(None), ConsentRecord.withdrawn_at > at))


def expiring_conditions(at: datetime, days: int) -> tuple:
    """SQL conditions: a record not withdrawn that ends within ``days`` after ``at``."""
    return (ConsentRecord.withdrawn_at.is_(None), ConsentRecord.valid_until.is_not(None),
            ConsentRecord.valid_until > at, ConsentRecord.valid_until <= at + timedelta(days=days))


def require(session: Session, participant_id: uuid.UUID, purpose: Purpose | str, *,
            at: datetime | None = None, organisation_id: uuid.UUID | None = None) -> ConsentRecord:
    """Return the valid basis for ``purpose`` or raise ``NoValidBasis``."""
    record = valid_basis(session, participant_id, purpose, at=at, organisation_id=organisation_id)
    if record is None:
        raise NoValidBasis(Purpose(purpose), organisation_id)
    return record


def _check_evidence(data: bytes | None) -> tuple[str | None, list[str]]:
    if not data:
        return None, []
    limit = current_app.config["CASEAPP_EVIDENCE_MAX_BYTES"]
    if len(data) > limit:
        return None, [_("The evidence file is larger than %(mb)d MB.", mb=limit // (1024 * 1024))]
    try:
        mimetype = puremagic.from_string(data, mime=True)
    except puremagic.PureError:
        mimetype = None
    if mimetype not in EVIDENCE_TYPES:
        return None, [_("The evidence must be a PDF, JPEG or PNG file.")]
    return mimetype, []


@dataclass
class Basis:
    """What ``grant`` records: a purpose, its legal basis and, for consent, who gave it, how,
    for which data categories and on which notice text."""

    participant_id: uuid.UUID
    purpose: Purpose | str
    legal_basis: LegalBasis | str = LegalBasis.CONSENT
    organisation_id: uuid.UUID | None = None  # sharing: the organisation named in the waiver
    statutory_reference: str | None = None
    valid_from: datetime | None = None  # None: now
    valid_until: datetime | None = None
    given_by: GivenBy | str = GivenBy.SUBJECT
    guardians: list[dict] | None = None  # [{"name", "relation"}]; entries without a name drop
    maturity_reason: str | None = None
    data_categories: list[str] | None = None
    notice_text_id: uuid.UUID | None = None
    method: Method | str | None = None
    witness: str | None = None
    evidence: bytes | None = None

    def __post_init__(self) -> None:
        self.purpose, self.legal_basis = Purpose(self.purpose), LegalBasis(self.legal_basis)
        self.given_by = GivenBy(self.given_by)
        self.guardians = [g for g in (self.guardians or []) if (g.get("name") or "").strip()]
        self.data_categories = sorted(set(self.data_categories or []))


def grant(session: Session, *, actor=None, renews: ConsentRecord | None = None,
          **fields) -> ConsentRecord:
    """Record a basis (``fields`` are those of ``Basis``); refuse (``ConsentError``, nothing
    saved) when incomplete.

    Consent needs the right givers for the young person's age at ``valid_from``; consent given
    by guardians alone ends when the young person comes of age (renewal needed).

    ``actor``: the staff member who records it, or the young person (a ``Participant``) on My
    pages: then the audit event names them and the record has no recorder."""
    basis, at = Basis(**fields), now()
    basis.valid_from = basis.valid_from or at
    participant = session.get(Participant, basis.participant_id)
    if participant is None:
        raise ConsentError([_("Unknown participant.")])
    born = parse(participant.national_id)[1]
    age = rules.age_on(born, basis.valid_from.date())
    mimetype, problems = _check_evidence(basis.evidence)
    problems = _problems(session, basis, at) + problems + _giver_problems(basis, age)
    if problems:
        raise ConsentError(problems)
    record = _new_record(basis, actor, at, age, born, mimetype)
    session.add(record)
    session.flush()
    _event(session, record, "renewed" if renews is not None else "granted", actor)
    audit.record(f"consent.{'renew' if renews is not None else 'grant'}", actor=actor,
                 object_type="consent", object_id=record.id, subject_id=basis.participant_id,
                 categories=["consent"] + (["consent_evidence"] if basis.evidence else []),
                 grounds="consent_management",
                 details={"purpose": basis.purpose.value, "legal_basis": basis.legal_basis.value,
                          "method": basis.method and Method(basis.method).value,
                          "renews": str(renews.id) if renews is not None else None})
    return record


def _problems(session: Session, basis: Basis, at: datetime) -> list[str]:
    """What is missing or wrong in any basis (the evidence file and the givers aside)."""
    problems = []
    if basis.purpose == Purpose.SHARE and basis.organisation_id is None:
        problems.append(_("Name the organisation the duty of confidentiality is lifted towards."))
    if basis.legal_basis == LegalBasis.STATUTORY and not (basis.statutory_reference or "").strip():
        problems.append(_("Name the law that gives the statutory basis."))
    if basis.valid_from > at:
        problems.append(_("A consent cannot be dated in the future."))
    if basis.valid_until is not None and basis.valid_until <= basis.valid_from:
        problems.append(_("The end date must be after the start date."))
    if any(c not in DATA_CATEGORIES for c in basis.data_categories):
        problems.append(_("Unknown data category."))
    notice = session.get(NoticeText, basis.notice_text_id) if basis.notice_text_id else None
    if basis.notice_text_id and (notice is None or notice.purpose != basis.purpose.value):
        problems.append(_("The notice text does not belong to this purpose."))
    return problems


def _giver_problems(basis: Basis, age: int) -> list[str]:
    """A consent needs the right givers for the young person's ``age``, and a witness's name
    when it was given in person before one."""
    if basis.legal_basis != LegalBasis.CONSENT:
        return []
    problems = rules.giver_problems(age, basis.given_by, len(basis.guardians),
                                    basis.maturity_reason)
    if basis.method == Method.IN_PERSON_WITNESS and not (basis.witness or "").strip():
        problems.append(_("Name the witness."))
    return problems


def _new_record(basis: Basis, actor, at: datetime, age: int, born,
                mimetype: str | None) -> ConsentRecord:
    """The record of a checked basis; a consent by guardians alone ends when the young person
    comes of age, if that is before the end it was given until."""
    consent = basis.legal_basis == LegalBasis.CONSENT
    valid_until, until_event = basis.valid_until, None
    coming_of_age = rules.guardian_consent_ends(born, basis.valid_from, basis.given_by) \
        if consent else None
    if coming_of_age and (valid_until is None or coming_of_age < valid_until):
        valid_until, until_event = coming_of_age, "turns_adult"
    mature_alone = consent and basis.given_by == GivenBy.SUBJECT and (
        age < current_app.config["CASEAPP_CONSENT_ADULT_AGE"])
    actor_id = _staff_id(actor)
    return ConsentRecord(
        participant_id=basis.participant_id, kind=PURPOSE_KIND[basis.purpose].value,
        purpose=basis.purpose.value, organisation_id=basis.organisation_id,
        legal_basis=basis.legal_basis.value,
        statutory_reference=(basis.statutory_reference or "").strip() or None,
        valid_from=basis.valid_from, valid_until=valid_until, valid_until_event=until_event,
        recorded_by_id=actor_id, given_by=basis.given_by.value if consent else None,
        guardians=json.dumps(basis.guardians, ensure_ascii=False) if basis.guardians else None,
        subject_age=age, data_categories=basis.data_categories,
        notice_text_id=basis.notice_text_id,
        maturity_assessed_by_id=actor_id if mature_alone else None,
        maturity_assessed_at=at if mature_alone else None,
        maturity_reason=basis.maturity_reason.strip() if mature_alone else None,
        method=Method(basis.method).value if basis.method else None,
        witness=(basis.witness or "").strip() or None,
        evidence=base64.b64encode(basis.evidence).decode("ascii") if basis.evidence else None,
        evidence_mimetype=mimetype)


def _staff_id(actor) -> uuid.UUID | None:
    """The staff member who recorded it, for the record's user columns; None for the young
    person acting on My pages (``actor`` a ``Participant``: named in the audit event only)."""
    if isinstance(actor, Participant):
        return None
    return getattr(actor, "id", None)


def _event(session: Session, record: ConsentRecord, kind: str, actor, channel: str | None = None,
           at: datetime | None = None) -> ConsentEvent:
    event = ConsentEvent(consent_id=record.id, participant_id=record.participant_id, kind=kind,
                         at=at or now(), actor_id=_staff_id(actor), channel=channel)
    session.add(event)
    session.flush()
    return event


def withdraw(session: Session, record: ConsentRecord, *, actor=None,
             channel: Channel | str = Channel.IN_PERSON, reason: str | None = None,
             at: datetime | None = None) -> ConsentRecord:
    """Withdraw at once; later checks find no basis. Withdrawing twice changes nothing."""
    if record.withdrawn_at is not None:
        return record
    channel = Channel(channel)
    record.withdrawn_at = at or now()
    record.withdrawal_channel = channel.value
    record.withdrawal_reason = (reason or "").strip() or None
    _event(session, record, "withdrawn", actor, channel.value, record.withdrawn_at)
    audit.record("consent.withdraw", actor=actor, object_type="consent", object_id=record.id,
                 subject_id=record.participant_id, categories=["consent"],
                 grounds="consent_management",
                 details={"purpose": record.purpose, "channel": channel.value})
    return record


def record_expiries(session: Session, at: datetime | None = None) -> list[ConsentRecord]:
    """Write an "expired" event for every record whose end has passed (once each)."""
    at = at or now()
    expired = []
    query = select(ConsentRecord).where(ConsentRecord.valid_until.is_not(None),
                                        ConsentRecord.valid_until <= at,
                                        ConsentRecord.withdrawn_at.is_(None))
    already = set(session.scalars(select(ConsentEvent.consent_id).where(ConsentEvent.kind == "expired")))
    for record in session.scalars(query):
        if record.id in already:
            continue
        _event(session, record, "expired", None, at=record.valid_until)
        audit.record("consent.expire", actor=None, object_type="consent", object_id=record.id,
                     subject_id=record.participant_id, categories=["consent"],
                     details={"purpose": record.purpose, "event": record.valid_until_event})
        expired.append(record)
    return expired


def records_for(session: Session, participant_id: uuid.UUID) -> list[ConsentRecord]:
    return list(session.scalars(select(ConsentRecord)
                                .where(ConsentRecord.participant_id == participant_id)
                                .order_by(ConsentRecord.valid_from.desc())))

def add_notice_text(session: Session, *, purpose: Purpose | str, language: str, version: str,
                    title: str, body: str) -> NoticeText:
    """Store a new version of a notice text; an existing version is never changed."""
    text = NoticeText(purpose=Purpose(purpose).value, language=language, version=version,
                      title=title, body=body, sha256=hashlib.sha256(body.encode()).hexdigest())
    session.add(text)
    session.flush()
    return text


def current_notice_texts(session: Session, language: str) -> dict[str, NoticeText]:
    """The newest text per purpose in ``language``."""
    texts: dict[str, NoticeText] = {}
    for text in session.scalars(select(NoticeText).where(NoticeText.language == language)
                                .order_by(NoticeText.created_at)):
        texts[text.purpose] = text
    return texts


def expiring_soon(session: Session, participant_ids=None, days: int | None = None):
    at = now()
    days = days or current_app.config["CASEAPP_CONSENT_EXPIRY_WARNING_DAYS"]
    query = select(ConsentRecord).where(*expiring_conditions(at, days))
    if participant_ids is not None:
        query = query.where(ConsentRecord.participant_id.in_(participant_ids))
    return list(session.scalars(query.order_by(ConsentRecord.valid_until)))


def withdrawals_between(session: Session, start: datetime, end: datetime, participant_ids=None):
    query = select(ConsentRecord).where(ConsentRecord.withdrawn_at >= start,
                                        ConsentRecord.withdrawn_at < end)
    if participant_ids is not None:
        query = query.where(ConsentRecord.participant_id.in_(participant_ids))
    return list(session.scalars(query.order_by(ConsentRecord.withdrawn_at.desc())))
