"""My consents (/meg/samtykker): the young person sees every consent in plain words, withdraws
one with one tap (the worker's next write for that purpose is refused), gives a new waiver to
a named organisation (the handover to it then works) — or, below the adult age, is told that a
guardian must take part and nothing is recorded — and downloads the receipt."""
from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from audit.models import PARTICIPANT_ACTOR, AuditEvent
from caseapp.cases.models import Case
from caseapp.extensions import db
from caseapp.privacy.report import ACTIONS, GROUNDS, lines_for
from consent.models import ConsentRecord
from tests.handovers.conftest import receiver, vgs  # noqa: F401 (fixtures)
from tests.portal.conftest import _young_person

URL = "/meg/samtykker"


@pytest.fixture(autouse=True)
def notice_texts(app):
    from consent.notice_texts import ensure_default_texts

    ensure_default_texts(db.session)
    db.session.commit()


def case_of(person) -> Case:
    return db.session.scalar(select(Case).where(Case.participant_id == person.id))


def handover(client, login, person, vgs, receiver):
    """The person's worker hands the case to ``receiver`` at ``vgs`` (another organisation)."""
    from caseapp.accounts.models import User

    case = case_of(person)
    login(client, db.session.get(User, case.worker_id))
    return client.submit(f"/cases/{case.id}/handover", {
        "receiver": f"{receiver.id}:{vgs.id}", "note": "Overføring", "version": str(case.version)})


def records(person) -> list[ConsentRecord]:
    db.session.expire_all()
    return list(db.session.scalars(select(ConsentRecord)
                                   .where(ConsentRecord.participant_id == person.id)))


def assert_by_the_young_person(action: str, record: ConsentRecord, person) -> None:
    """The audit event of what the person did on /meg names them as actor, as a page view
    does: ``PARTICIPANT_ACTOR``, no staff id, the person as subject."""
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == action,
                                                       AuditEvent.object_id == str(record.id)))
    assert (event.actor_roles, event.actor_id, event.subject_id) == (
        PARTICIPANT_ACTOR, None, person.id)
    assert event.grounds == "consent_management"
    what = str(ACTIONS[action])
    # "Who has seen my data" (and the privacy officer's report) list others, not the person
    assert [line for line in lines_for(db.session, person.id) if line.what == what] == []
    (own_line,) = [line for line in lines_for(db.session, person.id, include_own=True)
                   if line.what == what]
    assert own_line.why == str(GROUNDS["own_data"])


def test_every_consent_in_plain_words_and_the_page_view_is_audited(portal_client, young, factory,
                                                                   vgs):
    factory.consent(young)
    factory.consent(young, purpose="share", organisation=vgs.organisation)
    page = portal_client.get(URL)
    assert page.status_code == 200
    assert "Agder fylkeskommune får se opplysninger om deg" in page.text
    assert "Kontaktpersonen din kan skrive ned opplysninger om deg" in page.text
    assert page.text.count(">Trekk tilbake<") == 2
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "portal.view")
                               .order_by(AuditEvent.seq.desc())).first()
    assert event.subject_id == young.id and event.details["page"] == "portal.consents"


