"""Every URL rule, requested as every role and as anonymous: the answer is the expected one.

A view added without an entry here fails ``test_every_rule_has_a_decision``; a view without
``@requires`` or ``@public`` fails ``test_every_view_asks_roles``.
"""
from __future__ import annotations

import uuid

import pytest

from caseapp.extensions import db
from consent.services import grant
from tests.conftest import START

ROLES = ["anonymous", "youth_mentor", "work_leader", "coordinator", "privacy_officer", "admin"]
LOGIN = "login"  # redirected to the login page

# endpoint -> (method, path template, {role: expected status}); roles not listed get `default`.
EXPECTED = {
    "static": ("GET", "/static/app.css", {}, 200),
    "main.health": ("GET", "/health", {}, 200),
    "main.language": ("POST", "/language", {}, 302),
    "main.start": ("GET", "/", {"anonymous": LOGIN}, 200),
    "accounts.profile": ("GET", "/profile/", {"anonymous": LOGIN}, 200),
    "auth.login": ("GET", "/login", {"anonymous": 200}, 302),
    "auth.code": ("GET", "/login/code", {}, 302),
    "auth.enrol": ("GET", "/login/enrol", {}, 302),
    "auth.logout": ("POST", "/login/logout", {}, 302),
    "cases.mine": ("GET", "/cases/", {"anonymous": LOGIN, "youth_mentor": 200, "work_leader": 200}, 403),
    "cases.detail": ("GET", "/cases/{case}", {"anonymous": LOGIN, "youth_mentor": 200,
                                              "coordinator": 200}, 404),
    "cases.set_status": ("POST", "/cases/{case}/status", {"anonymous": LOGIN, "youth_mentor": 302,
                                                          "work_leader": 404}, 403),
    "cases.new_case": ("GET", "/cases/{case}/new-case", {"anonymous": LOGIN, "youth_mentor": 200,
                                                         "work_leader": 404}, 403),
    "participants.edit": ("GET", "/cases/{case}/person", {"anonymous": LOGIN, "youth_mentor": 200,
                                                          "work_leader": 404}, 403),
    "participants.new": ("GET", "/participants/new", {"anonymous": LOGIN, "youth_mentor": 200,
                                                      "work_leader": 200}, 403),
    "plans.show": ("GET", "/cases/{case}/plan", {"anonymous": LOGIN, "youth_mentor": 200,
                                                 "work_leader": 404}, 404),
    "plans.edit": ("GET", "/cases/{case}/plan/edit", {"anonymous": LOGIN, "youth_mentor": 200,
                                                      "work_leader": 404}, 403),
    "plans.pdf": ("GET", "/cases/{case}/plan.pdf", {"anonymous": LOGIN, "youth_mentor": 200,
                                                    "work_leader": 404}, 404),
    "transitions.new_transition": ("GET", "/cases/{case}/transitions/new",
                                   {"anonymous": LOGIN, "youth_mentor": 200, "work_leader": 404},
                                   403),
    "transitions.new_placement": ("GET", "/cases/{case}/placements/new",
                                  {"anonymous": LOGIN, "youth_mentor": 200, "work_leader": 404},
                                  403),
    "handovers.handover": ("GET", "/cases/{case}/handover", {"anonymous": LOGIN,
                                                             "youth_mentor": 200,
                                                             "work_leader": 404}, 403),
    "handovers.reassign": ("GET", "/cases/{case}/reassign", {"anonymous": LOGIN,
                                                             "coordinator": 200}, 403),
    "outcomes.record": ("GET", "/cases/{case}/outcomes/new", {"anonymous": LOGIN,
                                                              "youth_mentor": 200,
                                                              "work_leader": 404}, 403),
    "outcomes.close": ("GET", "/cases/{case}/close", {"anonymous": LOGIN, "youth_mentor": 200,
                                                      "work_leader": 404}, 403),
    "outcomes.checkpoint": ("GET", "/checkpoints/{checkpoint}", {"anonymous": LOGIN,
                                                                 "youth_mentor": 200}, 404),
    # rectification (issue 15): the case worker corrects; the history shows notes. Read-only
    # pages (plan, histories) ask only the object check, so break-glass opens them: others 404.
    "outcomes.edit": ("GET", "/outcomes/{outcome}/edit", {"anonymous": LOGIN, "youth_mentor": 200,
                                                         "work_leader": 404}, 403),
    "outcomes.history": ("GET", "/outcomes/{outcome}/history", {"anonymous": LOGIN,
                                                               "youth_mentor": 200,
                                                               "work_leader": 404}, 404),
    "transitions.edit_transition": ("GET", "/transitions/{transition}/edit",
                                    {"anonymous": LOGIN, "youth_mentor": 200, "work_leader": 404},
                                    403),
    "transitions.transition_history": ("GET", "/transitions/{transition}/history",
                                       {"anonymous": LOGIN, "youth_mentor": 200,
                                        "work_leader": 404}, 404),
    "transitions.edit_placement": ("GET", "/placements/{placement}/edit",
                                   {"anonymous": LOGIN, "youth_mentor": 200, "work_leader": 404},
                                   403),
    "transitions.end_placement": ("GET", "/placements/{placement}/end",
                                  {"anonymous": LOGIN, "youth_mentor": 200, "work_leader": 404},
                                  403),
    "transitions.placement_history": ("GET", "/placements/{placement}/history",
                                      {"anonymous": LOGIN, "youth_mentor": 200,
                                       "work_leader": 404}, 404),
    "contacts.new": ("GET", "/cases/{case}/contacts/new", {"anonymous": LOGIN, "youth_mentor": 200,
                                                           "work_leader": 404}, 403),
    "contacts.edit": ("GET", "/contacts/{contact}/edit", {"anonymous": LOGIN, "youth_mentor": 200,
                                                          "work_leader": 404}, 403),
    "contacts.history": ("GET", "/contacts/{contact}/history", {"anonymous": LOGIN,
                                                                "youth_mentor": 200,
                                                                "work_leader": 404}, 404),
    "meetings.invitation": ("GET", "/meetings/{contact}.ics", {"anonymous": LOGIN,
                                                               "youth_mentor": 200,
                                                               "work_leader": 404}, 403),
    "contacts.delete": ("POST", "/contacts/{contact}/delete", {"anonymous": LOGIN,
                                                               "youth_mentor": 302,
                                                               "work_leader": 404}, 403),
    # Messages with the young person (issue 17): the responsible worker only.
    "messages.thread": ("GET", "/cases/{case}/messages", {"anonymous": LOGIN, "youth_mentor": 200,
                                                          "work_leader": 404}, 403),
    "caseload.overview": ("GET", "/caseload/", {"anonymous": LOGIN, "coordinator": 200}, 403),
    "caseload.drill": ("GET", "/caseload/no-contact", {"anonymous": LOGIN, "coordinator": 200},
                       403),
    "privacy.events": ("GET", "/audit/", {"anonymous": LOGIN, "privacy_officer": 200}, 403),
    "privacy.export": ("GET", "/audit/export.csv", {"anonymous": LOGIN, "privacy_officer": 200}, 403),
    "privacy.access_report": ("GET", "/audit/participants/{participant}/access-report.pdf",
                            {"anonymous": LOGIN, "privacy_officer": 200}, 403),
    "privacy.subjects": ("GET", "/audit/subjects", {"anonymous": LOGIN, "privacy_officer": 200}, 403),
    "privacy.subject_export": ("GET", "/audit/participants/{participant}/export.json",
                             {"anonymous": LOGIN, "privacy_officer": 200}, 403),
    "privacy.erasure_decision": ("GET", "/audit/participants/{participant}/erasure",
                               {"anonymous": LOGIN, "privacy_officer": 200}, 403),
    "privacy.lift_restriction": ("POST", "/audit/participants/{participant}/restriction/lift",
                               {"anonymous": LOGIN, "privacy_officer": 200}, 403),
    "privacy.lifted_letter": ("GET", "/audit/participants/{participant}/restriction-lifted.pdf",
                            {"anonymous": LOGIN, "privacy_officer": 404}, 403),  # not restricted
    "breakglass.request_access": ("GET", "/break-glass/cases/{case}", {
        "anonymous": LOGIN, "youth_mentor": 302, "coordinator": 302, "work_leader": 200}, 404),
    "breakglass.review_list": ("GET", "/break-glass/review",
                               {"anonymous": LOGIN, "privacy_officer": 200}, 403),
    "breakglass.decide": ("GET", "/break-glass/review/00000000-0000-4000-8000-000000000000",
                          {"anonymous": LOGIN, "privacy_officer": 404}, 403),
    "admin.users": ("GET", "/admin/users", {"anonymous": LOGIN, "admin": 200}, 403),
    "admin.new_user": ("GET", "/admin/users/new", {"anonymous": LOGIN, "admin": 200}, 403),
    "admin.deactivate": ("POST", "/admin/users/{other_user}/deactivate",
                         {"anonymous": LOGIN, "admin": 302}, 403),
    "admin.units": ("GET", "/admin/units", {"anonymous": LOGIN, "admin": 200}, 403),
    "operations.overview": ("GET", "/admin/operations/", {"anonymous": LOGIN, "admin": 200}, 403),
    "operations.run_again": ("POST", "/admin/operations/retention/2026-11-02/run",
                             {"anonymous": LOGIN, "admin": 302}, 403),
    # Admin in the browser (issue 18): change users and units, reset the second factor.
    "admin.edit_user": ("GET", "/admin/users/{other_user}", {"anonymous": LOGIN, "admin": 200},
                        403),
    "admin.reset_second_factor": ("GET", "/admin/users/{other_user}/reset-second-factor",
                                  {"anonymous": LOGIN, "admin": 200}, 403),
    "admin.reactivate": ("POST", "/admin/users/{other_user}/reactivate",
                         {"anonymous": LOGIN, "admin": 302}, 403),
    "admin.new_unit": ("GET", "/admin/units/new", {"anonymous": LOGIN, "admin": 200}, 403),
    "admin.edit_unit": ("GET", "/admin/units/00000000-0000-4000-8000-000000000000",
                        {"anonymous": LOGIN, "admin": 404}, 403),
    "auth.new_password": ("GET", "/login/new-password", {"anonymous": LOGIN}, 302),
    "consent.records": ("GET", "/consent/participant/{participant}",
                        {"anonymous": LOGIN, "youth_mentor": 200, "coordinator": 200}, 404),
    "consent.new": ("GET", "/consent/participant/{participant}/new",
                    {"anonymous": LOGIN, "youth_mentor": 200, "coordinator": 200}, 404),
    "consent.receipt": ("GET", "/consent/{consent}/receipt.pdf",
                        {"anonymous": LOGIN, "youth_mentor": 200, "coordinator": 200}, 404),
    "consent.withdraw": ("POST", "/consent/{consent}/withdraw",
                         {"anonymous": LOGIN, "youth_mentor": 302, "coordinator": 302}, 404),
    "consent.overview": ("GET", "/consent/overview",
                         {"anonymous": LOGIN, "coordinator": 200, "privacy_officer": 200}, 403),
    # h-sec: the world's consent has no evidence file, so those who may see it get 404 too
    # (the download itself: tests/consent/test_evidence_file.py).
    "consent.evidence": ("GET", "/consent/{consent}/evidence", {"anonymous": LOGIN}, 404),
    # statistics (issue 7): coordinators, for their own units
    "reports.statistics": ("GET", "/reports/statistics", {"anonymous": LOGIN, "coordinator": 200},
                           403),
    "reports.download": ("GET", "/reports/nokkeltall.csv", {"anonymous": LOGIN,
                                                           "coordinator": 200}, 403),
    # issue 20: the exact (unperturbed) statistics are the privacy officer's alone
    "reports.exact": ("GET", "/reports/exact", {"anonymous": LOGIN, "privacy_officer": 200}, 403),
    "reports.download_exact": ("GET", "/reports/exact.csv", {"anonymous": LOGIN,
                                                              "privacy_officer": 200}, 403),
    "reports.research": ("GET", "/reports/research", {"anonymous": LOGIN, "privacy_officer": 200},
                         403),
    # UI (issue 8): the accessibility statement; staying logged in from the timeout warning.
    "main.accessibility": ("GET", "/tilgjengelighet", {}, 200),
    "auth.extend": ("POST", "/login/extend", {"anonymous": LOGIN}, 302),
    "privacy.access_report_html": ("GET", "/audit/participants/{participant}/access-report",
                                 {"anonymous": LOGIN, "privacy_officer": 200}, 403),
    # The privacy officer verifies the audit chain from the workspace.
    "privacy.verify": ("POST", "/audit/verify", {"anonymous": LOGIN, "privacy_officer": 302}, 403),
    "privacy.verify_full": ("POST", "/audit/verify/full", {"anonymous": LOGIN, "privacy_officer": 302},
                          403),
    # Sign-in with the organisation's account (issue 16): no provider configured here.
    "oidc.start": ("GET", "/login/oidc", {}, 404),
    "oidc.callback": ("GET", "/login/oidc/callback", {}, 404),
    "oidc.invitation": ("GET", "/login/oidc/invitation/x", {}, 404),
    # The young person's pages: no staff role reaches the landing page (the sign-in page,
    # 404 here without a citizen provider); tests/portal requests every rule as a young person.
    "portal.home": ("GET", "/meg/", {}, "portal_signin"),
    "portal.signin": ("GET", "/meg/logg-inn", {}, 404),
    "portal.start": ("GET", "/meg/login", {}, 404),
    "portal.callback": ("GET", "/meg/login/callback", {}, 404),
    "portal.logout": ("POST", "/meg/logout", {}, 404),
    "portal.logged_out": ("GET", "/meg/logged-out", {}, 200),
    "privacy.subject_export_html": ("GET", "/audit/participants/{participant}/export",
                                  {"anonymous": LOGIN, "privacy_officer": 200}, 403),
}


