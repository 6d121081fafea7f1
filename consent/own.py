"""The young person's own consents, given and withdrawn by themselves on My pages (/meg).

Both go through ``consent.services.grant`` and ``withdraw``, so they have the same effect as
when a worker records them (a withdrawal stops writes for that purpose at once; a new waiver
to a named organisation lets a handover to it go through), with method or channel "digital",
the young person as the giver and no worker as the recorder: the audit event names the young
person as actor (``PARTICIPANT_ACTOR``, as for every action on My pages).

What the person may do alone follows the age rules (``consent.rules``, settings
``CASEAPP_CONSENT_*``):

* from the adult age they give and withdraw consents alone;
* from the mature age they withdraw alone what they gave themselves (alone or together with
  their guardians): withdrawing must be as easy as giving;
* anything else needs a guardian. Giving consent below the adult age needs a maturity
  assessment or a guardian, both recorded by a worker, so the page explains that and nothing
  is recorded here.

A statutory basis is not a consent and cannot be withdrawn (the page says which law it is).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from caseapp.clock import now
from caseapp.participants.national_id import parse
from consent import rules, services
from consent.models import ConsentRecord, NoticeText
from consent.purposes import Channel, GivenBy, LegalBasis, Method, Purpose

# What the young person may let a named organisation see, in their own words.
WAIVER_CATEGORIES = {
    "identity": _l("My name and how to reach me"),
    "school": _l("School and education"),
    "work": _l("Work training and work"),
    "notes": _l("My plan and notes from my meetings"),
}
# How long a new waiver lasts: months (None: until the person withdraws it).
DURATIONS = {"6": 6, "12": 12, "until_withdrawn": None}
DURATION_LABELS = {"6": _l("6 months"), "12": _l("1 year"),
                   "until_withdrawn": _l("Until I withdraw it")}


class GuardianNeeded(services.ConsentError):
    """The young person may not do this alone; nothing was recorded."""

    def __init__(self) -> None:
        super().__init__([_("Because of your age, a parent or guardian must take part. Talk to "
                            "your contact person: they can help you do it together. Nothing "
                            "has been changed.")])


def age(participant, at: datetime | None = None) -> int:
    """The young person's age today (or at ``at``), from the birth date in the national ID."""
    return rules.age_on(parse(participant.national_id)[1], (at or now()).date())


def may_grant_alone(participant, at: datetime | None = None) -> bool:
    return age(participant, at) >= current_app.config["CASEAPP_CONSENT_ADULT_AGE"]


def may_withdraw_alone(participant, record: ConsentRecord, at: datetime | None = None) -> bool:
    if record.legal_basis != LegalBasis.CONSENT.value:
        return False
    years = age(participant, at)
    if years >= current_app.config["CASEAPP_CONSENT_ADULT_AGE"]:
        return True
    gave_it = record.given_by in (GivenBy.SUBJECT.value, GivenBy.SUBJECT_AND_GUARDIANS.value)
    return gave_it and years >= current_app.config["CASEAPP_CONSENT_MATURE_AGE"]


def withdraw(session: Session, participant, record: ConsentRecord) -> ConsentRecord:
    """The young person withdraws ``record`` (theirs) at once, digitally; ``GuardianNeeded``
    when the age rules say they may not do it alone (nothing is changed then)."""
    if record.participant_id != participant.id:
        raise LookupError("not this person's consent")
    if record.legal_basis != LegalBasis.CONSENT.value:
        raise services.ConsentError([_("This is not a consent but a duty set by law, so it "
                                       "cannot be withdrawn here.")])
    if not may_withdraw_alone(participant, record):
        raise GuardianNeeded()
    return services.withdraw(session, record, actor=participant, channel=Channel.DIGITAL)


def notice_text(session: Session, language: str) -> NoticeText | None:
    """The current information text about sharing, in ``language`` (bokmål if there is none)."""
    texts = services.current_notice_texts(session, language)
    return texts.get(Purpose.SHARE.value) or services.current_notice_texts(
        session, "nb").get(Purpose.SHARE.value)


def organisations_to_choose(session: Session, participant) -> list:
    """Organisations the young person may name in a new waiver: every organisation that has
    none from them now."""
    from caseapp.units.models import Organisation

    covered = {r.organisation_id for r in services.records_for(session, participant.id)
               if r.purpose == Purpose.SHARE.value and r.valid_at(now())}
    return [o for o in session.scalars(select(Organisation).order_by(Organisation.name))
            if o.id not in covered]


def grant_waiver(session: Session, participant, *, organisation, categories: list[str],
                 duration: str, notice: NoticeText) -> ConsentRecord:
    """The young person's own waiver of confidentiality towards ``organisation``: the
    categories they chose, for ``duration`` (a key of ``DURATIONS``), under ``notice`` (the
    text they were shown). ``GuardianNeeded`` below the adult age; nothing is recorded then."""
    if not may_grant_alone(participant):
        raise GuardianNeeded()
    problems = []
    if not categories or any(c not in WAIVER_CATEGORIES for c in categories):
        problems.append(_("Choose what they may see."))
    if duration not in DURATIONS:
        problems.append(_("Choose how long it lasts."))
    if notice is None or notice.purpose != Purpose.SHARE.value:
        problems.append(_("The information text is missing. Ask your contact person."))
    if problems:
        raise services.ConsentError(problems)
    start = now()
    return services.grant(
        session, participant_id=participant.id, purpose=Purpose.SHARE, actor=participant,
        organisation_id=organisation.id, valid_from=start,
        valid_until=_months_later(start, DURATIONS[duration]), given_by=GivenBy.SUBJECT,
        data_categories=sorted(categories), notice_text_id=notice.id, method=Method.DIGITAL)


def _months_later(start: datetime, months: int | None) -> datetime | None:
    """``months`` calendar months after ``start`` (the 31st of a short month: the 1st after)."""
    if months is None:
        return None
    year, month = divmod(start.month - 1 + months, 12)
    try:
        return start.replace(year=start.year + year, month=month + 1)
    except ValueError:
        first = date(start.year + year, month + 1, 1) + timedelta(days=31)
        return datetime.combine(first.replace(day=1), start.time())
