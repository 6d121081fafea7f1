"""Follow-up plans: goals and measures, a new version at every save, and the PDF."""
from __future__ import annotations

from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import select, text

from audit.models import AuditEvent
from caseapp.contacts.models import Contact
from caseapp.extensions import db
from caseapp.plans.models import PlanVersion


def first_plan(**changes):
    data = {"version": "0",
            "goals-0-key": "", "goals-0-text": "Møte på skolen hver dag",
            "goals-0-target_date": "2026-12-18", "goals-0-status": "in_progress",
            "goals-1-key": "", "goals-1-text": "", "goals-1-target_date": "",
            "goals-1-status": "not_started",
            "measures-0-text": "Vekking med telefon", "measures-0-responsible": "guardian",
            "measures-1-text": "", "measures-1-responsible": "worker",
            "review_date": "2027-01-15", "agreed": "y"}
    data.update(changes)
    return data


def saved_versions():
    return db.session.scalars(select(PlanVersion).order_by(PlanVersion.number)).all()


def test_make_a_plan_then_change_it_keeps_every_version(client, login, mentor, case, clock):
    login(client, mentor)
    assert client.submit(f"/cases/{case.id}/plan/edit", first_plan()).status_code == 302
    key = saved_versions()[0].content.goals[0].key
    clock.advance(minutes=5)
    response = client.submit(f"/cases/{case.id}/plan/edit", first_plan(**{
        "version": "1", "goals-0-key": key, "goals-0-status": "reached",
        "goals-1-text": "Søke sommerjobb", "agreed": ""}))
    assert response.status_code == 302
    first, second = saved_versions()
    assert first.content.goals[0].status == "in_progress" and first.agreed_by_participant
    assert [g.status for g in second.content.goals] == ["reached", "not_started"]
    assert second.content.goals[0].key == key and not second.agreed_by_participant
    page = client.get(f"/cases/{case.id}/plan")
    assert "Versjon 2" in page.text and "Versjon 1" in page.text
    assert "Møte på skolen hver dag: Pågår → Nådd" in page.text
    assert "Nytt mål: Søke sommerjobb" in page.text and "Ikke godtatt ennå" in page.text
    assert {"plan.save", "plan.view"} <= set(db.session.scalars(select(AuditEvent.action)))


def test_plan_content_is_encrypted_at_rest(client, login, mentor, case):
    login(client, mentor)
    client.submit(f"/cases/{case.id}/plan/edit", first_plan())
    raw = bytes(db.session.execute(text("SELECT content_json FROM plan_versions")).scalar())
    assert b"skolen" not in raw and b"Vekking" not in raw


@pytest.mark.parametrize("changes,message", [
    ({"goals-0-text": ""}, "En plan trenger minst ett mål"),
    ({"goals-0-target_date": "2040-01-01"}, "Datoen er for langt fram i tid"),
    ({"goals-0-text": "x" * 501}, "Teksten kan ha høyst 500 tegn"),
    ({"goals-1-target_date": "2026-12-01"}, "Beskriv målet, eller la raden stå tom"),
    ({"goals-0-status": "forgotten"}, "Ikke et gyldig valg"),
])
def test_bad_input_is_explained_and_nothing_is_saved(client, login, mentor, case, changes, message):
    login(client, mentor)
    response = client.submit(f"/cases/{case.id}/plan/edit", first_plan(**changes))
    assert response.status_code == 200 and message in response.text
    assert saved_versions() == []


def test_two_workers_saving_at_once_the_second_gets_a_conflict(client, login, mentor, case,
                                                               make_client):
    login(client, mentor)
    client.submit(f"/cases/{case.id}/plan/edit", first_plan())
    other_tab = make_client()
    login(other_tab, mentor)
    token = other_tab.csrf_token(f"/cases/{case.id}/plan/edit")
    assert client.submit(f"/cases/{case.id}/plan/edit",
                         first_plan(version="1", **{"goals-0-text": "Første"})).status_code == 302
    late = other_tab.post(f"/cases/{case.id}/plan/edit", data={
        "csrf_token": token, **first_plan(version="1", **{"goals-0-text": "Andre"})})
    assert late.status_code == 409
    assert "Noen andre lagret planen mens du redigerte" in late.text and "Andre" in late.text
    assert [v.content.goals[0].text for v in saved_versions()] == ["Møte på skolen hver dag", "Første"]


