"""Need-to-know both ways (issue #17 item 7), swept over ``app.url_map`` so that every page
added to the young person's pages later is covered without touching this file:

- every /meg rule, as a signed-in young person, filled with another young person's ids: 403 or
  404, nothing of the other person on the page, the same answer as for ids that name nothing,
  and nothing recorded about the other person;
- every staff rule, with the young person's cookie (sent on every path), answers exactly what
  an anonymous visitor gets;
- a restricted or erased person's session opens no /meg page.

A rule with an argument this file cannot fill fails with a message saying where to teach it.
"""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from audit.models import AuditEvent
from caseapp.extensions import db
from caseapp.portal import sessions
from caseapp.privacy import erasure
from consent.services import grant
from tests.security.test_idor_sweep import FIXED_ARGUMENTS, normalise

# URL argument names of the young person's pages -> the kind of object they name.
ARGUMENT_KINDS = {
    "case_id": "case", "participant_id": "participant", "consent_id": "consent",
    "contact_id": "contact", "session_id": "contact", "meeting_id": "contact",
    "plan_id": "plan", "version_id": "plan_version", "message_id": "message",
    "checkpoint_id": "checkpoint",
}
DENIED = {403, 404}


@pytest.fixture
def app_config(app_config):
    """Without CSRF tokens: a POST with a foreign id must be refused by the ownership check
    itself, not by a missing token."""
    return {**app_config, "WTF_CSRF_ENABLED": False}


def _world_of(factory, person, tag: str) -> tuple[dict, list[str]]:
    """A plan, a shared and an internal session, a consent and a message for ``person``, with
    markers unique to ``tag``; returns (ids by kind, markers)."""
    from caseapp.cases.models import Case
    from caseapp.messages.models import Message, Sender

    case = db.session.scalar(select(Case).where(Case.participant_id == person.id))
    case.worker.display_name = f"Mentor{tag}m"
    guardian = f"Verge{tag}v"
    consent = grant(db.session, participant_id=person.id, purpose="follow_up",
                    given_by="subject_and_guardians",
                    guardians=[{"name": guardian, "relation": "mother"}])
    db.session.commit()
    plan = factory.plan(case, goals=(f"Maal{tag}g",))
    shared = factory.contact(case, note=f"Delt{tag}d", summary_shared=True)
    factory.contact(case, note=f"Intern{tag}i")
    message = Message(case_id=case.id, participant_id=person.id, sender=Sender.WORKER.value,
                      worker_id=case.worker_id, body=f"Melding{tag}e")
    checkpoint = factory.checkpoint(case)
    db.session.add(message)
    db.session.commit()
    ids = {"case": case.id, "participant": person.id, "consent": consent.id, "contact": shared.id,
           "plan": plan.id, "plan_version": plan.versions[0].id, "message": message.id,
           "checkpoint": checkpoint.id}
    markers = [person.given_name, person.family_name, person.national_id, guardian,
               f"Mentor{tag}m", f"Maal{tag}g", f"Delt{tag}d", f"Intern{tag}i", f"Melding{tag}e",
               case.unit.name]
    return ids, markers


@pytest.fixture
def two_worlds(factory, young, other_young):
    own, own_markers = _world_of(factory, young, "Egen")
    foreign, foreign_markers = _world_of(factory, other_young, "Fremmed")
    return {"own": own, "own_markers": own_markers, "foreign": foreign,
            "foreign_markers": foreign_markers}


def portal_rules(app):
    pages = {e for e, view in app.view_functions.items() if getattr(view, "young_person", False)}
    return [r for r in sorted(app.url_map.iter_rules(), key=lambda r: r.rule)
            if r.endpoint in pages]


def fill(rule, ids_by_kind: dict) -> str:
    values = {}
    for name in rule.arguments:
        if name in FIXED_ARGUMENTS:
            values[name] = FIXED_ARGUMENTS[name]
        elif name in ARGUMENT_KINDS and ARGUMENT_KINDS[name] in ids_by_kind:
            values[name] = str(ids_by_kind[ARGUMENT_KINDS[name]])
        else:
            pytest.fail(f"tests/portal/test_need_to_know.py cannot fill <{name}> of {rule.rule} "
                        f"({rule.endpoint}): add it to ARGUMENT_KINDS (and the object to "
                        "_world_of if it is a new kind).")
    return rule.build(values, append_unknown=False)[1]


def ask(client, method: str, path: str):
    return client.post(path, data={}) if method == "POST" else client.get(path)


def events_about(participant_id) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(AuditEvent.id))
                             .where(AuditEvent.subject_id == participant_id)) or 0


