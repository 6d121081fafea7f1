"""Administration in the browser's terms: change users and units, reset the second factor,
deactivate only after confirming, reactivate, and a first password the user must replace."""
from __future__ import annotations

import re
from datetime import UTC

import pyotp
from sqlalchemy import select

from audit.models import AuditEvent
from caseapp.accounts.models import User
from caseapp.extensions import db
from caseapp.units.models import Unit
from tests.conftest import PASSWORD


def events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def fresh(user) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def test_admin_changes_roles_and_units_but_not_their_own_admin_role(factory, client, login):
    school, nav = factory.unit("Lund ungdomsskole"), factory.unit("Nav Kristiansand", "Nav")
    admin = factory.user("admin")
    worker = factory.user("youth_mentor", [school])
    login(client, admin)
    page = client.get(f"/admin/users/{worker.id}").text
    assert re.search(rf'<input checked[^>]*value="{school.id}"', page)
    assert not re.search(rf'<input checked[^>]*value="{nav.id}"', page)
    saved = client.submit(f"/admin/users/{worker.id}", {
        "display_name": "Nora Ny", "email": "", "roles": ["work_leader", "coordinator"],
        "units": [str(nav.id)]})
    assert saved.status_code == 302
    changed = fresh(worker)
    assert changed.role_set == {"work_leader", "coordinator"} and changed.unit_ids == {nav.id}
    assert changed.display_name == "Nora Ny"
    [event] = events("user.update")
    assert event.actor_id == admin.id and event.details["roles"] == {
        "before": ["youth_mentor"], "after": ["coordinator", "work_leader"]}
    refused = client.submit(f"/admin/users/{admin.id}", {
        "display_name": admin.display_name, "email": "", "roles": ["coordinator"], "units": []})
    assert "Du kan ikke ta administratorrollen fra deg selv." in refused.text
    assert fresh(admin).role_set == {"admin"}


def test_reset_second_factor_logs_out_and_the_user_enrols_again(factory, client, login,
                                                                make_client, clock):
    admin = factory.user("admin")
    worker = factory.user("work_leader", [factory.unit()])
    old_secret = worker.totp_secret
    worker_client = make_client()
    login(worker_client, worker)
    login(client, admin)
    confirm = client.get(f"/admin/users/{worker.id}/reset-second-factor")
    assert "Tilbakestille innlogging med to faktorer" in confirm.text
    assert fresh(worker).totp_enrolled  # asking is not doing
    client.submit(f"/admin/users/{worker.id}/reset-second-factor")
    assert not fresh(worker).totp_enrolled and events("user.reset_totp")
    assert worker_client.get("/").status_code == 302  # logged out at once
    step = worker_client.submit("/login", {"username": worker.username, "password": PASSWORD})
    assert step.headers["Location"] == "/login/enrol"
    assert "QR" in worker_client.get("/login/enrol").text
    new_secret = fresh(worker).totp_secret
    assert new_secret != old_secret
    old_code = pyotp.TOTP(old_secret).at(clock.now().replace(tzinfo=UTC))
    assert worker_client.submit("/login/enrol", {"code": old_code}, form_page="/login").status_code == 200
    code = pyotp.TOTP(new_secret).at(clock.now().replace(tzinfo=UTC))
    assert worker_client.submit("/login/enrol", {"code": code}, form_page="/login").status_code == 302
    assert worker_client.get("/").status_code == 200


def test_deactivation_asks_first_and_reactivation_lets_the_user_back(factory, client, login,
                                                                     make_client):
    admin = factory.user("admin")
    worker = factory.user("youth_mentor", [factory.unit()])
    login(client, admin)
    assert f'action="/admin/users/{worker.id}/deactivate"' not in client.get("/admin/users").text
    question = client.get(f"/admin/users/{worker.id}/deactivate")
    assert question.status_code == 200 and f"Deaktivere {worker.username}?" in question.text
    assert fresh(worker).active
    client.submit(f"/admin/users/{worker.id}/deactivate")
    assert not fresh(worker).active
    page = client.get(f"/admin/users/{worker.id}").text
    assert "Aktiver igjen" in page
    client.submit(f"/admin/users/{worker.id}/reactivate", form_page=f"/admin/users/{worker.id}")
    back = fresh(worker)
    assert back.active and back.deactivated_at is None and events("user.reactivate")
    login(make_client(), back)