def test_one_tap_withdrawal_refuses_the_workers_next_handover(portal_client, young, factory,
                                                              vgs, receiver, client, login,
                                                              make_client):
    waiver = factory.consent(young, purpose="share", organisation=vgs.organisation)
    factory.consent(young)
    response = portal_client.submit(f"{URL}/{waiver.id}/trekk", form_page=URL)
    assert response.status_code == 302
    assert "Samtykket ditt er trukket tilbake" in portal_client.get(URL).text
    db.session.expire_all()
    withdrawn = db.session.get(ConsentRecord, waiver.id)
    assert withdrawn.withdrawn_at is not None and withdrawn.withdrawal_channel == "digital"
    assert_by_the_young_person("consent.withdraw", waiver, young)
    worker = make_client()
    refused = handover(worker, login, young, vgs, receiver)
    assert "har ikke samtykket til deling med Agder fylkeskommune" in refused.text
    receipt = portal_client.get(f"{URL}/{waiver.id}/kvittering.pdf")
    assert receipt.headers["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(receipt.data)).pages)
    assert "Du trakk det tilbake selv på Mine sider." in text


def test_an_adults_new_waiver_lets_the_handover_to_that_organisation_work(
        factory, portal_login, client, make_client, login, vgs, receiver):
    adult = _young_person(factory, "Voksa", "Portalsen", "Voksen skole", born=date(2006, 1, 9))
    factory.consent(adult)
    portal_login(client, adult)
    page = client.get(URL)
    assert "Samtykke til å dele opplysninger" in page.text  # the current notice text
    response = client.submit(f"{URL}/ny", {"organisation": str(vgs.organisation_id),
                                           "categories": ["school", "notes"], "duration": "6"},
                             form_page=URL)
    assert response.status_code == 302, client.last_html
    (waiver,) = [r for r in records(adult) if r.purpose == "share"]
    assert (waiver.organisation_id, waiver.given_by, waiver.method) == (
        vgs.organisation_id, "subject", "digital")
    assert waiver.recorded_by_id is None
    assert_by_the_young_person("consent.grant", waiver, adult)
    assert "Agder fylkeskommune får se opplysninger om deg" in client.get(URL).text
    worker = make_client()
    assert handover(worker, login, adult, vgs, receiver).status_code == 302
    db.session.expire_all()
    assert case_of(adult).worker_id == receiver.id


def test_an_unchosen_organisation_is_refused_with_the_reason(factory, portal_login, client, vgs):
    db.session.commit()
    adult = _young_person(factory, "Voksa", "Portalsen", "Voksen skole", born=date(2006, 1, 9))
    portal_login(client, adult)
    response = client.submit(f"{URL}/ny", {"organisation": "", "categories": ["school"],
                                           "duration": "6"}, form_page=URL)
    assert response.status_code == 200 and "Velg hvem som får se det." in response.text
    assert records(adult) == []


def test_below_the_adult_age_a_guardian_must_take_part_and_nothing_is_recorded(
        portal_client, young, vgs):
    db.session.commit()
    page = portal_client.get(URL)
    assert "må en forelder eller foresatt være med" in page.text
    assert 'id="waiver-form"' not in page.text
    before = db.session.scalar(select(func.count(AuditEvent.id)))
    response = portal_client.submit(f"{URL}/ny", {
        "organisation": str(vgs.organisation_id), "categories": ["school"], "duration": "6"},
        form_page="/login")  # no form on the page: a token from elsewhere
    assert response.status_code == 200
    assert "På grunn av alderen din må en forelder eller foresatt være med" in response.text
    assert records(young) == []
    changes = db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action.like("consent.%")))
    assert changes == 0 and db.session.scalar(select(func.count(AuditEvent.id))) >= before


def test_a_guardians_consent_is_not_withdrawn_by_a_minor_alone(portal_client, young):
    from consent.services import grant

    record = grant(db.session, participant_id=young.id, purpose="research", given_by="guardians",
                   guardians=[{"name": "Foresatt Testesen", "relation": "mother"}])
    db.session.commit()
    page = portal_client.get(URL)
    assert "En forelder eller foresatt må være med for å trekke dette tilbake" in page.text
    portal_client.submit(f"{URL}/{record.id}/trekk", form_page="/login")
    assert db.session.get(ConsentRecord, record.id).withdrawn_at is None


def test_another_persons_consent_cannot_be_withdrawn_or_read(portal_client, other_young,
                                                             factory):
    theirs = factory.consent(other_young)
    token = portal_client.csrf_token("/login")
    response = portal_client.post(f"{URL}/{theirs.id}/trekk", data={"csrf_token": token})
    assert response.status_code == 404
    assert portal_client.get(f"{URL}/{theirs.id}/kvittering.pdf").status_code == 404
    assert db.session.get(ConsentRecord, theirs.id).withdrawn_at is None
