"""Who must consent, by age (configurable: the law is being revised)."""
from __future__ import annotations

from datetime import date, datetime

from flask import current_app
from flask_babel import gettext as _

from consent.purposes import GivenBy


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def birthday(born: date, years: int) -> date:
    try:
        return born.replace(year=born.year + years)
    except ValueError:  # born 29 February
        return date(born.year + years, 3, 1)


def giver_problems(age: int, given_by: GivenBy, guardian_count: int,
                   maturity_reason: str | None) -> list[str]:
    """Why this set of givers cannot consent for someone of ``age`` (empty when they can)."""
    config = current_app.config
    adult, mature = config["CASEAPP_CONSENT_ADULT_AGE"], config["CASEAPP_CONSENT_MATURE_AGE"]
    needed = config["CASEAPP_CONSENT_GUARDIANS_REQUIRED"]
    problems = []
    if given_by in (GivenBy.GUARDIANS, GivenBy.SUBJECT_AND_GUARDIANS) and guardian_count == 0:
        problems.append(_("Name the guardian(s) who gave the consent."))
    if age >= adult:
        return problems
    if given_by == GivenBy.SUBJECT:
        if age < mature:
            problems.append(_("The young person is %(age)d: guardian consent is required.", age=age))
        elif not (maturity_reason or "").strip():
            problems.append(_("The young person is %(age)d: to consent alone, record the "
                              "maturity assessment (why the young person can decide).", age=age))
    elif guardian_count < needed:
        problems.append(ngettext_guardians(needed))
    return problems


def ngettext_guardians(needed: int) -> str:
    from flask_babel import ngettext

    return ngettext("Consent from %(num)d guardian is required below the adult age.",
                    "Consent from %(num)d guardians is required below the adult age.", needed)


def guardian_consent_ends(born: date, at: datetime, given_by: GivenBy) -> datetime | None:
    """Consent given only by guardians ends when the young person comes of age (renewal)."""
    if given_by != GivenBy.GUARDIANS:
        return None
    adult = current_app.config["CASEAPP_CONSENT_ADULT_AGE"]
    end = birthday(born, adult)
    return datetime(end.year, end.month, end.day) if end > at.date() else None
