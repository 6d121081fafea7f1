"""Special categories (Art. 9/10) in session notes: a warning before saving, a tag on the saved
note, and a refusal when the person's basis does not cover the category."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from caseapp.contacts.models import Contact
from caseapp.extensions import db
from consent.services import grant
from consent.special_categories import detect
from tests.contacts.test_sessions import quick

WARNING = "særlig kategori av personopplysninger"


@pytest.mark.parametrize("text,categories", [
    ("Hun har fått diagnosen ADHD og går til BUP.", ["health"]),
    ("Snakket om angsten før prøver.", ["health"]),
    ("He has been depressed since the summer.", ["health"]),
    ("Familien er muslimsk og feirer id.", ["religion"]),
    ("Han fortalte at han er homofil.", ["sexuality"]),
    ("Ble politianmeldt for tyveri i helgen.", ["criminal"]),
    ("Opplever rasisme i klassen.", ["ethnicity"]),
    ("Snakket om fravær og busskort. Søker Vg1 helse- og oppvekstfag.", []),
    ("Behandling av søknaden om lærlingplass; add a goal.", []),
])
def test_the_word_list_finds_inflected_words_in_both_languages(app, text, categories):
    assert detect(text) == categories


@pytest.fixture
def case(factory, mentor, school):
    return factory.case(mentor, school)


def basis(case, categories=()):
    grant(db.session, participant_id=case.participant_id, purpose="follow_up",
          given_by="subject_and_guardians", guardians=[{"name": "Mor", "relation": "mother"}],
          data_categories=list(categories))
    db.session.commit()


def sessions() -> int:
    return db.session.scalar(select(func.count(Contact.id)))


def test_a_note_about_health_is_warned_about_then_saved_and_tagged(client, login, mentor, case):
    basis(case, ["notes", "health"])
    login(client, mentor)
    note = "Har fått diagnosen ADHD, starter med medisiner."
    first = client.submit(f"/cases/{case.id}/contacts/new", quick(note=note))
    assert first.status_code == 200 and WARNING in first.text
    assert note in first.text and sessions() == 0  # nothing saved yet; the text is kept
    saved = client.submit(f"/cases/{case.id}/contacts/new", quick(note=note, special_ok="y"))
    assert saved.status_code == 302
    contact = db.session.scalar(select(Contact))
    assert contact.special_codes == ["health"] and contact.revisions[0].special_codes == ["health"]
    assert "helse" in client.get(f"/cases/{case.id}").text.lower()
    # editing it later does not ask again for what was confirmed
    edited = client.submit(f"/contacts/{contact.id}/edit", quick(note=note, version="1",
                                                                 duration_minutes="60"))
    assert edited.status_code == 302


def test_a_category_the_basis_does_not_cover_is_refused(client, login, mentor, case):
    basis(case, ["notes"])  # consent without health
    login(client, mentor)
    response = client.submit(f"/cases/{case.id}/contacts/new", quick(
        note="Snakket om depresjonen hennes.", special_ok="y"))
    assert response.status_code == 200
    assert "dekker ikke helse" in response.text and "Ingenting ble lagret" in response.text
    assert sessions() == 0


def test_an_ordinary_note_is_saved_without_a_warning(client, login, mentor, case):
    basis(case)
    login(client, mentor)
    response = client.submit(f"/cases/{case.id}/contacts/new", quick())
    assert response.status_code == 302
    assert db.session.scalar(select(Contact)).special_codes == []


def test_editing_a_note_into_a_special_category_is_checked_too(client, login, mentor, case):
    basis(case, ["notes"])
    login(client, mentor)
    assert client.submit(f"/cases/{case.id}/contacts/new", quick()).status_code == 302
    contact = db.session.scalar(select(Contact))
    response = client.submit(f"/contacts/{contact.id}/edit", quick(
        note="Han er dømt for innbrudd.", version="1", special_ok="y"))
    assert response.status_code == 200 and "dekker ikke kriminelle forhold" in response.text
    db.session.expire_all()
    assert db.session.get(Contact, contact.id).note == "Snakket om fravær og busskort."


def test_a_plan_text_is_checked_the_same_way(client, login, mentor, case):
    from caseapp.plans.models import PlanVersion
    from tests.plans.test_plans import first_plan

    basis(case, ["notes"])  # no health
    login(client, mentor)
    plan = first_plan(**{"measures-0-text": "Oppfølging hos BUP for angsten"})
    refused = client.submit(f"/cases/{case.id}/plan/edit", {**plan, "special_ok": "y"})
    assert refused.status_code == 200 and "dekker ikke helse" in refused.text
    assert db.session.scalar(select(func.count(PlanVersion.id))) == 0
    basis(case, ["notes", "health"])
    warned = client.submit(f"/cases/{case.id}/plan/edit", plan)
    assert warned.status_code == 200 and WARNING in warned.text
    assert db.session.scalar(select(func.count(PlanVersion.id))) == 0
    saved = client.submit(f"/cases/{case.id}/plan/edit", {**plan, "special_ok": "y"})
    assert saved.status_code == 302
    assert db.session.scalar(select(PlanVersion)).special_codes == ["health"]
