"""The registry of purposes and legal bases. An unknown code raises."""
from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class Purpose(StrEnum):
    FOLLOW_UP = "follow_up"  # the key worker's follow-up (processing)
    SHARE = "share"  # lifting the duty of confidentiality towards a named organisation
    RESEARCH = "research"  # følgeforskning


class Kind(StrEnum):
    PROCESSING = "processing"  # GDPR Art. 6/7/9
    CONFIDENTIALITY_WAIVER = "confidentiality_waiver"  # forvaltningsloven § 13 a nr. 1


class LegalBasis(StrEnum):
    CONSENT = "consent"
    STATUTORY = "statutory"  # the organisation records which law; never assumed


PURPOSE_KIND = {
    Purpose.FOLLOW_UP: Kind.PROCESSING,
    Purpose.RESEARCH: Kind.PROCESSING,
    Purpose.SHARE: Kind.CONFIDENTIALITY_WAIVER,
}

PURPOSE_LABELS = {
    Purpose.FOLLOW_UP: _l("Follow-up by the key worker"),
    Purpose.SHARE: _l("Sharing with a named organisation"),
    Purpose.RESEARCH: _l("Research follow-up"),
}


class GivenBy(StrEnum):
    SUBJECT = "subject"
    GUARDIANS = "guardians"
    SUBJECT_AND_GUARDIANS = "subject_and_guardians"


class Method(StrEnum):
    PAPER_SCAN = "paper_scan"  # signed on paper, scanned and uploaded
    IN_PERSON_WITNESS = "in_person_witness"
    DIGITAL = "digital"


class Channel(StrEnum):
    """How a withdrawal reached us: any channel the young person uses counts."""

    IN_PERSON = "in_person"
    PHONE = "phone"
    SMS = "sms"
    EMAIL = "email"
    LETTER = "letter"
    DIGITAL = "digital"


DATA_CATEGORIES = {
    "identity": _l("Identity and contact details"),
    "guardians": _l("Guardians"),
    "school": _l("School and education"),
    "work": _l("Work training and work"),
    "economy": _l("Economy"),
    "family": _l("Family and housing"),
    "health": _l("Health (special category)"),
    "ethnicity": _l("Ethnic origin (special category)"),
    "religion": _l("Religion or belief (special category)"),
    "sexuality": _l("Sex life or sexual orientation (special category)"),
    "criminal": _l("Criminal matters (Art. 10)"),
    "notes": _l("Session notes and plans"),
}
# consent/special_categories.py finds these in free text
SPECIAL_CATEGORIES = {"health", "ethnicity", "religion", "sexuality", "criminal"}

GIVEN_BY_LABELS = {
    GivenBy.SUBJECT: _l("The young person"),
    GivenBy.GUARDIANS: _l("Guardian(s)"),
    GivenBy.SUBJECT_AND_GUARDIANS: _l("The young person and guardian(s)"),
}
METHOD_LABELS = {
    Method.PAPER_SCAN: _l("Signed on paper (scan uploaded)"),
    Method.IN_PERSON_WITNESS: _l("In person, with a witness"),
    Method.DIGITAL: _l("Digitally"),
}
CHANNEL_LABELS = {
    Channel.IN_PERSON: _l("In person"),
    Channel.PHONE: _l("Phone"),
    Channel.SMS: _l("Text message"),
    Channel.EMAIL: _l("E-mail"),
    Channel.LETTER: _l("Letter"),
    Channel.DIGITAL: _l("Digitally"),
}
