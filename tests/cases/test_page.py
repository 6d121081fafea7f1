"""The case page is built for its viewer (caseapp/cases/page.py): what a viewer without
``case.notes_view`` (a coordinator) may not see is neither loaded nor decrypted, and the
template does not receive it."""
from __future__ import annotations

import pytest
from flask import template_rendered
from sqlalchemy import inspect
from sqlalchemy.orm.base import NO_VALUE

from caseapp.crypto.fields import SPECS


@pytest.fixture
def rendered(app):
    """What the case page's template received: for each rendering, its details and which
    encrypted values of the objects it was given were loaded (``Class.column``)."""
    pages = []

    def record(sender, template, context, **extra):
        if template.name != "cases/detail.html":
            return
        case = context["case"]
        person = inspect(case).attrs.participant.loaded_value
        objects = [case, person, *context["outcomes"], *(entry.item for entry in context["timeline"])]
        pages.append({
            "details": context["details"], "summary": context["summary"],
            "handover_note": context["handover_note"], "goal_texts": context["goal_texts"],
            "guardians": person is not NO_VALUE and "guardians" not in inspect(person).unloaded,
            "opened": {f"{type(o).__name__}.{key}" for o in objects
                       if o is not NO_VALUE and type(o) in SPECS
                       for key in SPECS[type(o)].columns if key not in inspect(o).unloaded}})

    template_rendered.connect(record, app)
    yield pages
    template_rendered.disconnect(record, app)


@pytest.fixture
def case(factory, mentor, school):
    case = factory.case(mentor, school)
    factory.plan(case)
    factory.contact(case, note="Snakket om angsten for skolen.")
    factory.outcome(case, note="Resultatnotat om helsa.")
    factory.transition(case)
    factory.placement(case)
    return case


def test_a_coordinator_gets_the_case_without_what_only_the_worker_sees(
        client, login, factory, school, case, rendered):
    login(client, factory.user("coordinator", [school]))
    page = client.get(f"/cases/{case.id}")
    assert page.status_code == 200 and "angsten" not in page.text
    [got] = rendered
    assert got["details"] is False and got["summary"] is None and got["handover_note"] is None
    assert got["goal_texts"] == {} and not got["guardians"]
    # only the person's name was decrypted: no session note, contact detail, school,
    # workplace, outcome note or plan content
    assert got["opened"] == {"Participant.given_name", "Participant.family_name"}


def test_the_worker_gets_the_whole_case(client, login, mentor, case, rendered):
    login(client, mentor)
    page = client.get(f"/cases/{case.id}")
    assert "angsten" in page.text and "Resultatnotat om helsa." in page.text
    [got] = rendered
    assert got["details"] is True and got["summary"] is not None and got["guardians"]
    assert {"Participant.national_id", "Contact.note", "Outcome.note", "Placement.workplace",
            "Transition.to_school", "Case.school_or_workplace"} <= got["opened"]
