"""IDOR sweep: every URL rule with an id in it, as every role, filled with the ids of objects the
acting user must not reach — another worker's caseload, another unit, another organisation.

The answer is 403 or 404, the page carries none of those people's names, national ids, notes or
guardians, and it is the same status and the same page as for an id that names nothing, so
trying ids does not reveal which exist. Rules are read from ``app.url_map``: a rule added later
is swept without touching this test, and a rule with an argument this test cannot fill fails
with a message saying where to teach it.
"""
from __future__ import annotations

import re
import uuid

import pytest

from caseapp.breakglass.services import open_with_reason
from caseapp.extensions import db
from consent.services import grant

ROLES = ["anonymous", "youth_mentor", "work_leader", "coordinator", "privacy_officer", "admin"]
DENIED = {403, 404}

# URL arguments that are not object ids: a fixed value to fill them with.
# Not object ids: the drill-down's metric and the report's format are fixed words; its unit filter is swept in
# tests/caseload/test_dashboard.py (another unit answers 404).
# a scheduled duty and its period (the admin's operations page: no object of a person)
FIXED_ARGUMENTS = {"fmt": "json", "metric": "active", "kind": "csv",
                   "name": "consent_expiry", "period": "2026-12-01"}
# Endpoints whose arguments are not object ids of young people or staff.
# The invitation link's argument is a signed token, not an object's id (a forged or expired
# one is refused in tests/oidc/test_staff_login.py).
NOT_SWEPT = {"static", "oidc.invitation"}

# What a role may reach by design although the object is outside its own caseload
# (DOMAIN.md: the privacy officer's audit tools cover everybody; the admin manages all users;
# break-glass is the emergency door: its form (no personal data) is shown for any case id,
# existing or not, and opening needs a written reason that is audited and reviewed).
BY_DESIGN = {
    ("privacy_officer", "privacy.access_report"), ("privacy_officer", "privacy.subject_export"),
    # the same report and copy as HTML pages
    ("privacy_officer", "privacy.access_report_html"), ("privacy_officer", "privacy.subject_export_html"),
    ("privacy_officer", "privacy.erasure_decision"), ("privacy_officer", "breakglass.decide"),
    ("admin", "admin.deactivate"), ("admin", "admin.edit_user"), ("admin", "admin.reactivate"),
    ("admin", "admin.reset_second_factor"),
    # units are the admin's to rename, in any organisation (no person in them)
    ("admin", "admin.edit_unit"),
    # lifting a person's restriction is the privacy officer's decision for anybody
    ("privacy_officer", "privacy.lift_restriction"),
    # the exact figures (every unit) are the privacy officer's, audited; <kind> is a format
    ("privacy_officer", "reports.download_exact"),
    # a scheduled duty run again: names a duty and a period, no person
    ("admin", "operations.run_again"),
    # the coordinator's drill-down lists their own units' cases (metadata only, no names)
    ("coordinator", "caseload.drill"),
    # ... and the Nøkkeltall figures of their own units (suppressed aggregates)
    ("coordinator", "reports.download"),
}
# Doors: (roles that may knock, statuses) — the same answer for existing and unknown ids.
DOORS = {"breakglass.request_access": ({"youth_mentor", "work_leader", "coordinator"}, {200})}


@pytest.fixture
def world(factory):
    """Actors in unit A1; victims: another worker in A1, unit A2 (same organisation), unit B1
    (another organisation). Each victim has a participant, case, consent, session, plan and
    checkpoint, with markers that must never appear on an actor's page."""
    home = factory.unit("Sveip skole A1", organisation="Kristiansand kommune")
    other_unit = factory.unit("Sveip skole A2", organisation="Kristiansand kommune")
    other_org = factory.unit("Sveip vgs B1", organisation="Agder fylkeskommune",
                             kind="upper_secondary")
    actors = {role: factory.user(role, [home]) for role in ROLES if role != "anonymous"}
    victims, markers = {}, []
    places = {"other_worker": (home, "youth_mentor"), "other_worker_wl": (home, "work_leader"),
              "other_unit": (other_unit, "youth_mentor"), "other_org": (other_org, "work_leader")}
    for number, (name, (unit, role)) in enumerate(places.items()):
        worker = factory.user(role, [unit])
        given, family = f"Sveipina{number}x", f"Idorsen{number}y"
        person = factory.participant(given, family)
        case = factory.case(worker, unit, participant=person)
        guardian = f"Foresattine{number}z"
        consent = grant(db.session, participant_id=person.id, purpose="follow_up",
                        given_by="subject_and_guardians",
                        guardians=[{"name": guardian, "relation": "mother"}])
        db.session.commit()
        note = f"Hemmelignotat{number}q"
        contact = factory.contact(case, note=note)
        factory.plan(case, goals=(f"Hemmeligmaal{number}w",))
        checkpoint = factory.checkpoint(case)
        outcome = factory.outcome(case, note=f"Hemmeligresultat{number}r")
        transition = factory.transition(case, to_school=f"Hemmeligskole{number}s")
        placement = factory.placement(case, workplace=f"Hemmeligpraksis{number}p")
        access = open_with_reason(db.session, worker, case, "Akutt behov for oversikt", 60)
        db.session.commit()
        victims[name] = {"case_id": case.id, "participant_id": person.id, "consent_id": consent.id,
                         "contact_id": contact.id, "checkpoint_id": checkpoint.id,
                         "access_id": access.id, "user_id": worker.id, "outcome_id": outcome.id,
                         "transition_id": transition.id, "placement_id": placement.id,
                         "unit_id": unit.id}
        markers += [given, family, person.national_id, guardian, note, f"Hemmeligmaal{number}w",
                    f"Hemmeligresultat{number}r", f"Hemmeligskole{number}s",
                    f"Hemmeligpraksis{number}p"]
    return {"actors": actors, "victims": victims, "markers": markers}