def test_the_plan_pdf_has_goals_measures_next_meeting_and_the_worker(client, login, mentor, case,
                                                                     factory, app):
    app.config["CASEAPP_ORGANISATION_NAME"] = "Kristiansand kommune"
    factory.contact(case, next_date=__import__("datetime").date(2026, 11, 16))
    login(client, mentor)
    client.submit(f"/cases/{case.id}/plan/edit", first_plan())
    response = client.get(f"/cases/{case.id}/plan.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = "\n".join(page.extract_text() for page in PdfReader(BytesIO(response.data)).pages)
    for expected in ("Kristiansand kommune", "Oppfølgingsplan for Kari Nordmann",
                     "Møte på skolen hver dag", "Vekking med telefon", "Foresatt",
                     "16. november 2026", mentor.display_name, "Lund ungdomsskole"):
        assert expected in pdf
    english = client.get(f"/cases/{case.id}/plan.pdf?lang=en")
    text_en = "\n".join(p.extract_text() for p in PdfReader(BytesIO(english.data)).pages)
    assert "Follow-up plan for Kari Nordmann" in text_en and "What we will do" in text_en
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "plan.pdf"))


def test_sessions_can_be_linked_to_open_goals(client, login, mentor, case):
    login(client, mentor)
    client.submit(f"/cases/{case.id}/plan/edit", first_plan())
    key = saved_versions()[0].content.goals[0].key
    form = client.get(f"/cases/{case.id}/contacts/new")
    assert f'value="{key}"' in form.text
    client.submit(f"/cases/{case.id}/contacts/new", {
        "occurred_at": "2026-11-02T10:00", "duration_minutes": "20", "kind": "individual",
        "goals": [key]})
    assert db.session.scalar(select(Contact)).goal_codes == [key]
    assert "Møte på skolen hver dag" in client.get(f"/cases/{case.id}").text


def test_a_colleague_cannot_see_or_change_the_plan(client, login, mentor, case, factory, school,
                                                   make_client):
    factory.plan(case)
    colleague = make_client()
    login(colleague, factory.user("youth_mentor", [school]))
    assert colleague.get(f"/cases/{case.id}/plan").status_code == 404
    assert colleague.get(f"/cases/{case.id}/plan.pdf").status_code == 404
    assert colleague.get(f"/cases/{case.id}/plan/edit").status_code == 404


def test_the_plan_pdf_says_how_to_reach_the_worker(client, login, mentor, case, app):
    """The worker's work phone and e-mail from the staff profile, and the organisation's name
    (the case's own, while the configured name is still the default)."""
    assert app.config["CASEAPP_ORGANISATION_NAME"] == "caseapp"
    mentor.work_phone, mentor.email = "38 07 50 00", "kari.mentor@kristiansand.example"
    db.session.commit()
    login(client, mentor)
    client.submit(f"/cases/{case.id}/plan/edit", first_plan())
    pdf = "\n".join(page.extract_text() for page in PdfReader(BytesIO(
        client.get(f"/cases/{case.id}/plan.pdf").data)).pages)
    reach = pdf[pdf.index("Slik når du meg"):]
    for expected in (mentor.display_name, "Lund ungdomsskole, Kristiansand kommune",
                     "Telefon: 38 07 50 00", "E-post: kari.mentor@kristiansand.example"):
        assert expected in reach
    assert pdf.splitlines()[0] == "Kristiansand kommune" and "caseapp" not in pdf
    english = "\n".join(page.extract_text() for page in PdfReader(BytesIO(
        client.get(f"/cases/{case.id}/plan.pdf?lang=en").data)).pages)
    assert "Phone: 38 07 50 00" in english and "E-mail: kari.mentor@kristiansand.example" in english
