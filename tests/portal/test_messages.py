"""The young person's messages page (/meg/meldinger): they write to the worker, read the answer,
and reach only their own case's thread."""
from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import func, select

from audit.models import AuditEvent
from caseapp.cases.models import Case
from caseapp.extensions import db
from caseapp.messages import services
from caseapp.messages.models import MAX_LENGTH, Message


def _case(person) -> Case:
    return db.session.scalar(select(Case).where(Case.participant_id == person.id))


def test_the_young_person_writes_and_reads_the_answer(portal_client, young, factory):
    factory.consent(young)
    case = _case(young)
    response = portal_client.submit("/meg/meldinger", {"body": "Kan vi flytte møtet?"})
    assert response.status_code == 302 and response.headers["Location"] == "/meg/meldinger#latest"
    sent = db.session.scalar(select(Message))
    assert sent.case_id == case.id and sent.from_participant and sent.body == "Kan vi flytte møtet?"
    assert services.unread_counts_for_worker(db.session, case.worker) == {case.id: 1}

    services.send_from_worker(db.session, case.worker, case, "Ja, til fredag.")
    db.session.commit()
    page = portal_client.get("/meg/meldinger")
    assert "Kan vi flytte møtet?" in page.text and "Ja, til fredag." in page.text
    assert case.worker.display_name in page.text
    assert services.unread_for_participant(db.session, young.id) == 0  # read now
    view = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "portal.view")
                              .order_by(AuditEvent.seq.desc())).first()
    assert view.subject_id == young.id and view.categories == ["messages"]
    assert view.details == {"page": "portal.messages"}


def test_another_persons_thread_never_shows(portal_client, young, other_young, factory):
    factory.consent(young)
    factory.consent(other_young)
    foreign = _case(other_young)
    services.send_from_participant(db.session, other_young, foreign, "Fremmed hemmelighet")
    db.session.commit()
    page = portal_client.get("/meg/meldinger")
    assert page.status_code == 200 and "Fremmed hemmelighet" not in page.text
    portal_client.submit("/meg/meldinger", {"body": "Min egen"})
    assert db.session.scalar(select(func.count(Message.id))
                             .where(Message.case_id == foreign.id)) == 1


def test_too_long_is_explained_in_bokmal_and_nothing_is_sent(portal_client, young, factory):
    factory.consent(young)
    response = portal_client.submit("/meg/meldinger", {"body": "y" * (MAX_LENGTH + 1)})
    assert response.status_code == 200 and "ds-error-summary" in response.text
    assert f"Meldingen er for lang: høyst {MAX_LENGTH} tegn" in response.text
    assert db.session.scalar(select(func.count(Message.id))) == 0


def test_without_a_basis_the_message_is_refused(portal_client, young):
    response = portal_client.submit("/meg/meldinger", {"body": "Hei"})
    assert response.status_code == 200
    assert "Meldingen kunne ikke sendes" in response.text
    assert db.session.scalar(select(func.count(Message.id))) == 0


def test_the_page_in_english(portal_client, young):
    portal_client.post("/language", data={"csrf_token": portal_client.csrf_token("/meg/meldinger"),
                                          "language": "en", "next": "/meg/meldinger"})
    page = portal_client.get("/meg/meldinger")
    assert "Write a message" in page.text and "No messages yet." in page.text


def test_a_message_from_the_phone_is_flagged_for_the_worker_until_opened(
        portal_page, young, factory, browser, live_server, clock):
    """Chromium at 360 px: the young person writes; the worker's "Mine saker" flags it; the
    worker opens it (the flag clears) and answers; the young person reads the answer. No axe
    violations on any of the pages."""
    from tests.browser.conftest import log_in, no_sideways_scroll
    from tests.browser.test_accessibility import violations
    from tests.portal.conftest import PHONE

    factory.consent(young)
    case = _case(young)
    page = portal_page("ung.kjent")
    page.locator("#portal-nav").get_by_role("link", name="Meldinger").click()
    page.wait_for_url("**/meg/meldinger")
    assert violations(page) == []
    page.fill("#body", "Jeg er syk i morgen, kan vi flytte møtet?")
    page.click("main button.primary")
    page.wait_for_url("**/meg/meldinger#latest")
    expect(page.locator("#latest")).to_contain_text("Jeg er syk i morgen", use_inner_text=True)
    assert no_sideways_scroll(page) and violations(page) == []

    context = browser.new_context(base_url=live_server, locale="nb-NO", viewport=PHONE)
    staff = context.new_page()
    try:
        log_in(staff, case.worker, clock)
        staff.goto("/cases/")
        flag = staff.locator(f'a[href="/cases/{case.id}/messages"]')
        assert flag.inner_text().strip() == "1 ulest melding"
        assert no_sideways_scroll(staff) and violations(staff) == []
        flag.click()
        staff.wait_for_url(f"**/cases/{case.id}/messages")
        expect(staff.locator(".messages")).to_contain_text("Jeg er syk i morgen", use_inner_text=True)
        assert violations(staff) == []
        staff.fill("#body", "God bedring! Vi tar det på fredag.")
        staff.click("main button.primary")
        staff.wait_for_url(f"**/cases/{case.id}/messages#latest")
        staff.goto("/cases/")
        assert staff.locator(f'a[href="/cases/{case.id}/messages"]').count() == 0
    finally:
        context.close()

    page.goto("/meg/meldinger")
    expect(page.locator("#latest")).to_contain_text("God bedring! Vi tar det på fredag.", use_inner_text=True)
    assert violations(page) == []


def _menu_entry(page_text: str) -> str:
    """The words of the menu's link to the messages page."""
    import re

    return re.search(r'<nav aria-label="[^"]*" id="portal-nav">.*?<a href="/meg/meldinger"'
                     r'[^>]*>([^<]*)</a>', page_text, re.S).group(1)


def test_the_menu_counts_the_workers_unread_messages_until_the_page_is_opened(
        portal_client, young, factory):
    """The menu says in words how many of the worker's messages are unread (the same
    ``read_at`` as the worker's flag on "Mine saker"); opening the messages page clears it, and
    the young person's own messages never count."""
    factory.consent(young)
    case = _case(young)
    assert _menu_entry(portal_client.get("/meg/").text) == "Meldinger"
    services.send_from_worker(db.session, case.worker, case, "Hei! Husker du møtet?")
    services.send_from_worker(db.session, case.worker, case, "Det er på fredag.")
    services.send_from_participant(db.session, young, case, "Min egen melding")
    db.session.commit()
    assert _menu_entry(portal_client.get("/meg/").text) == "Meldinger (2 uleste)"
    assert _menu_entry(portal_client.get("/meg/plan").text) == "Meldinger (2 uleste)"
    opened = portal_client.get("/meg/meldinger")
    assert _menu_entry(opened.text) == "Meldinger"  # read as the page opens
    assert _menu_entry(portal_client.get("/meg/").text) == "Meldinger"
    services.send_from_worker(db.session, case.worker, case, "En til")
    db.session.commit()
    assert _menu_entry(portal_client.get("/meg/").text) == "Meldinger (1 ulest)"


def test_the_count_in_english(portal_client, young, factory):
    factory.consent(young)
    case = _case(young)
    portal_client.post("/language", data={
        "csrf_token": portal_client.csrf_token("/meg/meldinger"), "language": "en",
        "next": "/meg/"})
    services.send_from_worker(db.session, case.worker, case, "Hello")
    db.session.commit()
    assert _menu_entry(portal_client.get("/meg/").text) == "Messages (1 unread)"
