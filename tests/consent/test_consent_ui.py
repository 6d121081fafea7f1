"""Recording, withdrawing and printing consent in the browser, and the overviews."""
from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select, text

from caseapp.extensions import db
from caseapp.units.services import get_or_create_organisation
from consent.models import ConsentEvent, ConsentRecord
from consent.purposes import Purpose
from consent.services import NoValidBasis, grant, record_expiries, require, withdraw

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40


@pytest.fixture
def school(factory):
    return factory.unit("Lund ungdomsskole", "Kristiansand kommune")


@pytest.fixture
def mentor(factory, school):
    return factory.user("youth_mentor", [school])


def _form(**values):
    data = {"purpose": "follow_up", "organisation": "", "legal_basis": "consent",
            "statutory_reference": "", "given_by": "subject", "guardian1_name": "",
            "guardian1_relation": "", "guardian2_name": "", "guardian2_relation": "",
            "maturity_reason": "", "data_categories": ["identity", "school"], "method": "digital",
            "witness": "", "valid_from": "2026-11-02", "valid_until": ""}
    data.update(values)
    return data


def _records(participant_id):
    db.session.expire_all()
    return db.session.scalars(select(ConsentRecord).where(
        ConsentRecord.participant_id == participant_id)).all()


def test_fourteen_year_old_with_guardian_consent_receipt_and_withdrawal(
        factory, school, mentor, client, login):
    pupil = factory.participant("Sara", "Olsen", born=date(2012, 3, 1))
    factory.case(mentor, school, participant=pupil)
    login(client, mentor)
    url = f"/consent/participant/{pupil.id}/new"
    alone = client.submit(url, _form())
    assert "Ungdommen er 14 år: samtykke fra foresatte kreves." in alone.text
    assert _records(pupil.id) == []
    response = client.submit(url, _form(given_by="guardians", guardian1_name="Lise Olsen",
                                        guardian1_relation="mor", method="paper_scan"),
                             content_type="multipart/form-data")
    assert response.status_code == 302
    [record] = _records(pupil.id)
    assert record.given_by == "guardians" and record.subject_age == 14
    assert record.valid_until.date() == date(2030, 3, 1)  # ends at 18: renewal needed
    page = client.get(f"/consent/participant/{pupil.id}").text
    assert "Gyldig" in page and "blir myndig" in page
    assert require(db.session, pupil.id, Purpose.FOLLOW_UP)

    pdf = client.get(f"/consent/{record.id}/receipt.pdf")
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.headers["Content-Disposition"].startswith("attachment")
    text_ = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    for expected in ("Kvittering for samtykket ditt", "Sara Olsen", "Oppfølging ved nøkkelpersonen",
                     "Lise Olsen", "trekke tilbake", "personvernombudet", "myndig"):
        assert expected in " ".join(text_.split()), expected
    english = client.get(f"/consent/{record.id}/receipt.pdf?lang=en")
    assert "Receipt for your consent" in PdfReader(io.BytesIO(english.data)).pages[0].extract_text()

    token = client.csrf_token(f"/consent/participant/{pupil.id}")
    client.post(f"/consent/{record.id}/withdraw", data={"csrf_token": token, "channel": "sms",
                                                        "reason": ""})
    assert "Trukket tilbake" in client.get(f"/consent/participant/{pupil.id}").text
    db.session.expire_all()
    with pytest.raises(NoValidBasis):
        require(db.session, pupil.id, Purpose.FOLLOW_UP)
    kinds = db.session.scalars(select(ConsentEvent.kind).where(
        ConsentEvent.consent_id == record.id).order_by(ConsentEvent.at)).all()
    assert kinds == ["granted", "withdrawn"]


def test_sixteen_year_old_alone_needs_a_recorded_maturity_assessment(
        factory, school, mentor, client, login):
    pupil = factory.participant(born=date(2010, 5, 17))
    factory.case(mentor, school, participant=pupil)
    login(client, mentor)
    url = f"/consent/participant/{pupil.id}/new"
    refused = client.submit(url, _form())
    assert "modenhetsvurderingen" in refused.text and _records(pupil.id) == []
    client.submit(url, _form(maturity_reason="Moden, forstår hva deling betyr."))
    [record] = _records(pupil.id)
    assert record.maturity_assessed_by_id == mentor.id and record.maturity_reason


