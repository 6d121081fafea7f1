"""The privacy officer's rights journeys in a real browser: restrict a person, see a worker's
attempt to register them again flagged, lift the restriction and fetch the letter; erase
another person only after seeing what goes and typing the case reference."""
from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from caseapp.extensions import db
from caseapp.participants import services as participants
from caseapp.privacy import erasure
from tests.browser.conftest import log_in

REASON = "Den unge ba om sletting; arkivplikten gjelder saken."


def decide(page, person, choice: str) -> None:
    page.goto("/audit/subjects")
    page.fill("#national_id", person.national_id)
    page.click("button.primary")
    page.click("text=Krav om sletting: registrer vedtak")
    page.check(f"input[value={choice}]")
    page.fill("#reason", REASON)
    page.click("text=Registrer vedtaket")


def test_restrict_flag_lift_and_erase_in_the_browser(page, factory, clock):
    school = factory.unit("Lund skole")
    mentor = factory.user("youth_mentor", [school])
    officer = factory.user("privacy_officer")
    ola = factory.case(mentor, school, participant=factory.participant("Ola", "Sperresen")).participant
    kari = factory.case(mentor, school, participant=factory.participant("Kari", "Slettesen")).participant
    log_in(page, officer, clock)

    decide(page, ola, "restrict")
    expect(page.locator("main")).to_contain_text("Vedtaket er registrert", use_inner_text=True)
    assert page.locator("text=Opphev sperringen").count() == 1

    other = factory.user("youth_mentor", [school])  # a worker tries to register Ola again
    with pytest.raises(participants.AlreadyRegistered):
        participants.check_not_registered(db.session, other, ola.national_id)
    db.session.commit()
    page.goto("/audit/")
    panel = page.locator("#restricted-attempts").inner_text()
    assert other.display_name in panel and "med registreringsskjemaet" in panel

    page.goto(f"/audit/participants/{ola.id}/erasure")
    page.fill("#lift-reason", "Klagen er ferdig behandlet.")
    page.click("text=Opphev sperringen")
    main = page.locator("main").inner_text()
    assert "Sperringen er opphevet" in main and "Brev (PDF, bokmål)" in main
    letter = page.request.get(page.locator("text=Brev (PDF, engelsk)").get_attribute("href"))
    text = PdfReader(io.BytesIO(letter.body())).pages[0].extract_text()
    assert "The restriction on your data is lifted" in text and "Ola Sperresen" in text

    decide(page, kari, "crypto_shred")
    assert page.locator("h1").inner_text() == "Bekreft slettingen"
    counts = page.locator("#erasure-counts").inner_text()
    assert "Saker" in counts and "Slettesen" not in page.locator("main").inner_text()
    reference = erasure.case_reference(kari.id)
    assert reference in page.locator("main").inner_text()
    page.fill("#case_reference", "FEIL-0000")
    page.click("text=Slett for godt")
    expect(page.locator(".error-summary")).to_contain_text("Skriv saksreferansen", use_inner_text=True)
    page.fill("#case_reference", reference)
    page.click("text=Slett for godt")
    expect(page.locator("main")).to_contain_text("Vedtaket er registrert", use_inner_text=True)
    expect(page.locator("main ul").first).to_contain_text("Slett (kryptografisk sletting", use_inner_text=True)