def test_a_first_password_from_the_admin_must_be_replaced_at_first_login(factory, client, login,
                                                                          make_client, clock):
    unit = factory.unit("Tangen vgs", "Agder fylkeskommune", "upper_secondary")
    login(client, factory.user("admin"))
    client.submit("/admin/users/new", {"username": "nora.ny", "display_name": "Nora Ny",
                                       "password": PASSWORD, "roles": ["youth_mentor"],
                                       "units": [str(unit.id)]})
    nora = db.session.scalar(select(User).where(User.username == "nora.ny"))
    assert nora.password_change_required
    newcomer = make_client()
    newcomer.submit("/login", {"username": "nora.ny", "password": PASSWORD})
    newcomer.get("/login/enrol")
    code = pyotp.TOTP(fresh(nora).totp_secret).at(clock.now().replace(tzinfo=UTC))
    enrolled = newcomer.submit("/login/enrol", {"code": code}, form_page="/login")
    assert enrolled.headers["Location"] == "/login/new-password"
    for path in ("/", "/cases/", "/profile/"):  # nothing else until the password is chosen
        assert newcomer.get(path).headers["Location"] == "/login/new-password"
    same = newcomer.submit("/login/new-password", {"password": PASSWORD, "repeated": PASSWORD})
    assert "Velg et annet passord enn det du fikk." in same.text
    differ = newcomer.submit("/login/new-password", {"password": "sju blå hester synger høyt",
                                                     "repeated": "sju blå hester synger"})
    assert "De to passordene er ikke like." in differ.text
    saved = newcomer.submit("/login/new-password", {"password": "sju blå hester synger høyt",
                                                    "repeated": "sju blå hester synger høyt"})
    assert saved.headers["Location"] == "/"
    assert newcomer.get("/").status_code == 200
    assert not fresh(nora).password_change_required and events("user.change_password")
    clock.advance(seconds=30)
    again = make_client()
    login(again, fresh(nora), password="sju blå hester synger høyt")
    assert again.get("/").status_code == 200


def test_a_sign_in_without_the_password_step_is_not_asked_for_a_new_password(app, factory):
    """The organisation's sign-in (OpenID Connect) finishes through ``_finish_login`` without
    the password step: an administrator's first password is irrelevant there."""
    from flask import session

    from caseapp.auth.views import NEW_PASSWORD, _finish_login

    user = factory.user("youth_mentor", [factory.unit()])
    user.password_change_required = True
    db.session.commit()
    with app.test_request_context("/"):
        response = _finish_login(user)
        assert response.headers["Location"] == "/" and NEW_PASSWORD not in session


def test_admin_creates_and_renames_units(factory, client, login):
    existing = factory.unit("Lund ungdomsskole")
    admin = factory.user("admin")
    login(client, admin)
    assert "Ny enhet" in client.get("/admin/units").text
    created = client.submit("/admin/units/new", {"name": " Vågsbygd  sykehjem ",
                                                 "organisation": "Kristiansand kommune",
                                                 "kind": "care_home"})
    assert created.status_code == 302
    unit = db.session.scalar(select(Unit).where(Unit.name == "Vågsbygd sykehjem"))
    assert unit.kind == "care_home" and unit.organisation_id == existing.organisation_id
    twice = client.submit("/admin/units/new", {"name": "Vågsbygd sykehjem",
                                               "organisation": "Kristiansand kommune",
                                               "kind": "care_home"})
    assert "Organisasjonen har allerede en enhet med det navnet." in twice.text
    clash = client.submit(f"/admin/units/{unit.id}", {"name": "Lund ungdomsskole",
                                                      "kind": "care_home"})
    assert "allerede en enhet med det navnet" in clash.text
    # " / " and ";" separate organisation and unit where the log keeps names: refused, said.
    for fields in ({"name": "Vågsbygd / Voiebyen", "organisation": "Kristiansand kommune"},
                   {"name": "Voiebyen", "organisation": "Nav Agder; Kristiansand"}):
        refused = client.submit("/admin/units/new", {**fields, "kind": "care_home"})
        assert refused.status_code == 200 and 'Et navn kan ikke inneholde " / " eller ";".' in refused.text
    slash = client.submit(f"/admin/units/{unit.id}", {"name": "Vågsbygd / Voiebyen",
                                                      "kind": "care_home"})
    assert 'Et navn kan ikke inneholde " / " eller ";".' in slash.text
    assert db.session.scalar(select(Unit).where(Unit.name.like("%Voiebyen%"))) is None
    renamed = client.submit(f"/admin/units/{unit.id}", {"name": "Vågsbygd helsehus",
                                                        "kind": "care_home"})
    assert renamed.status_code == 302
    assert "Vågsbygd helsehus" in client.get("/admin/units").text
    assert [e.details for e in events("unit.update")] == [{"fields": ["name"]}]
    assert events("unit.create")[0].actor_id == admin.id