def test_adult_nav_candidate_consents_and_lifts_confidentiality_towards_a_named_partner(
        factory, client, login):
    care_home = factory.unit("Vågsbygd omsorgssenter", "Kristiansand kommune", "care_home")
    leader = factory.user("work_leader", [care_home])
    candidate = factory.participant("Amina", "Hassan", born=date(2002, 6, 1))
    factory.case(leader, care_home, participant=candidate)
    county = get_or_create_organisation(db.session, "Agder fylkeskommune")
    nav = get_or_create_organisation(db.session, "Nav Kristiansand")
    db.session.commit()
    login(client, leader)
    url = f"/consent/participant/{candidate.id}/new"
    assert client.submit(url, _form()).status_code == 302
    missing_org = client.submit(url, _form(purpose="share"))
    assert "Oppgi organisasjonen" in missing_org.text
    assert client.submit(url, _form(purpose="share", organisation=str(county.id))).status_code == 302
    assert require(db.session, candidate.id, Purpose.SHARE, organisation_id=county.id)
    with pytest.raises(NoValidBasis):
        require(db.session, candidate.id, Purpose.SHARE, organisation_id=nav.id)


@pytest.mark.parametrize("values,message", [
    ({"valid_from": "2030-01-01"}, "kan ikke dateres fram i tid"),
    ({"valid_from": "not a date"}, "gyldig dato"),
    ({"legal_basis": "statutory"}, "Oppgi loven"),
    ({"method": "in_person_witness"}, "Oppgi vitnet"),
    ({"valid_until": "2026-01-01"}, "Sluttdatoen må være etter startdatoen"),
])
def test_bad_input_is_explained_and_nothing_saved(factory, client, login, values, message):
    unit = factory.unit()
    leader = factory.user("work_leader", [unit])
    adult = factory.participant(born=date(2000, 1, 1))
    factory.case(leader, unit, participant=adult)
    login(client, leader)
    response = client.submit(f"/consent/participant/{adult.id}/new", _form(**values))
    assert response.status_code == 200 and message in response.text
    assert _records(adult.id) == []


def test_evidence_is_checked_by_content_and_stored_encrypted(factory, client, login, app):
    unit = factory.unit()
    leader = factory.user("work_leader", [unit])
    adult = factory.participant(born=date(2000, 1, 1))
    factory.case(leader, unit, participant=adult)
    login(client, leader)
    url = f"/consent/participant/{adult.id}/new"
    fake = client.submit(url, {**_form(method="paper_scan"),
                               "evidence": (io.BytesIO(b"MZ not a pdf"), "skjema.pdf")},
                         content_type="multipart/form-data")
    assert "må være en PDF-, JPEG- eller PNG-fil" in fake.text and _records(adult.id) == []
    app.config["CASEAPP_EVIDENCE_MAX_BYTES"] = 100
    big = client.submit(url, {**_form(method="paper_scan"),
                              "evidence": (io.BytesIO(PNG + b"\x00" * 200), "skjema.png")},
                        content_type="multipart/form-data")
    assert "større enn" in big.text and _records(adult.id) == []
    app.config["CASEAPP_EVIDENCE_MAX_BYTES"] = 5 * 1024 * 1024
    ok = client.submit(url, {**_form(method="paper_scan"),
                             "evidence": (io.BytesIO(PNG), "skjema.png")},
                       content_type="multipart/form-data")
    assert ok.status_code == 302
    [record] = _records(adult.id)
    assert record.evidence_mimetype == "image/png"
    raw = db.session.execute(text("SELECT evidence FROM consent_records")).scalar_one()
    assert b"PNG" not in bytes(raw) and b"iVBOR" not in bytes(raw)


def test_two_guardians_when_configured(factory, app):
    app.config["CASEAPP_CONSENT_GUARDIANS_REQUIRED"] = 2
    pupil = factory.participant(born=date(2013, 1, 1))
    from consent.services import ConsentError

    with pytest.raises(ConsentError):
        grant(db.session, participant_id=pupil.id, purpose="follow_up", given_by="guardians",
              guardians=[{"name": "Far", "relation": "far"}])
    grant(db.session, participant_id=pupil.id, purpose="follow_up", given_by="guardians",
          guardians=[{"name": "Far", "relation": "far"}, {"name": "Mor", "relation": "mor"}])


