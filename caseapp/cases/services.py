"""Reading cases for the people allowed to see them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Load, Session, joinedload
from sqlalchemy.orm.exc import StaleDataError

import audit
from caseapp.accounts.models import User
from caseapp.cases.models import Case, CaseStatus
from caseapp.crypto.fields import defer_sealed
from caseapp.participants.models import Participant
from caseapp.participants.models import names_only as only_names
from caseapp.refusals import Conflict
from caseapp.units.models import Unit

IDENTITY_CATEGORIES = ("identity", "national_id")
# What a worker sees on the case page besides identity.
DETAIL_CATEGORIES = ("contact_details", "guardians", "placement", "contact_notes")


class StaleCase(Conflict):
    """Someone changed the case after the user opened it; nothing was saved."""


def flush_case(session: Session) -> None:
    """Flush a change to a case; a concurrent change (version mismatch) raises ``StaleCase``."""
    try:
        session.flush()
    except StaleDataError:  # the conflict ends the request's transaction (caseapp.transaction)
        raise StaleCase() from None


def create_case(session: Session, actor: User, participant: Participant, *, programme: str,
                track: str, unit: Unit, started_on: date, school_or_workplace: str | None = None,
                grade_or_programme: str | None = None) -> Case:
    """Open a case with ``actor`` as the responsible worker."""
    case = Case(participant=participant, programme=programme, track=track, unit_id=unit.id,
                worker_id=actor.id, started_on=started_on,
                school_or_workplace=(school_or_workplace or "").strip() or None,
                grade_or_programme=(grade_or_programme or "").strip() or None)
    session.add(case)
    session.flush()
    audit.record("case.create", actor=actor, object_type="case", object_id=case.id,
                 subject_id=participant.id, categories=["placement"], grounds="own_caseload",
                 details={"programme": programme, "track": track})
    return case


def worker_cases_query(worker: User, include_closed: bool = False, *, participants=None,
                       names_only: bool = False):
    """The SELECT of the worker's own caseload ("Mine saker", with participant and unit), to
    add columns to; listing is not a view of each person. ``participants``: only the cases of
    these participants (a SELECT of ids). ``names_only``: of the encrypted values only the
    participants' names are loaded (and decrypted); the others load when first read."""
    person = joinedload(Case.participant)
    if names_only:
        person = only_names(person)
    query = (select(Case).where(Case.worker_id == worker.id)
             .options(person, joinedload(Case.unit))
             .order_by(Case.started_on.desc()))
    if names_only:
        query = query.options(defer_sealed(Load(Case), Case))
    if participants is not None:
        query = query.where(Case.participant_id.in_(participants))
    if not include_closed:
        query = query.where(Case.status != CaseStatus.CLOSED.value)
    return query


def open_another_case(session: Session, actor: User, participant: Participant, **fields) -> Case:
    """A further case for a person already followed (a person can have several over time)."""
    from flask_babel import gettext as _

    from caseapp.editing import Refused, require_follow_up

    open_cases = session.scalars(select(Case).where(
        Case.participant_id == participant.id, Case.programme == fields["programme"],
        Case.status != CaseStatus.CLOSED.value))
    if next(iter(open_cases), None) is not None:
        raise Refused([_("The person already has an open case in this programme.")])
    require_follow_up(session, participant.id)
    return create_case(session, actor, participant, **fields)


def set_paused(session: Session, actor: User, case: Case, paused: bool, version: int,
               grounds: str | None = None) -> Case:
    """Pause or resume an open case (optimistic lock on ``version``). Pausing reduces the
    processing and needs no basis; resuming needs a valid basis for follow-up."""
    from caseapp.editing import require_follow_up

    if case.status == CaseStatus.CLOSED.value:
        return case
    if version != case.version:
        raise StaleCase()
    if not paused:
        require_follow_up(session, case.participant_id)
    case.status = (CaseStatus.PAUSED if paused else CaseStatus.ACTIVE).value
    flush_case(session)
    audit.record("case.pause" if paused else "case.resume", actor=actor, object_type="case",
                 object_id=case.id, subject_id=case.participant_id, grounds=grounds)
    return case

def open_case(session: Session, actor: User, case: Case, grounds: str,
              with_details: bool = False, with_messages: bool = False) -> Case:
    """Record that ``actor`` opened ``case`` (identity shown, and with ``with_details`` the
    contact details, guardians and session notes; with ``with_messages`` the messages in the
    timeline) and return it for display."""
    categories = IDENTITY_CATEGORIES + (DETAIL_CATEGORIES if with_details else ())
    categories += ("messages",) if with_messages else ()
    audit.record("case.view", actor=actor, object_type="case", object_id=case.id,
                 subject_id=case.participant_id, categories=categories, grounds=grounds)
    return case


@dataclass
class WorkerLoad:
    unit: Unit
    worker: User
    active: int
    paused: int


def caseload_for_units(session: Session, units: list[Unit]) -> list[WorkerLoad]:
    """Per unit and worker: active and paused cases. Metadata only, no personal data."""
    if not units:
        return []
    rows = session.execute(
        select(Case.unit_id, Case.worker_id, Case.status, func.count())
        .where(Case.unit_id.in_([u.id for u in units]), Case.status != CaseStatus.CLOSED.value)
        .group_by(Case.unit_id, Case.worker_id, Case.status)).all()
    by_key: dict[tuple, dict[str, int]] = {}
    for unit_id, worker_id, status, count in rows:
        by_key.setdefault((unit_id, worker_id), {})[status] = count
    unit_map = {u.id: u for u in units}
    workers = {u.id: u for u in session.scalars(
        select(User).where(User.id.in_({w for _, w in by_key})))}
    loads = [WorkerLoad(unit_map[u], workers[w], c.get("active", 0), c.get("paused", 0))
             for (u, w), c in by_key.items()]
    return sorted(loads, key=lambda l: (l.unit.display_name, l.worker.display_name))
