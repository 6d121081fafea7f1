"""Default information texts, stored as version 2026-1 when an installation has none.

The organisation replaces them by adding a new version (``consent.services.add_notice_text``);
old consent records keep pointing at the version that was shown.
"""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from consent.models import NoticeText
from consent.services import add_notice_text

VERSION = "2026-1"
DEFAULTS = {
    ("follow_up", "nb"): ("Samtykke til oppfølging",
                          "Vi ber om lov til å registrere opplysninger om deg slik at din "
                          "veileder kan følge deg opp. Du kan trekke samtykket tilbake når som "
                          "helst, og det er like enkelt som å gi det."),
    ("follow_up", "en"): ("Consent to follow-up",
                          "We ask for your permission to record information about you so that "
                          "your worker can follow you up. You can withdraw your consent at any "
                          "time, as easily as you gave it."),
    ("share", "nb"): ("Samtykke til å dele opplysninger",
                      "Med ditt samtykke kan vi dele opplysninger med organisasjonen som er "
                      "nevnt, uten hinder av taushetsplikten (forvaltningsloven § 13 a nr. 1)."),
    ("share", "en"): ("Consent to share information",
                      "With your consent we may share information with the organisation named, "
                      "lifting the duty of confidentiality (Public Administration Act § 13 a no. 1)."),
    ("research", "nb"): ("Samtykke til følgeforskning",
                         "Opplysninger uten navn kan brukes i forskning på om tiltaket virker."),
    ("research", "en"): ("Consent to research follow-up",
                         "Information without your name may be used in research on whether the "
                         "programme works."),
}


def ensure_default_texts(session: Session) -> int:
    """Store the default texts if there are none; return how many were added."""
    if session.scalar(select(func.count(NoticeText.id))):
        return 0
    for (purpose, language), (title, body) in DEFAULTS.items():
        add_notice_text(session, purpose=purpose, language=language, version=VERSION,
                        title=title, body=body)
    return len(DEFAULTS)