def test_overview_shows_missing_expiring_coming_of_age_and_withdrawn(
        factory, client, login, clock):
    school = factory.unit()
    other_school = factory.unit()
    mentor = factory.user("youth_mentor", [school, other_school])
    coordinator = factory.user("coordinator", [school])
    missing = factory.case(mentor, school, participant=factory.participant("Uten", "Grunnlag"))
    minor = factory.participant("Snart", "Atten", born=date(2008, 12, 1))
    factory.case(mentor, school, participant=minor)
    grant(db.session, participant_id=minor.id, purpose="follow_up", given_by="guardians",
          guardians=[{"name": "Mor", "relation": "mor"}])
    adult = factory.participant(born=date(2001, 1, 1))
    factory.case(mentor, school, participant=adult)
    withdraw(db.session, grant(db.session, participant_id=adult.id, purpose="research"),
             channel="email")
    elsewhere = factory.case(mentor, other_school)
    db.session.commit()
    login(client, coordinator)
    page = client.get("/consent/overview").text
    assert str(missing.id)[:8] in page and str(elsewhere.id)[:8] not in page
    assert "Samtykker som utløper de neste 30 dagene (1)" in page  # the minor turns 18 on 1 Dec
    assert "Blir myndige med samtykke fra foresatte (må fornyes) (1)" in page
    assert "Tilbaketrekkinger de siste 30 dagene (1)" in page
    assert "Snart" not in page and "Grunnlag</" not in page  # metadata only


def test_expiry_job_records_each_expiry_once(factory, clock):
    adult = factory.participant(born=date(2000, 1, 1))
    record = grant(db.session, participant_id=adult.id, purpose="follow_up",
                   valid_until=clock.now() + timedelta(days=2))
    assert record_expiries(db.session) == []
    clock.advance(days=3)
    assert record_expiries(db.session) == [record]
    assert record_expiries(db.session) == []


def test_recorded_consent_points_at_the_notice_text_version_shown(factory, client, login, clock):
    from consent.notice_texts import VERSION, ensure_default_texts
    from consent.services import add_notice_text

    ensure_default_texts(db.session)
    db.session.commit()
    unit = factory.unit()
    leader = factory.user("work_leader", [unit])
    adult = factory.participant(born=date(2000, 1, 1))
    factory.case(leader, unit, participant=adult)
    login(client, leader)
    client.submit(f"/consent/participant/{adult.id}/new", _form())
    [first] = _records(adult.id)
    assert first.notice_text.version == VERSION and len(first.notice_text.sha256) == 64
    clock.advance(minutes=5)
    add_notice_text(db.session, purpose="follow_up", language="nb", version="2027-1",
                    title="Ny tekst", body="Ny versjon av teksten.")
    db.session.commit()
    clock.advance(minutes=5)
    client.submit(f"/consent/participant/{adult.id}/new", _form())
    records = sorted(_records(adult.id), key=lambda r: r.created_at)
    assert records[0].notice_text.version == VERSION  # old records keep the old text
    assert records[-1].notice_text.version == "2027-1"


def test_overview_on_the_demo_data_shows_missing_and_expiring_consents(app, make_client, clock):
    import re
    from datetime import UTC

    import pyotp

    from caseapp.demo.generate import load_demo

    logins = load_demo(db.session, seed=2025)
    db.session.commit()
    officer = next(l for l in logins if l["role"] == "privacy_officer")
    client = make_client()
    client.submit("/login", {"username": officer["username"], "password": officer["password"]})
    client.submit("/login/code", {"code": pyotp.TOTP(officer["totp_secret"]).at(
        clock.now().replace(tzinfo=UTC))})
    page = client.get("/consent/overview").text
    counts = {title: int(n) for title, n in re.findall(r"<h2>([^<(]+) \((\d+)\)</h2>", page)}
    assert counts["Saker uten gyldig grunnlag for oppfølging"] > 0
    assert counts["Samtykker som utløper de neste 30 dagene"] > 0
