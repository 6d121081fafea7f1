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
    response = client.submit(f"/admin/users/{worker.id}/deactivate")
    assert response.status_code == 302
    assert worker_client.get("/").status_code == 302
    assert "Deaktivert" in client.get("/admin/users").text
    db.session.expire_all()
    assert db.session.get(User, worker.id).deactivated_at is not None


def test_admin_cannot_deactivate_themselves(factory, client, login):
    admin = factory.user("admin")
    login(client, admin)
    client.submit(f"/admin/users/{admin.id}/deactivate", form_page=f"/admin/users/{admin.id}")
    assert client.get("/").status_code == 200


def test_admin_sees_units_but_no_participants(factory, client, login):
    unit = factory.unit("Grim skole")
    factory.case(factory.user("youth_mentor", [unit]), unit)
    login(client, factory.user("admin"))
    pages = [client.get(p).text for p in ("/", "/admin/users", "/admin/units")]
    assert "Grim skole" in pages[2]
    assert not any("Nordmann" in page for page in pages)


def test_admin_registers_work_contact_and_refuses_bad_or_taken_addresses(factory, client, login):
    login(client, factory.user("admin"))
    factory.user("youth_mentor", username="opptatt")
    db.session.get(User, db.session.scalar(select(User.id).where(User.username == "opptatt"))
                   ).email = "kari@kommune.example"
    db.session.commit()
    fields = {"display_name": "Nora Ny", "password": PASSWORD, "roles": ["youth_mentor"]}
    bad = client.submit("/admin/users/new", {**fields, "username": "nora.ny", "email": "nora@",
                                             "work_phone": "ring meg"})
    assert "Skriv inn en gyldig e-postadresse" in bad.text
    assert "Skriv inn jobbtelefonen med 8 til 20 sifre" in bad.text
    taken = client.submit("/admin/users/new", {**fields, "username": "nora.ny",
                                               "email": " KARI@kommune.example "})
    assert "E-postadressen hører til en annen konto." in taken.text
    assert db.session.scalar(select(User).where(User.username == "nora.ny")) is None
    ok = client.submit("/admin/users/new", {**fields, "username": "nora.ny",
                                            "email": "Nora.Ny@Kommune.example",
                                            "work_phone": "+47 12 34 56 78"})
    assert ok.status_code == 302
    created = db.session.scalar(select(User).where(User.username == "nora.ny"))
    assert (created.email, created.work_phone) == ("nora.ny@kommune.example", "+47 12 34 56 78")


def test_staff_keep_their_work_phone_on_their_profile_but_not_their_email(factory, client, login):
    worker = factory.user("work_leader", [factory.unit()])
    worker.email = "al@nav.example"
    db.session.commit()
    login(client, worker)
    page = client.get("/profile/")
    assert "al@nav.example" in page.text and "Min profil" in page.text
    refused = client.submit("/profile/", {"work_phone": "12"})
    assert "Skriv inn jobbtelefonen" in refused.text
    saved = client.submit("/profile/", {"work_phone": "12 34 56 78", "email": "annen@nav.example"})
    assert saved.status_code == 302
    db.session.expire_all()
    user = db.session.get(User, worker.id)
    assert (user.work_phone, user.email) == ("12 34 56 78", "al@nav.example")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.update_contact"))
    assert event.actor_id == worker.id and "12 34" not in str(event.details)
