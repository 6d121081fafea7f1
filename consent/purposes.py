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