def young_person_pages(app) -> set[str]:
    """The young person's own pages (``@young_person``): no staff role and no anonymous
    visitor gets past their sign-in (``test_young_person_pages_refuse_staff``); what the young
    person may reach is tested in tests/portal/test_need_to_know.py."""
    return {e for e, view in app.view_functions.items() if getattr(view, "young_person", False)}


def test_every_rule_has_a_decision(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()} - young_person_pages(app)
    assert endpoints == set(EXPECTED) - young_person_pages(app), \
        "add new views to EXPECTED with their answer per role"


@pytest.mark.parametrize("role", ROLES)
def test_young_person_pages_refuse_staff(role, world, client, login):
    """Every rule of the young person's pages, with any ids, sends staff and anonymous
    visitors to the young person's sign-in: a staff session opens none of them."""
    if role != "anonymous":
        login(client, world["users"][role])
    token = client.csrf_token("/login" if role == "anonymous" else "/")
    pages = young_person_pages(client.application)
    rules = [r for r in client.application.url_map.iter_rules() if r.endpoint in pages]
    assert rules
    failures = []
    for rule in rules:
        path = rule.build({name: str(uuid.uuid4()) for name in rule.arguments},
                          append_unknown=False)[1]
        for method in sorted(rule.methods & {"GET", "POST"}):
            if method == "POST":
                response = client.post(path, data={"csrf_token": token})
            else:
                response = client.get(path)
            if response.status_code != 302 or response.headers["Location"] != "/meg/logg-inn":
                failures.append(f"{method} {path} as {role}: {response.status_code}")
    assert not failures, "\n".join(failures)


