"""Logging, editing and deleting sessions (samtaler) in the browser."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select, text

from audit.models import AuditEvent
from caseapp.contacts.models import Contact, ContactRevision
from caseapp.extensions import db
from consent.services import withdraw


def quick(**changes):
    """What a worker fills in on a phone: the defaults plus a note."""
    data = {"occurred_at": "2026-11-02T10:00", "duration_minutes": "30", "kind": "individual",
            "present": ["participant"], "topics": ["school", "economy"],
            "note": "Snakket om fravær og busskort.", "next_step": "Møte med kontaktlærer",
            "next_date": "2026-11-09"}
    data.update(changes)
    return data


def test_the_form_defaults_to_now_and_a_session_is_logged(client, login, mentor, case):
    login(client, mentor)
    page = client.get(f"/cases/{case.id}/contacts/new")
    assert 'value="2026-11-02T10:00"' in page.text  # 09:00 UTC is 10:00 in Oslo
    response = client.submit(f"/cases/{case.id}/contacts/new", quick())
    assert response.status_code == 302 and response.headers["Location"] == f"/cases/{case.id}"
    contact = db.session.scalar(select(Contact))
    assert contact.occurred_at == datetime(2026, 11, 2, 9, 0)  # stored as UTC
    assert contact.topic_codes == ["school", "economy"] and contact.next_date == date(2026, 11, 9)
    case_page = client.get(f"/cases/{case.id}")
    assert "Snakket om fravær og busskort." in case_page.text and "Økonomi" in case_page.text
    assert "Møte med kontaktlærer" in case_page.text
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "contact.create"))
    assert event.subject_id == case.participant_id and event.categories == ["contact_notes"]
    assert "fravær" not in str(event.details)


def test_the_note_is_encrypted_at_rest(client, login, mentor, case):
    login(client, mentor)
    client.submit(f"/cases/{case.id}/contacts/new", quick())
    stored = db.session.execute(text("SELECT note, next_step FROM contacts")).one()
    assert b"busskort" not in bytes(stored[0]) and b"kontaktl" not in bytes(stored[1])


def test_only_the_minimum_is_needed(client, login, mentor, case):
    login(client, mentor)
    response = client.submit(f"/cases/{case.id}/contacts/new", {
        "occurred_at": "2026-11-02T10:00", "duration_minutes": "15", "kind": "phone_digital"})
    assert response.status_code == 302
    assert db.session.scalar(select(Contact)).note is None


@pytest.mark.parametrize("changes,message", [
    ({"occurred_at": ""}, "Skriv inn dato og klokkeslett for samtalen"),
    ({"occurred_at": "2026-11-05T10:00"}, "En samtale kan ikke føres før den har skjedd"),
    ({"duration_minutes": "0"}, "Varigheten må være mellom 1 og 720 minutter"),
    ({"duration_minutes": "lenge"}, "Varigheten"),
    ({"note": "x" * 5001}, "Notatet kan ha høyst 5000 tegn"),
    ({"next_date": "2026-10-01"}, "Neste samtale kan ikke være før denne"),
    ({"next_date": "2035-01-01"}, "Datoen er for langt fram i tid"),
    ({"kind": "party"}, "Ikke et gyldig valg"),
    ({"topics": ["astrology"]}, "Velg fra listen"),
])
def test_bad_input_is_explained_and_nothing_is_saved(client, login, mentor, case, changes, message):
    login(client, mentor)
    response = client.submit(f"/cases/{case.id}/contacts/new", quick(**changes))
    assert response.status_code == 200 and 'ds-error-summary' in response.text
    assert message in response.text
    assert db.session.scalar(select(Contact)) is None


def test_without_a_basis_for_follow_up_nothing_is_saved(client, login, mentor, case):
    record = db.session.scalar(select(type(case.participant)).limit(1))  # noqa: F841
    from consent.services import records_for

    withdraw(db.session, records_for(db.session, case.participant_id)[0])
    db.session.commit()
    login(client, mentor)
    response = client.submit(f"/cases/{case.id}/contacts/new", quick())
    assert response.status_code == 200
    assert "Det finnes ikke noe gyldig samtykke eller rettslig grunnlag" in response.text
    assert db.session.scalar(select(Contact)) is None


def test_editing_keeps_the_earlier_text_in_the_history(client, login, mentor, case, clock):
    contact_id = str(_log(client, login, mentor, case).id)
    clock.advance(minutes=5)
    response = client.submit(f"/contacts/{contact_id}/edit",
                             quick(note="Snakket om fravær. Busskort ordnet.", version="1"))
    assert response.status_code == 302
    history = client.get(f"/contacts/{contact_id}/history")
    assert "Snakket om fravær og busskort." in history.text
    assert "Snakket om fravær. Busskort ordnet." in history.text
    assert "Endret av" in history.text and "Ført av" in history.text
    revisions = db.session.scalars(select(ContactRevision).order_by(ContactRevision.number)).all()
    assert [r.action for r in revisions] == ["created", "edited"]
    assert {"contact.edit", "contact.view", "contact.history_view"} <= set(
        db.session.scalars(select(AuditEvent.action)))


def test_a_stale_edit_gets_a_conflict_message_and_does_not_overwrite(client, login, mentor, case,
                                                                     make_client):
    contact_id = str(_log(client, login, mentor, case).id)
    other_tab = make_client()
    login(other_tab, mentor)
    token = other_tab.csrf_token(f"/contacts/{contact_id}/edit")
    assert client.submit(f"/contacts/{contact_id}/edit",
                         quick(note="Første lagring.", version="1")).status_code == 302
    late = other_tab.post(f"/contacts/{contact_id}/edit",
                          data={"csrf_token": token, **quick(note="Andre lagring.", version="1")})
    assert late.status_code == 409
    assert "Noen andre lagret samtalen mens du redigerte" in late.text
    assert "Andre lagring." in late.text  # the user's own text is kept in the form
    db.session.expire_all()
    assert db.session.get(Contact, _uuid(contact_id)).note == "Første lagring."


def test_delete_is_soft_and_visible_in_the_history(client, login, mentor, case):
    contact_id = str(_log(client, login, mentor, case).id)
    response = client.submit(f"/contacts/{contact_id}/delete", {"version": "1"},
                             form_page=f"/contacts/{contact_id}/edit")
    assert response.status_code == 302
    page = client.get(f"/cases/{case.id}")
    assert "Slettet samtale" in page.text and "busskort" not in page.text
    history = client.get(f"/contacts/{contact_id}/history")
    assert "Denne samtalen er slettet." in history.text and "Slettet av" in history.text
    assert "Snakket om fravær og busskort." in history.text
    edit = client.submit(f"/contacts/{contact_id}/edit", quick(version="2"))
    assert "Samtalen er slettet og kan ikke endres." in edit.text


def test_a_colleague_cannot_touch_the_session(client, login, mentor, case, factory, school,
                                             make_client):
    contact_id = str(_log(client, login, mentor, case).id)
    colleague = make_client()
    login(colleague, factory.user("youth_mentor", [school]))
    assert colleague.get(f"/contacts/{contact_id}/edit").status_code == 404
    assert colleague.get(f"/contacts/{contact_id}/history").status_code == 404
    token = colleague.csrf_token("/")
    assert colleague.post(f"/contacts/{contact_id}/delete",
                          data={"csrf_token": token, "version": "1"}).status_code == 404
    assert db.session.get(Contact, _uuid(contact_id)).deleted_at is None


def test_the_coordinator_sees_sessions_without_notes(client, login, mentor, case, factory, school,
                                                    make_client):
    _log(client, login, mentor, case)
    coordinator = make_client()
    login(coordinator, factory.user("coordinator", [school]))
    page = coordinator.get(f"/cases/{case.id}")
    assert page.status_code == 200 and "Individuell samtale" in page.text
    assert "busskort" not in page.text and "Før en samtale" not in page.text
    assert case.participant.national_id not in page.text


def test_closed_cases_take_no_new_sessions(client, login, mentor, case):
    case.status = "closed"
    db.session.commit()
    login(client, mentor)
    response = client.submit(f"/cases/{case.id}/contacts/new", quick())
    assert "Saken er avsluttet" in response.text
    assert db.session.scalar(select(Contact)) is None


def test_topics_come_from_the_configured_list(make_app, login, factory, school):
    app = make_app(CASEAPP_CONTACT_TOPICS=["school", "driving_licence"])
    mentor = factory.user("youth_mentor", [school])
    case = factory.case(mentor, school)
    client = app.test_client()
    login(client, mentor)
    page = client.get(f"/cases/{case.id}/contacts/new")
    assert 'value="driving_licence"' in page.text and 'value="economy"' not in page.text


def _log(client, login, mentor, case) -> Contact:
    login(client, mentor)
    client.submit(f"/cases/{case.id}/contacts/new", quick())
    return db.session.scalar(select(Contact))


def _uuid(value):
    import uuid

    return uuid.UUID(value)


def test_a_summary_is_internal_until_the_worker_shares_it(client, login, mentor, case):
    """Sharing and taking back are audited; the history keeps each state."""
    login(client, mentor)
    client.submit(f"/cases/{case.id}/contacts/new", quick())
    contact = db.session.scalar(select(Contact))
    assert not contact.summary_shared
    assert client.submit(f"/contacts/{contact.id}/edit",
                         quick(version="1", summary_shared="y")).status_code == 302
    db.session.expire_all()
    assert contact.summary_shared
    assert "Vises på ungdommens egen side" in client.get(f"/cases/{case.id}").text
    client.submit(f"/contacts/{contact.id}/edit", quick(version="2"))
    db.session.expire_all()
    assert not contact.summary_shared
    assert [r.summary_shared for r in contact.revisions] == [False, True, False]
    actions = list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))
    assert actions.count("contact.share") == 1 and actions.count("contact.unshare") == 1


def test_the_place_of_the_next_session_is_kept_encrypted(client, login, mentor, case):
    login(client, mentor)
    client.submit(f"/cases/{case.id}/contacts/new", quick(next_place="Helsesøsters kontor"))
    assert db.session.scalar(select(Contact)).next_place == "Helsesøsters kontor"
    for table in ("contacts", "contact_revisions"):
        stored = db.session.execute(text(f"SELECT next_place FROM {table}")).scalar()
        assert b"Helses" not in bytes(stored)
    assert "Helsesøsters kontor" in client.get(f"/cases/{case.id}").text


def test_the_time_of_the_next_session_is_kept_with_its_date(client, login, mentor, case):
    """An optional time (Europe/Oslo wall-clock) on the next session's date: saved with the
    session and its revision, shown on the case page, the calendar form's default; a time
    without a date is refused with a message and nothing saved."""
    from datetime import time

    login(client, mentor)
    refused = client.submit(f"/cases/{case.id}/contacts/new",
                            quick(next_date="", next_time="14:30"))
    assert refused.status_code == 200 and "Skriv inn datoen for neste samtale også" in refused.text
    assert db.session.scalar(select(Contact)) is None
    client.submit(f"/cases/{case.id}/contacts/new", quick(next_time="14:30"))
    contact = db.session.scalar(select(Contact))
    assert contact.next_time == time(14, 30) and contact.revisions[0].next_time == time(14, 30)
    page = client.get(f"/cases/{case.id}").text
    assert "9. november 2026 kl.\xa014:30" in page  # the time stays on the line of "kl."
    assert 'name="time" value="14:30"' in page
    edit = client.get(f"/contacts/{contact.id}/edit").text
    assert 'name="next_time"' in edit and 'value="14:30"' in edit
