"""The worker's side: the unread flag on "Mine saker" and the start page, the thread page that
clears it, the reply, the timeline, and who may not see any of it."""
from __future__ import annotations

from sqlalchemy import func, select

from caseapp.extensions import db
from caseapp.messages import services
from caseapp.messages.models import MAX_LENGTH, Message


NEW_TAG = 'data-size="sm">Ny</span>'


def _from_person(case, body="Hei! Jeg har fått sommerjobb."):
    services.send_from_participant(db.session, case.participant, case, body)
    db.session.commit()


def test_an_unread_message_is_flagged_until_the_worker_opens_it(client, login, mentor, case,
                                                                   clock):
    _from_person(case)
    login(client, mentor)
    for page in ("/cases/", "/"):
        text = client.get(page).text
        assert "1 ulest melding" in text and f'href="/cases/{case.id}/messages"' in text
    assert "Hei! Jeg har fått sommerjobb." not in client.get("/cases/").text  # the flag only
    thread = client.get(f"/cases/{case.id}/messages")
    assert thread.status_code == 200 and "Hei! Jeg har fått sommerjobb." in thread.text
    assert NEW_TAG in thread.text  # new when opened; read from now on
    assert "ulest melding" not in client.get("/cases/").text
    assert NEW_TAG not in client.get(f"/cases/{case.id}/messages").text


def test_the_worker_replies_and_the_young_person_has_it_unread(client, login, mentor, case):
    _from_person(case)
    login(client, mentor)
    response = client.submit(f"/cases/{case.id}/messages", {"body": "  Gratulerer! Vi snakkes.  "})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/cases/{case.id}/messages#latest"
    reply = db.session.scalar(select(Message).where(Message.sender == "worker"))
    assert reply.body == "Gratulerer! Vi snakkes." and reply.worker_id == mentor.id
    assert services.unread_for_participant(db.session, case.participant_id) == 1
    page = client.get(f"/cases/{case.id}")  # the case's timeline shows both
    assert "Melding fra ungdommen" in page.text and "Gratulerer! Vi snakkes." in page.text


def test_a_too_long_reply_is_explained_and_nothing_is_sent(client, login, mentor, case):
    login(client, mentor)
    response = client.submit(f"/cases/{case.id}/messages", {"body": "x" * (MAX_LENGTH + 5)})
    assert response.status_code == 200 and "ds-error-summary" in response.text
    assert f"Meldingen er for lang: høyst {MAX_LENGTH} tegn, den har {MAX_LENGTH + 5}." \
        in response.text
    assert db.session.scalar(select(func.count(Message.id))) == 0


def test_others_see_neither_the_thread_nor_the_messages(client, login, factory, school, case):
    _from_person(case, "Privat beskjed til veilederen")
    coordinator = factory.user("coordinator", [school])
    other = factory.user("youth_mentor", [school])
    login(client, other)
    assert client.get(f"/cases/{case.id}/messages").status_code == 404
    assert client.submit(f"/cases/{case.id}/messages", {"body": "Hei"},
                         form_page="/cases/").status_code == 404
    client.post("/login/logout", data={"csrf_token": client.csrf_token("/")})
    login(client, coordinator)
    assert client.get(f"/cases/{case.id}/messages").status_code == 403
    page = client.get(f"/cases/{case.id}")  # the coordinator's review: metadata only
    assert page.status_code == 200 and "Privat beskjed" not in page.text
    assert "/messages" not in page.text
    assert db.session.scalar(select(func.count(Message.id))) == 1
    assert services.unread_counts_for_worker(db.session, case.worker) == {case.id: 1}


def test_a_receiver_without_the_history_sees_only_messages_after_the_handover(
        client, login, factory, mentor, case, clock):
    from caseapp.handovers.services import hand_over

    _from_person(case, "Skrevet til den forrige veilederen")
    county = factory.unit("Meldinger vgs", organisation="Agder fylkeskommune",
                          kind="upper_secondary")
    receiver = factory.user("youth_mentor", [county])
    factory.consent(case.participant, purpose="share", organisation=county.organisation)
    handover = hand_over(db.session, mentor, case, to_worker=receiver, to_unit=county, note=None,
                         version=case.version, read_days=0)
    db.session.commit()
    assert not handover.history_shared  # the waiver does not cover notes
    clock.advance(seconds=60)
    login(client, receiver)
    assert "ulest melding" not in client.get("/cases/").text
    assert "Skrevet til den forrige" not in client.get(f"/cases/{case.id}/messages").text
    assert "Skrevet til den forrige" not in client.get(f"/cases/{case.id}").text
    _from_person(case, "Hei, ny veileder!")
    assert "1 ulest melding" in client.get("/cases/").text
    page = client.get(f"/cases/{case.id}/messages").text
    assert "Hei, ny veileder!" in page and "Skrevet til den forrige" not in page
