"""The privacy officer verifies the audit log from the workspace, as `caseapp audit verify` does."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from audit.models import AuditEvent
from audit.checkpoints import checkpoint_file
from audit.services import write_checkpoint
from caseapp.extensions import db
from tests.audit.test_chain import _events, tamper


@pytest.fixture
def sign(app):
    """Sign the chain's head as `caseapp audit checkpoint` does (database and the file in the
    app's instance folder, which the button reads like the command); returns its position.
    The folder is shared by the run's tests, so the file goes again afterwards."""
    path = checkpoint_file(app.instance_path)
    path.unlink(missing_ok=True)

    def signed_head() -> int:
        seq = write_checkpoint(db.session, app.instance_path).checkpoint_seq
        db.session.commit()
        assert path.exists()
        return seq

    yield signed_head
    path.unlink(missing_ok=True)


def _verify(client):
    """Press "Verifiser revisjonsloggen" on the workspace and follow the redirect back to it."""
    page = client.get("/audit/").text
    assert "Verifiser revisjonsloggen" in page
    response = client.submit("/audit/verify", form_page="/audit/")
    assert response.status_code == 302
    return client.get(response.headers["Location"]).text


def _last_verification() -> AuditEvent:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == "audit.verify")
                              .order_by(AuditEvent.seq.desc())).first()


def test_an_intact_chain_shows_its_events_and_the_last_checkpoint(app, factory, client, login,
                                                                  sign):
    officer = factory.user("privacy_officer")
    _events(3)
    signed = sign()
    login(client, officer)
    assert "ikke blitt kontrollert" in client.get("/audit/").text

    page = _verify(client)
    assert "Revisjonsloggen er kontrollert: kjeden er hel." in page  # the message
    # the result box: the button checks from the last signed checkpoint (as the nightly check)
    assert f"kjeden er hel fra det signerte kontrollpunktet ved posisjon {signed}" in page
    event = _last_verification()
    assert event.actor_id == officer.id and event.grounds == "privacy_oversight"
    assert event.outcome == "allowed" and event.details["ok"] is True
    # every event after the checkpoint up to the verification itself: the logins and others
    assert event.details["from_seq"] == signed
    assert event.details["events"] == event.seq - 1 - signed
    assert f"({event.seq - 1 - signed} nyere hendelser" in page


def test_a_tampered_chain_shows_the_first_broken_position(app, factory, client, login):
    officer = factory.user("privacy_officer")
    _events(4)
    login(client, officer)
    tamper("UPDATE audit_events SET grounds = 'break_glass' WHERE seq = 2")

    page = _verify(client)
    assert "kjeden er BRUTT. Se detaljene nedenfor." in page
    assert "BRUTT ved posisjon 2" in page and "endret eller forfalsket" in page
    assert "kjeden er hel" not in page
    event = _last_verification()
    assert event.actor_id == officer.id and event.outcome == "denied"
    assert (event.details["problem"], event.details["bad_seq"]) == ("changed", 2)


def test_an_end_cut_off_is_found_by_the_signed_checkpoint_file(app, factory, client, login,
                                                                sign):
    """The checkpoints in the instance folder count too, as in the command."""
    officer = factory.user("privacy_officer")
    _events(5)
    signed = sign()
    tamper("DELETE FROM audit_events WHERE seq >= 4", "DELETE FROM audit_checkpoints",
           "UPDATE audit_chain_head SET seq = 3, "
           "hash = (SELECT hash FROM audit_events WHERE seq = 3)")
    login(client, officer)

    page = _verify(client)
    # (events recorded after the cut continue at position 4, so the signed position is either
    # gone or holds another event than the one signed)
    assert f"BRUTT ved posisjon {signed}" in page
    assert "hendelser er fjernet fra slutten" in page or "stemmer ikke med et signert" in page


def test_only_the_privacy_officer_may_verify(app, factory, client, login):
    coordinator = factory.user("coordinator")
    login(client, coordinator)
    response = client.post("/audit/verify", data={"csrf_token": client.csrf_token("/")})
    assert response.status_code == 403
    assert _last_verification() is None
