"""Sending and reading messages in a case. Both sides write only into an open case with a
valid basis for follow-up, like every other write about the person; a refused message saves
nothing. The young person reaches only their own case (``NotYourCase`` otherwise)."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import Session

import audit
from caseapp.accounts.models import User
from caseapp.cases.models import Case, CaseStatus
from caseapp.clock import now
from caseapp.editing import Refused, require_follow_up
from caseapp.handovers.models import Handover
from caseapp.messages.models import MAX_LENGTH, Message, Sender
from caseapp.participants.models import Participant

CATEGORIES = ("messages",)


class MessageRefused(Refused):
    """The message cannot be sent; nothing was saved."""


class NotYourCase(LookupError):
    """A young person asked for a case that is not theirs."""


def text_problem(body: str | None) -> str | None:
    """What is wrong with the message, or None (the form asks this; a refusal would end the
    request's transaction, ``caseapp.refusals``)."""
    text = (body or "").strip()
    if not text:
        return _("Write a message before you send it.")
    if len(text) > MAX_LENGTH:
        return _("The message is too long: at most %(max)d characters, it has %(num)d. "
                 "Shorten it and send again. Nothing was sent.", max=MAX_LENGTH, num=len(text))
    return None


def check_text(body: str | None) -> str:
    """The message as it will be stored, or ``MessageRefused`` saying what is wrong."""
    problem = text_problem(body)
    if problem:
        raise MessageRefused([problem])
    return (body or "").strip()


def _own(participant: Participant, case: Case) -> None:
    if participant is None or case is None or case.participant_id != participant.id:
        raise NotYourCase()


def _check_open(case: Case) -> None:
    if case.status == CaseStatus.CLOSED.value:
        raise MessageRefused([_("The case is closed. Messages can no longer be sent in it.")])


def _next_time(session: Session, case: Case) -> datetime:
    """Now, or just after the case's latest message: the thread's order is the order sent,
    even for two messages within one tick of the clock."""
    latest = session.scalar(select(func.max(Message.sent_at)).where(Message.case_id == case.id))
    at = now()
    return latest + timedelta(microseconds=1) if latest is not None and at <= latest else at


def _store(session: Session, case: Case, sender: Sender, text: str,
           worker: User | None = None) -> Message:
    message = Message(case_id=case.id, participant_id=case.participant_id, sender=sender.value,
                      worker_id=worker.id if worker else None, body=text,
                      sent_at=_next_time(session, case))
    session.add(message)
    session.flush()
    return message


def send_from_participant(session: Session, participant: Participant, case: Case,
                          body: str | None) -> Message:
    """The young person writes to their worker; the young person is the actor."""
    _own(participant, case)
    text = check_text(body)
    _check_open(case)
    try:
        require_follow_up(session, case.participant_id, MessageRefused)
    except MessageRefused:  # the staff's wording asks to record a basis: not the person's task
        raise MessageRefused([_("The message could not be sent: there is no valid consent or "
                                "other basis for following you up now. Nothing was sent.")]) \
            from None
    message = _store(session, case, Sender.PARTICIPANT, text)
    audit.record("message.send", actor=participant, object_type="message", object_id=message.id,
                 subject_id=participant.id, categories=CATEGORIES, grounds="own_data",
                 details={"sender": Sender.PARTICIPANT.value, "case": str(case.id)})
    return message


def send_from_worker(session: Session, actor: User, case: Case, body: str | None,
                     grounds: str | None = None) -> Message:
    """The worker answers in the case (``roles``: ``message.write`` decided before)."""
    text = check_text(body)
    _check_open(case)
    require_follow_up(session, case.participant_id, MessageRefused)
    message = _store(session, case, Sender.WORKER, text, actor)
    audit.record("message.send", actor=actor, object_type="message", object_id=message.id,
                 subject_id=case.participant_id, categories=CATEGORIES, grounds=grounds,
                 details={"sender": Sender.WORKER.value, "case": str(case.id)})
    return message


def _in(case: Case, since: datetime | None) -> list:
    """The case's messages, or only those after ``since``: a receiver of a cross-organisation
    handover without the history (``roles.handover.hidden_before``) sees none from before."""
    conditions = [Message.case_id == case.id]
    if since is not None:
        conditions.append(Message.sent_at > since)
    return conditions


def thread(session: Session, case: Case, since: datetime | None = None) -> list[Message]:
    """The messages of the case (after ``since``), oldest first."""
    return list(session.scalars(select(Message).where(*_in(case, since))
                                .order_by(Message.sent_at, Message.id)))


def mark_read(session: Session, case: Case, reader: Sender, at: datetime | None = None,
              since: datetime | None = None) -> int:
    """The other side's unread messages in the case (after ``since``) are read by ``reader``
    now; how many. Messages already loaded keep their state for this request, so the page
    that marks them read still shows them as new."""
    result = session.execute(
        update(Message).where(*_in(case, since), Message.sender != reader.value,
                              Message.read_at.is_(None))
        .values(read_at=at or now()).execution_options(synchronize_session=False))
    return result.rowcount or 0


def open_as_worker(session: Session, actor: User, case: Case, grounds: str | None = None,
                   since: datetime | None = None) -> list[Message]:
    """The worker reads the thread (after ``since``): the young person's messages are read;
    audited."""
    messages = thread(session, case, since)
    mark_read(session, case, Sender.WORKER, since=since)
    audit.record("message.view", actor=actor, object_type="case", object_id=case.id,
                 subject_id=case.participant_id, categories=CATEGORIES, grounds=grounds)
    return messages


def open_as_participant(session: Session, participant: Participant,
                        case: Case) -> list[Message]:
    """The young person reads the thread of their own case: the worker's messages are read.
    (The page view itself is audited by the portal.)"""
    _own(participant, case)
    messages = thread(session, case)
    mark_read(session, case, Sender.PARTICIPANT)
    return messages


def unread_counts_for_worker(session: Session, worker: User) -> dict[uuid.UUID, int]:
    """Per case the worker is responsible for: the young person's messages not yet read (not
    those from before a handover to the worker that did not carry the history)."""
    hidden = exists().where(Handover.case_id == Message.case_id,
                            Handover.to_worker_id == worker.id,
                            Handover.history_shared.is_(False),
                            Handover.created_at >= Message.sent_at)
    rows = session.execute(
        select(Message.case_id, func.count(Message.id))
        .join(Case, Case.id == Message.case_id)
        .where(Case.worker_id == worker.id, Message.sender == Sender.PARTICIPANT.value,
               Message.read_at.is_(None), ~hidden)
        .group_by(Message.case_id))
    return {case_id: count for case_id, count in rows}


def unread_for_participant(session: Session, participant_id: uuid.UUID,
                           case_id: uuid.UUID | None = None) -> int:
    """The worker's messages to the young person not yet read (all their cases, or only the
    case ``case_id``: the thread their messages page shows and marks read). The same
    ``read_at`` the worker's side uses: ``open_as_participant`` sets it."""
    conditions = [Message.participant_id == participant_id, Message.sender == Sender.WORKER.value,
                  Message.read_at.is_(None)]
    if case_id is not None:
        conditions.append(Message.case_id == case_id)
    return session.scalar(select(func.count(Message.id)).where(*conditions)) or 0
