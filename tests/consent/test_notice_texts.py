"""The default information texts name the young person's contact person without saying which
role: a youth mentor (veileder) or a work leader (arbeidsleder) may follow them. An
installation that still shows the earlier built-in text ("din veileder") gets the new one as a
new version; a text the organisation wrote itself is left as it is."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from caseapp.extensions import db
from consent.models import NoticeText
from consent.notice_texts import DEFAULTS, SUPERSEDED, VERSION, ensure_default_texts
from consent.services import add_notice_text, current_notice_texts


def test_no_default_text_names_one_of_the_two_roles(app):
    for (_purpose, _language), (title, body) in DEFAULTS.items():
        text = f"{title} {body}".lower()
        assert "veileder" not in text and "arbeidsleder" not in text, text
        assert "mentor" not in text and "work leader" not in text and "worker" not in text, text
    assert "kontaktpersonen din" in DEFAULTS[("follow_up", "nb")][1]
    assert "your contact person" in DEFAULTS[("follow_up", "en")][1]


def test_a_new_installation_shows_the_neutral_text(app):
    assert ensure_default_texts(db.session) == len(DEFAULTS)
    for language in ("nb", "en"):
        follow_up = current_notice_texts(db.session, language)["follow_up"]
        assert follow_up.version == VERSION and follow_up.body == DEFAULTS[("follow_up", language)][1]
    assert ensure_default_texts(db.session) == 0  # once


def _old_installation():
    """The built-in texts as stored before: 2026-1 with "din veileder"."""
    for (purpose, language), (title, body) in DEFAULTS.items():
        add_notice_text(db.session, purpose=purpose, language=language, version="2026-1",
                        title=title, body=SUPERSEDED.get((purpose, language), body))


def test_an_installation_with_the_old_built_in_text_gets_the_new_version(app, clock):
    _old_installation()
    old = current_notice_texts(db.session, "nb")["follow_up"]
    assert "din veileder" in old.body
    clock.advance(minutes=1)
    assert ensure_default_texts(db.session) == 2  # follow-up, in bokmål and English
    for language in ("nb", "en"):
        current = current_notice_texts(db.session, language)["follow_up"]
        assert (current.version, current.body) == (VERSION, DEFAULTS[("follow_up", language)][1])
    assert db.session.get(NoticeText, old.id).body == old.body  # the old version is kept
    clock.advance(minutes=1)
    assert ensure_default_texts(db.session) == 0


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_organisations_own_text_is_not_replaced(app, clock, language):
    _old_installation()
    clock.advance(minutes=1)
    own = add_notice_text(db.session, purpose="follow_up", language=language, version="2027-1",
                          title="Vår tekst", body="Vår egen tekst.")
    clock.advance(minutes=1)
    assert ensure_default_texts(db.session) == 1  # only the other language
    assert current_notice_texts(db.session, language)["follow_up"].id == own.id
    assert db.session.scalar(select(NoticeText).where(NoticeText.version == VERSION,
                                                      NoticeText.language == language)) is None