def victims_for(role: str, victims: dict) -> dict:
    """The coordinator of A1 legitimately sees A1's cases (metadata): not victims for them."""
    if role == "coordinator":
        return {k: v for k, v in victims.items() if not k.startswith("other_worker")}
    return victims


def swept_rules(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.arguments and rule.endpoint not in NOT_SWEPT:
            yield rule


def young_person_page(app, rule) -> bool:
    """A rule of the young person's own pages (``@young_person``): staff and anonymous visitors
    get the young person's sign-in for every id; tests/portal/test_need_to_know.py sweeps them
    as young people with other people's ids."""
    return getattr(app.view_functions[rule.endpoint], "young_person", False)


def fill(rule, ids: dict, any_id: bool = False) -> str:
    """``rule`` with the ids in ``ids`` (``any_id``: a fresh one for an argument not there)."""
    values = {}
    for name in rule.arguments:
        if name in FIXED_ARGUMENTS:
            values[name] = FIXED_ARGUMENTS[name]
        elif name in ids:
            values[name] = str(ids[name])
        elif any_id:
            values[name] = str(uuid.uuid4())
        else:
            pytest.fail(f"The IDOR sweep cannot fill <{name}> of {rule.rule} ({rule.endpoint}): "
                        "add an object of that kind to the world fixture in "
                        "tests/security/test_idor_sweep.py (or a value to FIXED_ARGUMENTS).")
    return rule.build(values, append_unknown=False)[1]


def normalise(body: str, ids) -> str:
    body = re.sub(r"<code>[0-9a-f]{16}</code>", "<code>REF</code>", body)
    body = re.sub(r'name="csrf_token" type="hidden" value="[^"]+"', "CSRF", body)
    for value in ids:
        body = body.replace(str(value), "ID")
    return body


def test_every_rule_with_an_argument_can_be_filled(app, world):
    ids = next(iter(world["victims"].values()))
    for rule in swept_rules(app):
        fill(rule, ids, any_id=young_person_page(app, rule))


@pytest.mark.parametrize("role", ROLES)
def test_other_peoples_ids_are_refused_without_data_or_existence(role, app, world, client, login):
    if role != "anonymous":
        login(client, world["actors"][role])
    token = client.csrf_token("/login" if role == "anonymous" else "/")
    unknown = {name: uuid.uuid4() for name in next(iter(world["victims"].values()))}
    failures, checked = [], 0

    def ask(method, path):
        if method == "POST":
            return client.post(path, data={"csrf_token": token})
        return client.get(path)

    for rule in swept_rules(app):
        if (role, rule.endpoint) in BY_DESIGN:
            continue
        portal = young_person_page(app, rule)
        for method in sorted(rule.methods & {"GET", "POST"}):
            baseline = ask(method, fill(rule, unknown, any_id=portal))
            base_body = normalise(baseline.get_data(as_text=True), unknown.values())
            for victim, ids in victims_for(role, world["victims"]).items():
                path = fill(rule, ids, any_id=portal)
                response = ask(method, path)
                checked += 1
                body = response.get_data(as_text=True)
                where = f"{role}: {method} {rule.rule} ({victim})"
                if portal:
                    ok = response.status_code == 302 and \
                        response.headers["Location"] == "/meg/logg-inn"
                elif role == "anonymous":
                    ok = response.status_code == 302 and \
                        response.headers["Location"].startswith("/login")
                else:
                    knockers, door = DOORS.get(rule.endpoint, (set(), set()))
                    ok = response.status_code in (door if role in knockers else DENIED)
                if not ok:
                    failures.append(f"{where}: status {response.status_code}")
                leaked = [m for m in world["markers"] if m in body]
                if leaked:
                    failures.append(f"{where}: page shows {leaked}")
                if response.status_code != baseline.status_code:
                    failures.append(f"{where}: {response.status_code} for an existing id but "
                                    f"{baseline.status_code} for an unknown one")
                elif normalise(body, ids.values()) != base_body:
                    failures.append(f"{where}: the page differs from the one for an unknown id")
    assert checked > 50
    assert not failures, "\n".join(failures)


def test_the_markers_show_where_access_is_allowed(app, world, make_client, login):
    """Control: the sweep's markers are on the pages of those who may see them, so their
    absence above means something."""
    from caseapp.accounts.models import User

    ids = world["victims"]["other_unit"]
    worker = db.session.get(User, ids["user_id"])
    client = make_client()
    login(client, worker)
    page = client.get(f"/cases/{ids['case_id']}").get_data(as_text=True)
    assert "Sveipina2x" in page and "Idorsen2y" in page
    assert "Hemmelignotat2q" in client.get(f"/contacts/{ids['contact_id']}/history").get_data(
        as_text=True)
