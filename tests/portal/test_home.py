"""The young person's landing page and the portal's foundation (caseapp/portal/me.py): who is
signed in and what is theirs, the menu, and the audit event of every page they are shown."""
from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from audit.models import PARTICIPANT_ACTOR, AuditEvent
from caseapp.cases.models import Case
from caseapp.extensions import db
from tests.browser.conftest import no_sideways_scroll
from tests.browser.test_accessibility import violations


def events(action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                   .order_by(AuditEvent.seq)))


def test_home_shows_who_follows_the_person_up(portal_client, young):
    case = db.session.scalar(select(Case).where(Case.participant_id == young.id))
    page = portal_client.get("/meg/")
    assert page.status_code == 200
    assert "Hei, Ungina" in page.text
    assert case.worker.display_name in page.text and "Kristiansand kommune" in page.text
    assert "Portalsen" not in page.text and young.national_id not in page.text


def test_every_menu_entry_leads_to_a_page(portal_client):
    """Only pages that exist are in the menu (others come as their modules add routes)."""
    import re

    page = portal_client.get("/meg/")
    menu = page.text.split('id="portal-nav"')[1].split("</nav>")[0]
    links = re.findall(r'href="([^"]+)"', menu)
    assert "/meg/" in links
    for link in links:
        assert portal_client.get(link).status_code == 200, link


def test_every_page_shown_is_audited_with_the_young_person_as_actor(portal_client, young):
    portal_client.get("/meg/")
    portal_client.get("/meg/")
    seen = events("portal.view")
    assert len(seen) == 2
    assert all(e.actor_roles == PARTICIPANT_ACTOR and e.actor_id is None for e in seen)
    assert all(e.subject_id == young.id and e.details == {"page": "portal.home"} for e in seen)
    assert seen[0].grounds == "own_data"


def test_the_access_report_can_show_the_persons_own_visits(portal_client, young):
    from caseapp.privacy.report import lines_for

    portal_client.get("/meg/")
    assert lines_for(db.session, young.id) == []  # staff's report: only what others did
    own = lines_for(db.session, young.id, include_own=True)
    assert [(line.who, line.what) for line in own] == [("Du selv", "Så på Mine sider")]


def test_a_handed_over_case_shows_the_new_organisation(portal_client, young, factory):
    from caseapp.handovers.services import hand_over

    case = db.session.scalar(select(Case).where(Case.participant_id == young.id))
    county = factory.unit("Portal vgs", organisation="Agder fylkeskommune",
                          kind="upper_secondary")
    receiver = factory.user("youth_mentor", [county])
    factory.consent(young)
    factory.consent(young, purpose="share", organisation=county.organisation)
    hand_over(db.session, case.worker, case, to_worker=receiver, to_unit=county, note=None,
              version=case.version, read_days=0)
    db.session.commit()
    page = portal_client.get("/meg/").text
    assert "Agder fylkeskommune" in page and receiver.display_name in page
    assert "Kristiansand kommune" not in page.split("<main")[1].split("</main>")[0]


def test_a_person_without_a_case_gets_the_neutral_page(client, factory, portal_login):
    person = factory.participant("Utensak", "Tomsen")
    db.session.commit()
    page = portal_login(client, person).get("/meg/")
    assert page.status_code == 200 and "Vi fant ingen sider for deg" in page.text
    assert "Utensak" not in page.text and 'id="portal-nav"' not in page.text
    assert events("portal.view") == []


def test_a_staff_session_is_not_a_portal_session(client, young, factory, login):
    login(client, factory.user("youth_mentor"))
    assert client.get("/meg/").headers["Location"] == "/meg/logg-inn"
    assert events("portal.view") == []


def test_a_young_person_signs_in_on_a_phone(portal_page, young):
    """Chromium at 360 px through the real provider: the home page, no axe violations."""
    page = portal_page("ung.kjent")
    assert page.locator("h1").inner_text() == "Hei, Ungina"
    expect(page.locator("#portal-organisation")).to_contain_text("Kristiansand kommune", use_inner_text=True)
    assert no_sideways_scroll(page)
    assert violations(page) == []
