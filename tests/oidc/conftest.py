"""The real test provider (Node.js, npm `oidc-provider`), started once for these tests."""
from __future__ import annotations

import random
from datetime import date

import pytest

from caseapp.extensions import db
from caseapp.participants.national_id import synthetic

from caseapp.clock import FrozenClock, SystemClock
from tests.oidc.provider import RunningProvider, citizen_account, free_port, staff_account

# Synthetic national IDs (month + 80) of the young people in these tests.
PID_KNOWN = synthetic(date(2009, 3, 14), random.Random(1))
PID_UNKNOWN = synthetic(date(2008, 6, 1), random.Random(2))
PID_RESTRICTED = synthetic(date(2007, 1, 9), random.Random(3))
PID_ERASED = synthetic(date(2006, 11, 30), random.Random(4))

ACCOUNTS = {
    "koord.mfa": staff_account("oid-koord", "koord@example.org", mfa=True),
    "koord.nomfa": staff_account("oid-koord", "koord@example.org", mfa=False),
    "stranger": staff_account("oid-stranger", "stranger@example.org"),
    "unverified": staff_account("oid-unverified", "koord@example.org", verified=False),
    "other.person": staff_account("oid-other", "koord@example.org"),
    "ung.kjent": citizen_account(PID_KNOWN),
    "ung.hoy": citizen_account(PID_KNOWN, acr="idporten-loa-high"),
    "ung.lav": citizen_account(PID_KNOWN, acr="idporten-loa-low"),
    "ung.ukjent": citizen_account(PID_UNKNOWN),
    "ung.begrenset": citizen_account(PID_RESTRICTED),
    "ung.slettet": citizen_account(PID_ERASED),
}


@pytest.fixture(scope="session")
def app_port() -> int:
    """The port a live server (browser tests) uses: registered with the provider."""
    return free_port()


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory, app_port):
    running = RunningProvider(tmp_path_factory.mktemp("provider"), ACCOUNTS, app_port)
    yield running
    running.stop()


@pytest.fixture
def clock() -> FrozenClock:
    # The provider stamps its tokens with the real time.
    return FrozenClock(SystemClock().now())


@pytest.fixture
def app_config(app_config, oidc_provider):
    return {**app_config, "CASEAPP_OIDC_PROVIDERS": {"staff": oidc_provider.settings(),
                                                     "citizen": oidc_provider.settings("citizen")}}


@pytest.fixture
def coordinator(factory):
    unit = factory.unit("Lund omsorgssenter")
    user = factory.user("coordinator", [unit], username="koord.kommune")
    user.email = "koord@example.org"
    db.session.commit()
    return user


def young_person(national_id: str, born: date):
    from caseapp.participants.models import Participant

    person = Participant(given_name="Ung", family_name="Testesen", national_id=national_id,
                         birth_year=born.year, gender="female", minority_language=False,
                         home_municipality="4204")
    db.session.add(person)
    db.session.commit()
    return person


@pytest.fixture
def known(factory):
    """A young person in a case, whom ``ung.kjent`` signs in as."""
    unit = factory.unit("Lund skole")
    mentor = factory.user("youth_mentor", [unit])
    person = young_person(PID_KNOWN, date(2009, 3, 14))
    factory.case(mentor, unit, participant=person)
    return person
