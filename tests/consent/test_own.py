"""The young person's own consents (consent/own.py): a digital withdrawal stops the worker's
writes for that purpose at once, a digital waiver to a named organisation lets a handover to
it go through, and the age rules decide what the person may do alone (nothing recorded when
they may not)."""
from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from flask_babel import force_locale
from pypdf import PdfReader
from sqlalchemy import func, select

from audit.models import PARTICIPANT_ACTOR, AuditEvent
from caseapp.cases.models import Case
from caseapp.extensions import db
from caseapp.handovers.models import Handover
from consent import own
from consent.models import ConsentEvent, ConsentRecord
from consent.receipt import build_receipt
from consent.services import ConsentError, grant, records_for, valid_basis
from tests.contacts.test_sessions import quick
from tests.handovers.conftest import receiver, vgs  # noqa: F401 (fixtures)

ADULT, SIXTEEN, FOURTEEN = date(2007, 3, 4), date(2010, 5, 17), date(2012, 6, 1)


@pytest.fixture(autouse=True)
def notice_texts(app):
    from consent.notice_texts import ensure_default_texts

    ensure_default_texts(db.session)
    db.session.commit()


def case_of(factory, mentor, school, born):
    case = factory.case(mentor, school, participant=factory.participant(born=born))
    factory.consent(case.participant)  # follow-up, given with a guardian
    return case


def handover(client, case, vgs, receiver):
    return client.submit(f"/cases/{case.id}/handover", {
        "receiver": f"{receiver.id}:{vgs.id}", "note": "Overføring", "version": str(case.version)})


def counts() -> tuple[int, int, int]:
    return tuple(db.session.scalar(select(func.count(model.id)))
                 for model in (ConsentRecord, ConsentEvent, AuditEvent))


def test_own_waiver_lets_the_handover_to_that_organisation_go_through(
        factory, mentor, school, vgs, receiver, client, login, clock):
    case = case_of(factory, mentor, school, ADULT)
    login(client, mentor)
    assert "har ikke samtykket til deling" in handover(client, case, vgs, receiver).text
    notice = own.notice_text(db.session, "nb")
    record = own.grant_waiver(db.session, case.participant, organisation=vgs.organisation,
                              categories=["notes", "school"], duration="12", notice=notice)
    db.session.commit()
    assert (record.given_by, record.method, record.recorded_by_id) == ("subject", "digital", None)
    assert record.notice_text_id == notice.id
    assert record.valid_until == clock.now().replace(year=2027)  # a year from now
    assert handover(client, case, vgs, receiver).status_code == 302
    db.session.expire_all()
    assert db.session.get(Case, case.id).worker_id == receiver.id
    assert db.session.scalar(select(Handover)).history_shared  # "notes" was chosen
    grant_event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "consent.grant",
                                                             AuditEvent.object_id == str(record.id)))
    assert grant_event.details["method"] == "digital" and grant_event.actor_id is None
    assert (grant_event.actor_roles, grant_event.subject_id) == (PARTICIPANT_ACTOR,
                                                                 case.participant_id)


def test_own_withdrawal_refuses_the_next_handover(factory, mentor, school, vgs, receiver, client,
                                                  login):
    case = case_of(factory, mentor, school, SIXTEEN)
    waiver = factory.consent(case.participant, purpose="share", organisation=vgs.organisation)
    own.withdraw(db.session, case.participant, waiver)
    db.session.commit()
    assert waiver.withdrawal_channel == "digital"
    event = db.session.scalar(select(ConsentEvent).where(ConsentEvent.consent_id == waiver.id,
                                                         ConsentEvent.kind == "withdrawn"))
    assert event.actor_id is None  # no staff member
    audited = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "consent.withdraw",
                                                         AuditEvent.object_id == str(waiver.id)))
    assert (audited.actor_roles, audited.actor_id) == (PARTICIPANT_ACTOR, None)
    login(client, mentor)
    response = handover(client, case, vgs, receiver)
    assert "har ikke samtykket til deling med Agder fylkeskommune" in response.text
    db.session.expire_all()
    assert db.session.get(Case, case.id).worker_id == mentor.id


