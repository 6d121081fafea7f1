"""The consent evidence upload (issue #10 item 4): checked by content, size-limited, stored
encrypted (tests/consent/test_consent_ui.py), served only as a download, and an oversized
request is refused with a Norwegian 413 page with nothing stored."""
from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import select

from audit.models import AuditEvent
from caseapp.extensions import db
from consent.models import ConsentRecord
from tests.consent.test_consent_ui import PNG, _form, _records

HTML_AS_PNG = b"<html><script>alert(1)</script></html>"


@pytest.fixture
def adult_case(factory):
    unit = factory.unit()
    leader = factory.user("work_leader", [unit])
    adult = factory.participant(born=date(2000, 1, 1))
    factory.case(leader, unit, participant=adult)
    return leader, adult


def upload(client, adult, content, name="skjema.png"):
    return client.submit(f"/consent/participant/{adult.id}/new",
                         {**_form(method="paper_scan"), "evidence": (io.BytesIO(content), name)},
                         content_type="multipart/form-data")


def test_evidence_is_served_as_a_download_of_the_checked_type(adult_case, client, login):
    leader, adult = adult_case
    login(client, leader)
    assert upload(client, adult, PNG, name="skjema.html").status_code == 302  # name ignored
    [record] = _records(adult.id)
    page = client.get(f"/consent/participant/{adult.id}")
    assert f"/consent/{record.id}/evidence" in page.text
    response = client.get(f"/consent/{record.id}/evidence")
    assert response.status_code == 200 and response.data == PNG
    assert response.mimetype == "image/png"
    assert response.headers["Content-Disposition"] == 'attachment; filename="samtykke-bevis.png"'
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "consent.evidence_download"))
    assert event.subject_id == adult.id and event.categories == ["consent_evidence"]


def test_markup_named_like_an_image_is_refused(adult_case, client, login):
    leader, adult = adult_case
    login(client, leader)
    response = upload(client, adult, HTML_AS_PNG)
    assert "må være en PDF-, JPEG- eller PNG-fil" in response.text
    assert _records(adult.id) == []


def test_a_record_without_evidence_has_no_file(adult_case, client, login, factory):
    leader, adult = adult_case
    record = factory.consent(adult)
    login(client, leader)
    assert client.get(f"/consent/{record.id}/evidence").status_code == 404


def test_oversized_upload_gets_the_norwegian_413_page_and_nothing_is_stored(adult_case, client,
                                                                             login, app):
    leader, adult = adult_case
    login(client, leader)
    events = len(db.session.scalars(select(AuditEvent)).all())
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    response = upload(client, adult, PNG + b"\x00" * (100 * 1024))
    assert response.status_code == 413
    assert '<html lang="nb">' in response.text and "for stor" in response.text
    db.session.expire_all()
    assert db.session.scalars(select(ConsentRecord)).all() == []
    assert len(db.session.scalars(select(AuditEvent)).all()) == events
