"""In Chromium on a 360 px phone, signed in through the test provider: the young person
withdraws a waiver with one tap, gives a new one to a named organisation, reads who has seen
their data (with a break-glass reason) and downloads the Art. 15 copy; axe finds nothing on
any of these pages and nothing scrolls sideways."""
from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from caseapp.breakglass.services import open_with_reason
from caseapp.cases.models import Case
from caseapp.extensions import db
from consent.models import ConsentRecord
from tests.browser.conftest import no_sideways_scroll
from tests.browser.test_accessibility import violations

REASON = "Ungdommen ringte fra legevakten og trenger hjelp med en gang i natt"


@pytest.fixture
def app_config(app_config):
    """The age rules are settings (the law is being revised): here a 17-year-old decides alone."""
    return {**app_config, "CASEAPP_CONSENT_ADULT_AGE": 17}


@pytest.fixture
def history(young, factory):
    from consent.notice_texts import ensure_default_texts

    ensure_default_texts(db.session)
    vgs = factory.unit("Kvadraturen vgs", "Agder fylkeskommune", "upper_secondary")
    nav = factory.unit("Nav Kristiansand", "Nav", "nav_office")
    factory.consent(young)
    waiver = factory.consent(young, purpose="share", organisation=vgs.organisation)
    case = db.session.scalar(select(Case).where(Case.participant_id == young.id))
    stranger = factory.user("youth_mentor", [factory.unit("Annen skole 2")])
    open_with_reason(db.session, stranger, case, REASON, 30)
    db.session.commit()
    return {"waiver": waiver, "nav": nav}


def clean(page) -> None:
    assert violations(page) == []
    assert no_sideways_scroll(page)


def test_withdraw_give_a_waiver_and_see_who_has_looked_on_a_phone(portal_page, history,
                                                                   tmp_path: Path):
    page = portal_page("ung.kjent")
    page.click("#portal-nav >> text=Mine samtykker")
    clean(page)
    waiver = history["waiver"]
    page.click(f"#consent-{waiver.id} button")
    page.wait_for_selector("text=Samtykket ditt er trukket tilbake")
    clean(page)
    db.session.expire_all()
    assert db.session.get(ConsentRecord, waiver.id).withdrawal_channel == "digital"

    page.select_option("#organisation", label="Nav")
    page.check("text=Planen min og notater fra møtene mine")
    page.check("text=6 måneder")
    page.click("#waiver-form button[type=submit]")
    page.wait_for_selector("text=Nav kan nå se det du valgte.")
    clean(page)
    db.session.expire_all()
    given = db.session.scalar(select(ConsentRecord).where(
        ConsentRecord.organisation_id == history["nav"].organisation_id))
    assert (given.method, given.data_categories) == ("digital", ["notes"])

    page.click("#portal-nav >> text=Hvem har sett mine opplysninger")
    assert REASON in page.locator("#access-list").inner_text()
    clean(page)
    with page.expect_download() as download:
        page.click("#copy-pdf")
    saved = tmp_path / "kopi.pdf"
    download.value.save_as(saved)
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(saved.read_bytes())).pages)
    assert "Alt vi har lagret om deg" in text and "Ungina" in text
