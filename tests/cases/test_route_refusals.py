"""Refusals found by an outside sweep of the write routes (issue 15, item 8): a value outside a
form's choices is a form error, and what break-glass opens it opens read-only wherever the case
page links."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from caseapp.cases.models import Case
from caseapp.extensions import db
from caseapp.participants.models import Participant
from tests.participants.test_registration import form

REASON = "Politiet ringte om en bekymringsmelding; saksbehandler er syk i dag."


@pytest.mark.parametrize("programme", ["xyz", "closed", ""])
def test_an_unknown_programme_is_a_form_error_when_registering(client, login, mentor, school,
                                                               programme):
    login(client, mentor)
    response = client.submit("/participants/new", form(school, programme=programme))
    assert response.status_code == 200
    assert "Ikke et gyldig valg" in response.text
    assert db.session.scalar(select(func.count(Participant.id))) == 0


def test_an_unknown_programme_is_a_form_error_for_a_new_case(client, login, mentor, school,
                                                             factory):
    case = factory.case(mentor, school, status="closed")
    factory.consent(case.participant)
    login(client, mentor)
    response = client.submit(f"/cases/{case.id}/new-case", {
        "programme": "xyz", "track": "upper_secondary", "unit": str(school.id),
        "school_or_workplace": "Kvadraturen vgs", "grade_or_programme": "Vg1",
        "started_on": "2026-11-02"})
    assert response.status_code == 200 and "Ikke et gyldig valg" in response.text
    assert db.session.scalar(select(func.count(Case.id))) == 1


def test_break_glass_opens_every_page_the_case_links_read_only(client, login, factory, school):
    owner = factory.user("youth_mentor", [school])
    case = factory.case(owner, school)
    factory.consent(case.participant)
    factory.plan(case)
    factory.contact(case)
    factory.outcome(case)
    factory.transition(case)
    factory.placement(case)
    coordinator = factory.user("coordinator", [factory.unit("Vågsbygd skole")])
    login(client, coordinator)
    assert client.get(f"/cases/{case.id}/plan").status_code == 404  # no need-to-know yet
    client.submit(f"/break-glass/cases/{case.id}", {"reason": REASON})
    page = client.get(f"/cases/{case.id}").text
    links = set(re.findall(r'href="(/[^"#?]+)', page)) - {"/", "/tilgjengelighet", "/login"}
    linked = [link for link in links if "/static/" not in link]
    assert f"/cases/{case.id}/plan" in linked and any("/history" in link for link in linked)
    answers = {link: client.get(link).status_code for link in linked}
    assert answers == {link: 200 for link in linked}
    # read-only: nothing to edit is linked, and an edit page stays closed
    assert not [link for link in linked if link.endswith(("/edit", "/new", "/end", "/close"))]
    assert client.get(f"/cases/{case.id}/plan/edit").status_code in (403, 404)