def test_every_view_asks_roles(app):
    for endpoint, view in app.view_functions.items():
        if endpoint == "static":
            continue
        assert getattr(view, "required_permission", None) or getattr(view, "public", False) \
            or getattr(view, "young_person", False), \
            f"{endpoint} neither requires a permission nor is public"


@pytest.fixture
def world(factory):
    unit = factory.unit("Matrise skole")
    users = {role: factory.user(role, [unit]) for role in ROLES if role != "anonymous"}
    other = factory.user("youth_mentor", [unit])
    case = factory.case(users["youth_mentor"], unit)
    consent = grant(db.session, participant_id=case.participant_id, purpose="follow_up",
                    given_by="guardians", guardians=[{"name": "Mor", "relation": "mor"}])
    db.session.commit()
    contact = factory.contact(case, next_date=START.date())
    factory.plan(case)
    checkpoint = factory.checkpoint(case)
    return {"users": users, "case": case, "other_user": other, "contact": contact,
            "checkpoint": checkpoint, "consent": consent, "outcome": factory.outcome(case),
            "transition": factory.transition(case), "placement": factory.placement(case)}


@pytest.mark.parametrize("role", ROLES)
def test_url_role_matrix(role, world, client, login):
    if role != "anonymous":
        login(client, world["users"][role])
    token_page = "/login" if role == "anonymous" else "/"
    failures = []
    for endpoint, (method, template, answers, default) in EXPECTED.items():
        if endpoint in {"auth.logout", "main.language"}:
            continue  # these end or change the session; covered below and in test_login
        path = template.format(case=world["case"].id, other_user=world["other_user"].id,
                               participant=world["case"].participant_id,
                               consent=world["consent"].id, contact=world["contact"].id,
                               checkpoint=world["checkpoint"].id, outcome=world["outcome"].id,
                               transition=world["transition"].id,
                               placement=world["placement"].id)
        expected = answers.get(role, default)
        if method == "POST":
            response = client.post(path, data={"csrf_token": client.csrf_token(token_page)})
        else:
            response = client.get(path)
        if expected == LOGIN:
            ok = response.status_code == 302 and response.headers["Location"].startswith("/login")
        elif expected == "portal_signin":
            ok = response.status_code == 302 and response.headers["Location"] == "/meg/logg-inn"
        else:
            ok = response.status_code == expected
        if not ok:
            failures.append(f"{method} {path} as {role}: {response.status_code}, expected {expected}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", ROLES)
def test_session_changing_posts(role, world, client, login):
    if role != "anonymous":
        login(client, world["users"][role])
    page = "/login" if role == "anonymous" else "/"
    response = client.post("/language", data={"csrf_token": client.csrf_token(page),
                                              "language": "en", "next": "/"})
    assert response.status_code == 302
    response = client.post("/login/logout", data={"csrf_token": client.csrf_token(page)})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert client.get("/").status_code == 302


def test_unknown_case_id_is_404_for_everyone(world, client, login):
    login(client, world["users"]["youth_mentor"])
    assert client.get(f"/cases/{uuid.uuid4()}").status_code == 404
    assert client.get("/cases/not-a-uuid").status_code == 404


def test_posts_without_csrf_token_are_refused(world, client, login):
    login(client, world["users"]["admin"])
    response = client.post(f"/admin/users/{world['other_user'].id}/deactivate")
    assert response.status_code == 400
    assert "Skjemaet" in response.text
