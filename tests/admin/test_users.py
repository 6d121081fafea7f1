"""Administrators manage staff accounts through the UI."""
from __future__ import annotations

from sqlalchemy import select

from audit.models import AuditEvent
from caseapp.accounts.models import User
from caseapp.extensions import db
from tests.conftest import PASSWORD


def test_admin_creates_a_user_who_then_enrols_totp(factory, client, login, make_client):
    unit = factory.unit("Tangen vgs", "Agder fylkeskommune", "upper_secondary")
    admin = factory.user("admin")
    login(client, admin)
    response = client.submit("/admin/users/new", {
        "username": "Ny.Veileder", "display_name": "Nora Ny", "password": PASSWORD,
        "roles": ["youth_mentor"], "units": [str(unit.id)]})
    assert response.status_code == 302
    page = client.get("/admin/users")
    assert "ny.veileder" in page.text and "Agder fylkeskommune / Tangen vgs" in page.text
    created = db.session.scalar(select(User).where(User.username == "ny.veileder"))
    assert created.role_set == {"youth_mentor"} and not created.totp_enrolled
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.create",
                                                       AuditEvent.object_id == str(created.id)))
    assert event.actor_id == admin.id
    newcomer = make_client()
    step = newcomer.submit("/login", {"username": "ny.veileder", "password": PASSWORD})
    assert step.headers["Location"] == "/login/enrol"


def test_bad_input_is_explained_and_nothing_is_saved(factory, client, login):
    login(client, factory.user("admin"))
    response = client.submit("/admin/users/new", {
        "username": "x", "display_name": "", "password": "kort", "roles": []})
    assert response.status_code == 200
    text = response.text
    assert 'ds-error-summary' in text
    assert "Skriv inn navnet til personen." in text
    assert "minst 12 tegn" not in text or "Passordet" in text
    assert db.session.scalar(select(User).where(User.username == "x")) is None


def test_service_level_refusals_are_shown(factory, client, login):
    login(client, factory.user("admin", username="sjefen"))
    response = client.submit("/admin/users/new", {
        "username": "sjefen", "display_name": "Dobbel", "password": "passwordpassword",
        "roles": ["admin"]})
    assert "Brukernavnet er allerede i bruk." in response.text
    assert "for vanlig" in response.text


def test_deactivation_logs_the_user_out_everywhere(factory, client, login, make_client):
    admin = factory.user("admin")
    worker = factory.user("youth_mentor", [factory.unit()])
    worker_client = make_client()
    login(worker_client, worker)
    assert worker_client.get("/").status_code == 200
    login(client, admin)
    response = client.submit(f"/admin/users/{worker.id}/deactivate", form_page="/admin/users")
    assert response.status_code == 302
    assert worker_client.get("/").status_code == 302
    assert "Deaktivert" in client.get("/admin/users").text
    db.session.expire_all()
    assert db.session.get(User, worker.id).deactivated_at is not None


def test_admin_cannot_deactivate_themselves(factory, client, login):
    admin = factory.user("admin")
    login(client, admin)
    client.submit(f"/admin/users/{admin.id}/deactivate", form_page="/admin/users")
    assert client.get("/").status_code == 200


def test_admin_sees_units_but_no_participants(factory, client, login):
    unit = factory.unit("Grim skole")
    factory.case(factory.user("youth_mentor", [unit]), unit)
    login(client, factory.user("admin"))
    pages = [client.get(p).text for p in ("/", "/admin/users", "/admin/units")]
    assert "Grim skole" in pages[2]
    assert not any("Nordmann" in page for page in pages)
