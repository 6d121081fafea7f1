"""Default information texts, stored as version ``VERSION`` when an installation has none.

The organisation replaces them by adding a new version (``consent.services.add_notice_text``);
old consent records keep pointing at the version that was shown. An installation that still
shows an earlier built-in text (``SUPERSEDED``, unchanged by the organisation) gets the new
one as a new version; a text the organisation wrote is never replaced.

The young person is followed by a youth mentor or a work leader, so the texts say "your
contact person" (kontaktpersonen din), true for both, as My pages do.
"""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from consent.models import NoticeText
from consent.services import add_notice_text, current_notice_texts

VERSION = "2026-2"
DEFAULTS = {
    ("follow_up", "nb"): ("Samtykke til oppfølging",
                          "Vi ber om lov til å registrere opplysninger om deg slik at "
                          "kontaktpersonen din kan følge deg opp. Du kan trekke samtykket "
                          "tilbake når som helst, og det er like enkelt som å gi det."),
    ("follow_up", "en"): ("Consent to follow-up",
                          "We ask for your permission to record information about you so that "
                          "your contact person can follow you up. You can withdraw your consent "
                          "at any time, as easily as you gave it."),
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
# Earlier built-in bodies, replaced by ``DEFAULTS`` where they are still the current text:
# 2026-1 said "din veileder", wrong for a young person followed by a work leader.
SUPERSEDED = {
    ("follow_up", "nb"): "Vi ber om lov til å registrere opplysninger om deg slik at din "
                         "veileder kan følge deg opp. Du kan trekke samtykket tilbake når som "
                         "helst, og det er like enkelt som å gi det.",
    ("follow_up", "en"): "We ask for your permission to record information about you so that "
                         "your worker can follow you up. You can withdraw your consent at any "
                         "time, as easily as you gave it.",
}


def ensure_default_texts(session: Session) -> int:
    """Store the default texts if there are none, and replace a superseded built-in text that
    is still current by the new default (a new version); return how many were added."""
    if not session.scalar(select(func.count(NoticeText.id))):
        for (purpose, language), (title, body) in DEFAULTS.items():
            add_notice_text(session, purpose=purpose, language=language, version=VERSION,
                            title=title, body=body)
        return len(DEFAULTS)
    added = 0
    for (purpose, language), old_body in SUPERSEDED.items():
        current = current_notice_texts(session, language).get(purpose)
        if current is not None and current.body == old_body:
            title, body = DEFAULTS[(purpose, language)]
            add_notice_text(session, purpose=purpose, language=language, version=VERSION,
                            title=title, body=body)
            added += 1
    return added
