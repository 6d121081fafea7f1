"""Logging, editing and (softly) deleting sessions; every saved state is kept as a revision."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

import audit
from caseapp.accounts.models import User
from caseapp.cases.models import Case, CaseStatus
from caseapp.clock import now
from caseapp.editing import Refused, check_special_categories, require_follow_up
from caseapp.contacts.models import Contact, ContactRevision, RevisionAction
from caseapp.refusals import Conflict

NOTE_CATEGORIES = ("contact_notes",)


class ContactError(Refused):
    """The session cannot be saved."""


class StaleContact(Conflict):
    """Someone else saved the session after the user opened it; nothing was saved."""


@dataclass
class ContactData:
    occurred_at: datetime  # naive UTC
    duration_minutes: int
    kind: str
    present: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    note: str | None = None
    next_step: str | None = None
    next_date: date | None = None
    next_time: time | None = None  # Europe/Oslo wall-clock time on next_date
    next_place: str | None = None  # where the next session is (shown to the young person)
    goals: list[str] = field(default_factory=list)  # keys of plan goals
    summary_shared: bool = False  # note and next step shown to the young person

    def columns(self) -> dict:
        values = asdict(self)
        values["present"] = ",".join(self.present)
        values["topics"] = ",".join(self.topics)
        values["goal_keys"] = ",".join(values.pop("goals"))
        values["note"] = (self.note or "").strip() or None
        values["next_step"] = (self.next_step or "").strip() or None
        values["next_place"] = (self.next_place or "").strip() or None
        return values

def contacts_for_case(session: Session, case: Case) -> list[Contact]:
    """All sessions of the case, newest first, deleted ones included (shown as deleted)."""
    return list(session.scalars(select(Contact).where(Contact.case_id == case.id)
                                .order_by(Contact.occurred_at.desc())))


def _check_open(case: Case) -> None:
    if case.status == CaseStatus.CLOSED.value:
        raise ContactError([_("The case is closed. Sessions can no longer be logged or changed.")])


def _check_writable(session: Session, case: Case) -> None:
    _check_open(case)
    require_follow_up(session, case.participant_id, ContactError)


def _snapshot(session: Session, contact: Contact, action: RevisionAction, actor: User) -> None:
    # Loading the revisions must not flush the change early: the versioned UPDATE belongs in
    # ``_flush``, where a concurrent save (StaleDataError) becomes a conflict message.
    with session.no_autoflush:
        number = len(contact.revisions) + 1
    contact.revisions.append(ContactRevision(
        participant_id=contact.participant_id, number=number, action=action.value,
        saved_by_id=actor.id, saved_at=now(), occurred_at=contact.occurred_at,
        duration_minutes=contact.duration_minutes, kind=contact.kind, present=contact.present,
        topics=contact.topics, note=contact.note, next_step=contact.next_step,
        next_date=contact.next_date, next_time=contact.next_time, next_place=contact.next_place,
        goal_keys=contact.goal_keys,
        special_categories=contact.special_categories, summary_shared=contact.summary_shared))


def _flush(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError:  # a concurrent save won between our check and our write
        raise StaleContact() from None


def _audit(action: str, actor: User, contact: Contact, grounds: str | None) -> None:
    audit.record(action, actor=actor, object_type="contact", object_id=contact.id,
                 subject_id=contact.participant_id, categories=NOTE_CATEGORIES, grounds=grounds)


def _audit_sharing(actor: User, contact: Contact, was_shared: bool, grounds: str | None) -> None:
    """Sharing the summary with the young person, or taking it back, is its own event."""
    if contact.summary_shared != was_shared:
        _audit("contact.share" if contact.summary_shared else "contact.unshare", actor, contact,
               grounds)


def _special(session: Session, participant_id, data: ContactData, confirmed: bool,
             known=()) -> str:
    """The tag for the note's special categories (checked against the basis; warned about
    until ``confirmed``): ``SpecialCategoryWarning`` or ``ContactError`` saves nothing."""
    return ",".join(check_special_categories(session, participant_id, (data.note, data.next_step, data.next_place),
                                             confirmed=confirmed, refusal=ContactError,
                                             known=known))


def log_contact(session: Session, actor: User, case: Case, data: ContactData,
                grounds: str | None = None, *, confirmed: bool = False) -> Contact:
    _check_writable(session, case)
    special = _special(session, case.participant_id, data, confirmed)
    contact = Contact(case=case, participant_id=case.participant_id, created_by_id=actor.id,
                      special_categories=special, **data.columns())
    session.add(contact)
    # The first revision goes in the same flush: a new session has no revisions to count (no
    # query for them), and both rows are written at once.
    _snapshot(session, contact, RevisionAction.CREATED, actor)
    session.flush()
    _audit("contact.create", actor, contact, grounds)
    _audit_sharing(actor, contact, False, grounds)
    return contact


def edit_contact(session: Session, actor: User, contact: Contact, data: ContactData,
                 version: int, grounds: str | None = None, *, confirmed: bool = False) -> Contact:
    """Save a new state; the previous text stays in the history. ``version`` is the one the
    user opened: when it is not the current one, raise ``StaleContact``."""
    if contact.deleted:
        raise ContactError([_("The session is deleted and cannot be changed.")])
    if version != contact.version:
        raise StaleContact()
    _check_writable(session, contact.case)
    contact.special_categories = _special(session, contact.participant_id, data, confirmed,
                                          contact.special_codes)
    was_shared = contact.summary_shared
    for name, value in data.columns().items():
        setattr(contact, name, value)
    _snapshot(session, contact, RevisionAction.EDITED, actor)
    _flush(session)
    _audit("contact.edit", actor, contact, grounds)
    _audit_sharing(actor, contact, was_shared, grounds)
    return contact


def delete_contact(session: Session, actor: User, contact: Contact, version: int,
                   grounds: str | None = None) -> Contact:
    """Soft delete: hidden from the case, kept (and marked) in the history."""
    if contact.deleted:
        return contact
    if version != contact.version:
        raise StaleContact()
    # Deleting reduces what is kept: possible after a withdrawal too (consent/__init__.py).
    _check_open(contact.case)
    contact.deleted_at = now()
    _snapshot(session, contact, RevisionAction.DELETED, actor)
    _flush(session)
    _audit("contact.delete", actor, contact, grounds)
    return contact


def show_contact(session: Session, actor: User, contact: Contact, grounds: str | None) -> Contact:
    """Opening a session (e.g. to edit it) shows its note: audited."""
    _audit("contact.view", actor, contact, grounds)
    return contact


def show_history(session: Session, actor: User, contact: Contact,
                 grounds: str | None) -> list[ContactRevision]:
    """Every saved state of the session, oldest first; opening it is audited."""
    audit.record("contact.history_view", actor=actor, object_type="contact", object_id=contact.id,
                 subject_id=contact.participant_id, categories=NOTE_CATEGORIES, grounds=grounds)
    return list(contact.revisions)


def next_planned(contacts: list[Contact], today: date) -> date | None:
    """The next session date set in the latest session (if it is today or later)."""
    latest = next((c for c in contacts if not c.deleted), None)
    if latest is None or latest.next_date is None or latest.next_date < today:
        return None
    return latest.next_date