def test_every_portal_rule_refuses_another_persons_ids(app, two_worlds, portal_client,
                                                      other_young):
    foreign = two_worlds["foreign"]
    unknown = {kind: uuid.uuid4() for kind in foreign}
    before = events_about(other_young.id)
    failures, checked = [], 0
    for rule in portal_rules(app):
        if not rule.arguments:
            continue
        for method in sorted(rule.methods & {"GET", "POST"}):
            baseline = ask(portal_client, method, fill(rule, unknown))
            response = ask(portal_client, method, fill(rule, foreign))
            checked += 1
            body = response.get_data(as_text=True)
            where = f"{method} {rule.rule} ({rule.endpoint})"
            if response.status_code not in DENIED:
                failures.append(f"{where}: {response.status_code} for another person's ids")
            leaked = [m for m in two_worlds["foreign_markers"] if m in body]
            if leaked:
                failures.append(f"{where}: the page shows {leaked}")
            if response.status_code != baseline.status_code or \
                    normalise(body, foreign.values()) != \
                    normalise(baseline.get_data(as_text=True), unknown.values()):
                failures.append(f"{where}: another person's ids answer differently from unknown ids")
    assert not failures, "\n".join(failures)
    assert events_about(other_young.id) == before, "something was recorded about the other person"
    assert portal_client.get("/meg/").status_code == 200  # the session was live all along
    if not checked:
        pytest.skip("no /meg rule with an id yet")


def test_the_portal_pages_show_nothing_of_another_person(app, two_worlds, portal_client):
    """Every page without an id (the young person's own plan, meetings, consents, ...) shows
    the person's own data and none of the other person's."""
    failures = []
    for rule in portal_rules(app):
        if rule.arguments or "GET" not in rule.methods:
            continue
        # A download (the Art. 15 copy as PDF) is not text: read what decodes.
        body = portal_client.get(rule.rule).get_data().decode("utf-8", "replace")
        leaked = [m for m in two_worlds["foreign_markers"] if m in body]
        if leaked:
            failures.append(f"GET {rule.rule}: the page shows {leaked}")
    assert not failures, "\n".join(failures)
    # Control: the markers are on the person's own pages, so their absence above means something.
    assert "Ungina" in portal_client.get("/meg/").text
    assert "MentorEgenm" in portal_client.get("/meg/").text


def test_the_young_persons_own_ids_open_their_pages(app, two_worlds, portal_client):
    """Control for the sweep: with the person's own ids, a page with an id is not refused."""
    opened = []
    for rule in portal_rules(app):
        if rule.arguments and "GET" in rule.methods:
            response = portal_client.get(fill(rule, two_worlds["own"]))
            assert response.status_code not in DENIED, f"GET {rule.rule}: {response.status_code}"
            opened.append(rule.rule)
    if not opened:
        pytest.skip("no /meg page with an id yet")


def staff_rules(app):
    pages = {r.endpoint for r in portal_rules(app)}
    return [r for r in sorted(app.url_map.iter_rules(), key=lambda r: r.rule)
            if r.endpoint not in pages and not r.endpoint.startswith("portal.")
            and r.endpoint != "static"]


def test_every_staff_url_treats_a_young_person_as_anonymous(app, two_worlds, young,
                                                           make_client):
    """The young person's token, sent on every path (as if its cookie's path did not hold),
    to every staff rule filled with the person's own ids: the same answer as anonymous."""
    token = sessions.start(db.session, young)
    db.session.commit()
    person = make_client()
    person.set_cookie(sessions.COOKIE, token, domain="localhost", path="/")
    anonymous = make_client()
    own = two_worlds["own"]
    failures = []
    for rule in staff_rules(app):
        values = {name: FIXED_ARGUMENTS.get(name) or own.get(ARGUMENT_KINDS.get(name, name))
                  or own["case"] for name in rule.arguments}
        path = rule.build({k: str(v) for k, v in values.items()}, append_unknown=False)[1]
        for method in sorted(rule.methods & {"GET", "POST"}):
            if rule.endpoint in {"auth.logout", "oidc.logout"}:
                continue
            theirs, nobodys = ask(person, method, path), ask(anonymous, method, path)
            if (theirs.status_code, theirs.headers.get("Location")) != \
                    (nobodys.status_code, nobodys.headers.get("Location")):
                failures.append(f"{method} {path}: {theirs.status_code} "
                                f"{theirs.headers.get('Location')}, anonymous gets "
                                f"{nobodys.status_code} {nobodys.headers.get('Location')}")
            leaked = [m for m in two_worlds["own_markers"] if m in theirs.get_data(as_text=True)]
            if leaked:
                failures.append(f"{method} {path}: shows {leaked}")
    assert not failures, "\n".join(failures)
    assert person.get("/meg/").status_code == 200  # the token was live all along


@pytest.mark.parametrize("outcome", ["restrict", "crypto_shred"])
def test_a_restricted_or_erased_person_reaches_no_portal_page(outcome, app, two_worlds, young,
                                                             portal_client, factory):
    erasure.decide(db.session, factory.user("privacy_officer"), young, outcome,
                   "Testen ber om dette nå.")
    db.session.commit()
    failures = []
    for rule in portal_rules(app):
        for method in sorted(rule.methods & {"GET", "POST"}):
            response = ask(portal_client, method, fill(rule, two_worlds["own"]))
            if response.status_code != 302 or response.headers["Location"] != "/meg/logg-inn":
                failures.append(f"{method} {rule.rule}: {response.status_code}")
    assert not failures, "\n".join(failures)
    page = portal_client.get("/meg/logg-inn")
    assert not [m for m in two_worlds["own_markers"] if m in page.text]
