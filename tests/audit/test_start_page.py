"""The privacy officer's start page shows the newest audit events, in words and Oslo time."""
from __future__ import annotations

import audit
from caseapp.extensions import db


def test_start_page_lists_the_latest_events_in_words(client, login, factory, clock):
    unit = factory.unit("Lund skole")
    mentor = factory.user("youth_mentor", [unit], username="uv.lund")
    officer = factory.user("privacy_officer", username="personvern")
    case = factory.case(mentor, unit)
    clock.set(clock.now().replace(hour=9, minute=15))  # 09:15 UTC is 10:15 in Oslo (November)
    audit.record("case.view", actor=mentor, object_type="case", object_id=case.id,
                 subject_id=case.participant_id, categories=["identity"], grounds="own_caseload")
    db.session.commit()
    login(client, officer)

    page = client.get("/").get_data(as_text=True)
    assert "Ingen logghendelser" not in page
    table = page[page.index('id="audit"'):]
    assert "Så på en sak" in table and "case.view" not in table.replace('title="case.view"', "")
    assert "Egen sak" in table  # the grounds, not own_caseload
    assert f'title="case">Sak</span> {case.id}' in table  # the kind of object, not "case"
    assert "(Ungdomsveileder)" in table  # the actor's role, not (youth_mentor)
    assert "2. nov. 2026, 10:15" in table and ", 09:15" not in table
    assert "UTC" not in page
    # The officer's own login is the newest event, listed first.
    assert table.index("Logget inn") < table.index("Så på en sak")
