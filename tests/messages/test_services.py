"""The messages' domain functions, on SQLite and PostgreSQL: encrypted at rest, audited, only in
one's own case, nothing saved when refused, and the unread count per case."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from audit.models import AuditEvent
from caseapp.cases.models import CaseStatus
from caseapp.extensions import db
from caseapp.messages import services
from caseapp.messages.models import MAX_LENGTH, Message
from consent.models import ConsentRecord
from consent.services import withdraw


def _count() -> int:
    return db.session.scalar(select(func.count(Message.id)))


def test_the_text_is_sealed_in_the_database(case):
    services.send_from_participant(db.session, case.participant, case, "Hei, jeg kommer ikke i dag")
    db.session.commit()
    raw = bytes(db.session.execute(text("SELECT body FROM messages")).scalar_one())
    assert b"kommer ikke" not in raw and "kommer ikke".encode("utf-16-le") not in raw
    db.session.expire_all()
    assert db.session.scalar(select(Message)).body == "Hei, jeg kommer ikke i dag"


def test_both_ways_are_audited_without_the_text(case, mentor):
    services.send_from_participant(db.session, case.participant, case, "Kan vi møtes?")
    services.send_from_worker(db.session, mentor, case, "Ja, torsdag kl. 10.", "own_caseload")
    db.session.commit()
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "message.send")
                                .order_by(AuditEvent.seq)).all()
    assert [e.details["sender"] for e in events] == ["participant", "worker"]
    assert events[0].actor_id is None and events[0].actor_roles == "participant"
    assert events[0].grounds == "own_data"
    assert events[1].actor_id == mentor.id and events[1].grounds == "own_caseload"
    assert all(e.subject_id == case.participant_id and e.categories == ["messages"]
               for e in events)
    assert "møtes" not in str([e.details for e in events])


def test_a_young_person_cannot_post_into_or_read_a_foreign_case(case, foreign_case):
    with pytest.raises(services.NotYourCase):
        services.send_from_participant(db.session, case.participant, foreign_case, "Hei")
    with pytest.raises(services.NotYourCase):
        services.open_as_participant(db.session, case.participant, foreign_case)
    assert _count() == 0


@pytest.mark.parametrize("body,message", [
    ("   ", "Skriv en melding før du sender."),
    ("x" * (MAX_LENGTH + 1), f"Meldingen er for lang: høyst {MAX_LENGTH} tegn, den har "
                             f"{MAX_LENGTH + 1}."),
])
def test_empty_or_too_long_is_refused_and_nothing_is_saved(case, body, message):
    with pytest.raises(services.MessageRefused) as refused:
        services.send_from_participant(db.session, case.participant, case, body)
    assert message in refused.value.messages[0]
    assert _count() == 0
    assert db.session.scalar(select(func.count(AuditEvent.id))
                             .where(AuditEvent.action == "message.send")) == 0


def test_the_longest_allowed_message_is_kept_whole(case):
    body = "æ" * MAX_LENGTH
    services.send_from_participant(db.session, case.participant, case, body)
    db.session.commit()
    db.session.expire_all()
    assert db.session.scalar(select(Message)).body == body


def test_without_a_basis_for_follow_up_neither_side_can_write(case, mentor):
    for consent in db.session.scalars(select(ConsentRecord).where(
            ConsentRecord.participant_id == case.participant_id)):
        withdraw(db.session, consent, reason="Trakk samtykket")
    db.session.commit()
    with pytest.raises(services.MessageRefused) as refused:
        services.send_from_participant(db.session, case.participant, case, "Hei")
    assert "Ingenting ble sendt" in refused.value.messages[0]
    with pytest.raises(services.MessageRefused) as refused:
        services.send_from_worker(db.session, mentor, case, "Hei")
    assert "Ingenting ble lagret" in refused.value.messages[0]
    assert _count() == 0


def test_a_closed_case_takes_no_messages(case, mentor):
    case.status = CaseStatus.CLOSED.value
    db.session.commit()
    with pytest.raises(services.MessageRefused):
        services.send_from_participant(db.session, case.participant, case, "Hei")
    with pytest.raises(services.MessageRefused):
        services.send_from_worker(db.session, mentor, case, "Hei")
    assert _count() == 0


def test_unread_counts_follow_what_each_side_has_opened(case, foreign_case, mentor):
    for text_ in ("En", "To"):
        services.send_from_participant(db.session, case.participant, case, text_)
    services.send_from_participant(db.session, foreign_case.participant, foreign_case, "Ikke din")
    services.send_from_worker(db.session, mentor, case, "Svar")
    db.session.commit()
    assert services.unread_counts_for_worker(db.session, mentor) == {case.id: 2}
    assert services.unread_for_participant(db.session, case.participant_id) == 1

    thread = services.open_as_worker(db.session, mentor, case, "own_caseload")
    db.session.commit()
    assert [m.body for m in thread] == ["En", "To", "Svar"]
    assert services.unread_counts_for_worker(db.session, mentor) == {}
    # the worker's reading leaves the worker's own message unread for the young person
    assert services.unread_for_participant(db.session, case.participant_id) == 1
    services.open_as_participant(db.session, case.participant, case)
    db.session.commit()
    assert services.unread_for_participant(db.session, case.participant_id) == 0
    assert db.session.scalar(select(func.count(AuditEvent.id))
                             .where(AuditEvent.action == "message.view")) == 1
