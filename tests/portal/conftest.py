"""Fixtures for the young person's own pages (/meg).

- ``young``: a young person (given name "Ungina") in an active case with a youth mentor at
  "Portal skole" (Kristiansand kommune); ``other_young``: another person in another unit.
- ``portal_login(client, participant)``: signs ``participant`` in on a Flask test client
  without the provider (a real ``PortalSession`` and its cookie); ``portal_client``: a client
  signed in as ``young``.
- ``portal_page(login)``: Chromium signed in through the real test provider (the Node server
  of tests/oidc) with the citizen login ``login`` of ``ACCOUNTS`` ("ung.kjent" is ``young``),
  on a live server, at /meg/ — for browser tests (360 px wide: ``PHONE``).
"""
from __future__ import annotations

from datetime import date

import pytest

from caseapp.extensions import db
from caseapp.portal import sessions
from tests.browser.conftest import _assets_built
from tests.oidc.conftest import ACCOUNTS, PID_KNOWN, app_port, oidc_provider  # noqa: F401
from tests.oidc.test_browser import live_server, provider_login  # noqa: F401  (fixture)

PHONE = {"width": 360, "height": 740}
YOUNG_BORN = date(2009, 3, 14)  # PID_KNOWN's birth date: "ung.kjent" signs in as ``young``


@pytest.fixture
def clock():
    # The provider stamps its tokens with the real time.
    from caseapp.clock import FrozenClock, SystemClock

    return FrozenClock(SystemClock().now())


@pytest.fixture
def app_config(app_config, oidc_provider):  # noqa: F811
    """The citizen provider is configured, as in production (the sign-in pages exist)."""
    return {**app_config, "SESSION_COOKIE_SECURE": False,
            "CASEAPP_OIDC_PROVIDERS": {"citizen": oidc_provider.settings("citizen")}}


def _young_person(factory, given: str, family: str, unit_name: str, national_id=None,
                  born: date = YOUNG_BORN):
    from caseapp.participants.models import Participant

    unit = factory.unit(unit_name)
    mentor = factory.user("youth_mentor", [unit])
    person = factory.participant(given, family, born=born)
    if national_id:
        person.national_id = national_id
        db.session.flush()
    factory.case(mentor, unit, participant=person)
    return db.session.get(Participant, person.id)


@pytest.fixture
def young(factory):
    """The young person "ung.kjent" signs in as (PID_KNOWN), in a case at Portal skole."""
    return _young_person(factory, "Ungina", "Portalsen", "Portal skole", national_id=PID_KNOWN)


@pytest.fixture
def other_young(factory):
    """Another young person, in another unit, whose data ``young`` must never see."""
    return _young_person(factory, "Fremmedine", "Andersenx", "Annen skole",
                         born=date(2008, 8, 8))


@pytest.fixture
def portal_login():
    """``portal_login(client, participant)``: a live portal session on ``client``."""
    def sign_in(client, participant):
        token = sessions.start(db.session, participant)
        db.session.commit()
        client.set_cookie(sessions.COOKIE, token, domain="localhost", path=sessions.PATH)
        return client
    return sign_in


@pytest.fixture
def portal_client(client, young, portal_login):
    return portal_login(client, young)


@pytest.fixture
def portal_page(browser, live_server):
    """``portal_page(login="ung.kjent")``: a phone-sized Chromium page signed in through the
    provider's login and consent pages, at /meg/."""
    _assets_built(live_server)
    contexts = []

    def sign_in(login: str = "ung.kjent", locale: str = "nb-NO"):
        context = browser.new_context(base_url=live_server, locale=locale, viewport=PHONE)
        contexts.append(context)
        page = context.new_page()
        page.goto("/meg/logg-inn")
        page.click("#portal-login")
        provider_login(page, login)
        page.wait_for_url(f"{live_server}/meg/")
        return page

    yield sign_in
    for context in contexts:
        context.close()


__all__ = ["ACCOUNTS", "PHONE"]
