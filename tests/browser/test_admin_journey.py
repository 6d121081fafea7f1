"""An administrator in a real browser, on a desktop and on a phone: a new unit and a renamed
one, a new user who must replace the first password at the first login, roles and units
changed, the second factor reset, deactivation only after confirming, and reactivation."""
from __future__ import annotations

from datetime import UTC

import pyotp
import pytest
from sqlalchemy import select

from caseapp.accounts.models import User
from caseapp.extensions import db
from tests.browser.conftest import PHONE, log_in, no_sideways_scroll
from tests.conftest import PASSWORD

NEW_PASSWORD = "sju blå hester synger høyt"


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, PHONE],
                         ids=["desktop", "phone"])
def test_admin_journeys(browser, live_server, factory, clock, viewport):
    school = factory.unit("Lund ungdomsskole")
    admin = factory.user("admin")
    worker = factory.user("youth_mentor", [school])
    context = browser.new_context(base_url=live_server, locale="nb-NO", viewport=viewport)
    page = context.new_page()
    try:
        log_in(page, admin, clock)
        clock.advance(seconds=30)

        # a new unit, then renamed
        page.get_by_role("link", name="Enheter").first.click()
        page.wait_for_url("**/admin/units")
        page.wait_for_load_state("load")
        assert no_sideways_scroll(page)
        page.get_by_role("link", name="Ny enhet").click()
        page.fill("#name", "Vågsbygd sykehjem")
        page.fill("#organisation", "Kristiansand kommune")
        page.select_option("#kind", "care_home")
        page.get_by_role("button", name="Opprett enhet").click()
        page.wait_for_url("**/admin/units")
        assert "Enheten Kristiansand kommune / Vågsbygd sykehjem er opprettet." in page.content()
        page.get_by_role("link", name="Endre Kristiansand kommune / Vågsbygd sykehjem").click()
        page.fill("#name", "Vågsbygd helsehus")
        page.get_by_role("button", name="Lagre enheten").click()
        page.wait_for_url("**/admin/units")
        assert page.get_by_role("cell", name="Vågsbygd helsehus", exact=True).count() == 1
        page.wait_for_load_state("load")
        assert no_sideways_scroll(page)

        # a new user with a first password
        page.goto("/admin/users/new")
        page.fill("#username", "nora.ny")
        page.fill("#display_name", "Nora Ny")
        page.fill("#password", PASSWORD)
        page.get_by_label("Ungdomsveileder").check()
        page.get_by_label("Kristiansand kommune / Lund ungdomsskole").check()
        page.get_by_role("button", name="Opprett bruker").click()
        page.wait_for_url("**/admin/users")
        page.wait_for_load_state("load")
        assert no_sideways_scroll(page)

        # roles and units changed
        page.get_by_role("link", name="Endre nora.ny").click()
        page.get_by_label("Arbeidsleder").check()
        page.get_by_label("Ungdomsveileder").uncheck()
        page.get_by_label("Kristiansand kommune / Vågsbygd helsehus").check()
        page.get_by_role("button", name="Lagre endringene").click()
        page.wait_for_url("**/admin/users")
        row = page.locator("tr", has_text="nora.ny")
        assert "Arbeidsleder" in row.inner_text() and "Vågsbygd helsehus" in row.inner_text()

        # the worker's second factor reset, after confirming
        page.get_by_role("link", name=f"Endre {worker.username}").click()
        page.get_by_role("link", name="Tilbakestill innlogging med to faktorer").click()
        assert page.get_by_role("heading", level=1).inner_text().startswith("Tilbakestille")
        page.get_by_role("button", name="Ja, tilbakestill innlogging med to faktorer").click()
        assert "Setter opp innlogging med to faktorer ved neste innlogging" in page.content()

        # deactivation asks first; reactivation
        page.get_by_role("link", name="Deaktiver").click()
        assert page.get_by_role("heading", level=1).inner_text() == \
            f"Deaktivere {worker.username}?"
        db.session.expire_all()
        assert db.session.get(User, worker.id).active  # asking is not doing
        page.get_by_role("button", name=f"Ja, deaktiver {worker.username}").click()
        assert "er deaktivert og logget ut overalt" in page.content()
        page.get_by_role("button", name="Aktiver igjen").click()
        assert f"{worker.username} kan logge inn igjen." in page.content()
        db.session.expire_all()
        assert db.session.get(User, worker.id).active

        # the new user: password, enrolment, then a password of their own before anything else
        newcomer = browser.new_context(base_url=live_server, locale="nb-NO",
                                       viewport=viewport).new_page()
        newcomer.goto("/login")
        newcomer.fill("#username", "nora.ny")
        newcomer.fill("#password", PASSWORD)
        newcomer.click("button.primary")
        newcomer.wait_for_url("**/login/enrol")
        secret = newcomer.locator("code.secret").inner_text().strip()
        newcomer.fill("#code", pyotp.TOTP(secret).at(clock.now().replace(tzinfo=UTC)))
        newcomer.click("button.primary")
        newcomer.wait_for_url("**/login/new-password")
        newcomer.wait_for_load_state("load")
        assert no_sideways_scroll(newcomer)
        newcomer.goto("/cases/")
        newcomer.wait_for_url("**/login/new-password")
        newcomer.fill("#password", NEW_PASSWORD)
        newcomer.fill("#repeated", NEW_PASSWORD)
        newcomer.get_by_role("button", name="Lagre passordet og gå videre").click()
        newcomer.wait_for_url(live_server + "/")
        assert "Det nye passordet ditt er lagret." in newcomer.content()
        newcomer.context.close()
        nora = db.session.scalar(select(User).where(User.username == "nora.ny"))
        db.session.refresh(nora)
        assert not nora.password_change_required and nora.totp_enrolled
    finally:
        context.close()
