"""Before a handover the worker reads what the receiver will get, for this case; a refusal
links straight to registering the consent to share; the sender keeps a list of the cases
handed over while they may read them; the consent pages lead back to the case."""
from __future__ import annotations

import pytest

from caseapp.extensions import db
from consent.services import grant


@pytest.fixture
def case(factory, mentor, school):
    case = factory.case(mentor, school, participant=factory.participant("Sara", "Haugen"))
    factory.consent(case.participant)
    return case


def share(case, organisation, categories):
    grant(db.session, participant_id=case.participant_id, purpose="share",
          organisation_id=organisation.id, given_by="subject_and_guardians",
          guardians=[{"name": "Foresatt Testesen", "relation": "mother"}],
          data_categories=categories)
    db.session.commit()


def going(page: str) -> str:
    return page[page.index('id="going"'):page.index("</section>", page.index('id="going"'))]


def test_the_form_says_what_goes_along_for_this_case(client, login, mentor, case, vgs, receiver):
    login(client, mentor)
    text = going(client.get(f"/cases/{case.id}/handover").text)
    assert "Agder fylkeskommune:" in text and "kan ikke få saken" in text
    link = (f"/consent/participant/{case.participant_id}/new?purpose=share&amp;"
            f"organisation={vgs.organisation.id}&amp;case={case.id}")
    assert link in text
    form = client.get(link.replace("&amp;", "&")).text
    assert f'<option selected value="{vgs.organisation.id}">' in form
    assert f'href="/cases/{case.id}">Tilbake til saken' in form

    share(case, vgs.organisation, ["identity", "school", "notes"])
    text = going(client.get(f"/cases/{case.id}/handover").text)
    assert "alle samtaler (ungdommens samtykke til deling gjelder notater)" in text


def test_the_sender_lists_the_cases_handed_over(client, login, mentor, case, vgs, receiver):
    share(case, vgs.organisation, ["identity", "school"])
    login(client, mentor)
    assert "Saker du har overført" not in client.get("/cases/").text
    # Consent to share without notes: the form says the sessions so far stay behind.
    assert "ikke samtalene så langt" in going(client.get(f"/cases/{case.id}/handover").text)
    response = client.submit(f"/cases/{case.id}/handover", {
        "receiver": f"{receiver.id}:{vgs.id}", "note": "", "version": "1"})
    assert response.status_code == 302
    mine = client.get("/cases/").text
    sent = mine[mine.index('id="sent"'):]
    assert "Sara Haugen" in sent and receiver.display_name in sent and "kan leses til" in sent
    assert client.get(f"/cases/{case.id}").status_code == 200  # readable, as the list says


def test_consent_records_lead_back_to_the_case(client, login, mentor, case):
    login(client, mentor)
    detail = client.get(f"/cases/{case.id}").text
    records_url = f"/consent/participant/{case.participant_id}?case={case.id}"
    assert records_url in detail
    assert f'href="/cases/{case.id}">Tilbake til saken' in client.get(records_url).text