def test_own_withdrawal_of_follow_up_refuses_the_next_session(factory, mentor, school, client,
                                                              login):
    case = case_of(factory, mentor, school, SIXTEEN)
    (follow_up,) = records_for(db.session, case.participant_id)
    own.withdraw(db.session, case.participant, follow_up)
    db.session.commit()
    login(client, mentor)
    response = client.submit(f"/cases/{case.id}/contacts/new", quick())
    assert response.status_code == 200
    assert "samtykke" in response.text.lower()
    assert valid_basis(db.session, case.participant_id, "follow_up") is None


def test_below_the_adult_age_a_new_waiver_needs_a_guardian_and_nothing_is_recorded(
        factory, mentor, school, vgs):
    case = case_of(factory, mentor, school, SIXTEEN)
    before = counts()
    with pytest.raises(own.GuardianNeeded):
        own.grant_waiver(db.session, case.participant, organisation=vgs.organisation,
                         categories=["school"], duration="6",
                         notice=own.notice_text(db.session, "nb"))
    assert counts() == before


@pytest.mark.parametrize("born, given_by, alone", [
    (ADULT, "guardians", True),  # an adult decides alone, whoever gave it
    (SIXTEEN, "subject_and_guardians", True),  # gave it themselves: may take it back
    (SIXTEEN, "guardians", False),  # the guardians' consent: they must take part
    (FOURTEEN, "subject_and_guardians", False),  # below the mature age
])
def test_age_rules_decide_who_may_withdraw_alone(factory, born, given_by, alone):
    person = factory.participant(born=born)
    record = grant(db.session, participant_id=person.id, purpose="research", given_by=given_by,
                   guardians=[{"name": "Foresatt Testesen", "relation": "mother"}])
    db.session.commit()
    before = counts()
    if alone:
        own.withdraw(db.session, person, record)
        assert record.withdrawn_at is not None
    else:
        with pytest.raises(own.GuardianNeeded):
            own.withdraw(db.session, person, record)
        assert counts() == before and record.withdrawn_at is None


def test_a_statutory_basis_and_someone_elses_consent_cannot_be_withdrawn(factory):
    person, other = factory.participant(born=ADULT), factory.participant(born=ADULT)
    statutory = grant(db.session, participant_id=person.id, purpose="follow_up",
                      legal_basis="statutory", statutory_reference="Opplæringslova § 3-7")
    theirs = grant(db.session, participant_id=other.id, purpose="research")
    with pytest.raises(ConsentError):
        own.withdraw(db.session, person, statutory)
    with pytest.raises(LookupError):
        own.withdraw(db.session, person, theirs)
    assert statutory.withdrawn_at is None and theirs.withdrawn_at is None


def test_a_waiver_needs_a_choice_of_what_and_how_long(factory, vgs):
    person = factory.participant(born=ADULT)
    notice = own.notice_text(db.session, "en")
    with pytest.raises(ConsentError) as refused:
        own.grant_waiver(db.session, person, organisation=vgs.organisation,
                         categories=["health"], duration="forever", notice=notice)
    assert len(refused.value.messages) == 2
    assert not records_for(db.session, person.id)


def test_organisations_already_named_are_not_offered_again(factory, vgs):
    person = factory.participant(born=ADULT)
    other = factory.unit("Nav Kristiansand", "Nav", "nav_office")
    assert {o.name for o in own.organisations_to_choose(db.session, person)} >= {
        "Agder fylkeskommune", "Nav"}
    own.grant_waiver(db.session, person, organisation=other.organisation, categories=["work"],
                     duration="until_withdrawn", notice=own.notice_text(db.session, "nb"))
    assert "Nav" not in {o.name for o in own.organisations_to_choose(db.session, person)}


def test_the_receipt_says_it_was_given_and_withdrawn_on_my_pages(factory, vgs, app):
    person = factory.participant(born=ADULT)
    record = own.grant_waiver(db.session, person, organisation=vgs.organisation,
                              categories=["school"], duration="6",
                              notice=own.notice_text(db.session, "en"))
    own.withdraw(db.session, person, record)
    with app.test_request_context(), force_locale("nb"):
        text = "".join(p.extract_text() for p in PdfReader(BytesIO(
            build_receipt(record, person, "Test Veileder"))).pages)
    assert "Du ga dette samtykket selv på Mine sider." in text
    assert "Du trakk det tilbake selv på Mine sider." in text
    assert "Agder fylkeskommune" in text
