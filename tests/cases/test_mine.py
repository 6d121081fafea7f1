""""Mine saker": what needs attention in each of the worker's cases, and search."""
from __future__ import annotations

from datetime import date, datetime


def row_of(page_text: str, name: str) -> str:
    start = page_text.index(name)
    return page_text[start:page_text.index("</tr>", start)]


def test_days_since_contact_next_session_overdue_goals_and_basis(client, login, factory, mentor,
                                                                 school):
    recent = factory.case(mentor, school, factory.participant("Ada", "Aas"))
    factory.consent(recent.participant)
    factory.contact(recent, occurred_at=datetime(2026, 10, 30, 12, 0), next_date=date(2026, 11, 6))
    quiet = factory.case(mentor, school, factory.participant("Bo", "Berg"))
    factory.consent(quiet.participant)
    factory.contact(quiet, occurred_at=datetime(2026, 10, 1, 12, 0), next_date=date(2026, 10, 8))
    factory.plan(quiet, goals=("Søke jobb",), target=date(2026, 10, 15))
    no_basis = factory.case(mentor, school, factory.participant("Cy", "Dahl"))
    login(client, mentor)
    page = client.get("/cases/").text
    assert "3 dager siden" in row_of(page, "Ada Aas") and "6. november 2026" in row_of(page, "Ada Aas")
    assert "Lite kontakt" not in row_of(page, "Ada Aas")
    quiet_row = row_of(page, "Bo Berg")
    assert "32 dager siden" in quiet_row and "Lite kontakt" in quiet_row
    assert "1 forfalt mål" in quiet_row
    assert "Mangler grunnlag for oppfølging" in row_of(page, "Cy Dahl")
    assert "Ingen ennå" in row_of(page, "Cy Dahl")
    assert no_basis.participant.national_id not in page


def test_the_next_session_shows_its_time_as_on_the_case_page(client, login, factory, mentor,
                                                              school):
    """The time of the next session (Europe/Oslo wall-clock, ``next_time``) beside its date,
    worded as on the case page; from the latest session; none when only a date was set."""
    from datetime import time

    timed = factory.case(mentor, school, factory.participant("Ada", "Aas"))
    factory.contact(timed, occurred_at=datetime(2026, 10, 20, 12, 0), next_date=date(2026, 11, 3),
                    next_time=time(8, 0))
    factory.contact(timed, occurred_at=datetime(2026, 10, 30, 12, 0), next_date=date(2026, 11, 6),
                    next_time=time(14, 30))
    untimed = factory.case(mentor, school, factory.participant("Bo", "Berg"))
    factory.contact(untimed, occurred_at=datetime(2026, 10, 30, 12, 0),
                    next_date=date(2026, 11, 9))
    login(client, mentor)
    page = client.get("/cases/").text
    row = row_of(page, "Ada Aas")
    assert "6. november 2026 kl.\xa014:30</td>" in row and "08:00" not in row
    assert 'data-value="2026-11-06T14:30"' in row  # sorts by day, then time
    assert "9. november 2026</td>" in row_of(page, "Bo Berg")
    assert "6. november 2026 kl.\xa014:30" in client.get(f"/cases/{timed.id}").text  # same words


def test_the_threshold_is_configurable(make_app, login, factory, mentor, school):
    case = factory.case(mentor, school)
    factory.contact(case, occurred_at=datetime(2026, 10, 26, 12, 0))
    client = make_app(CASEAPP_NO_CONTACT_DAYS=5).test_client()
    login(client, mentor)
    assert "Lite kontakt" in client.get("/cases/").text


def test_search_among_own_cases(client, login, factory, mentor, school):
    factory.case(mentor, school, factory.participant("Øyvind", "Ås"))
    factory.case(mentor, school, factory.participant("Kari", "Nordmann"))
    colleague = factory.user("youth_mentor", [school])
    factory.case(colleague, school, factory.participant("Øystein", "Annen"))
    login(client, mentor)
    page = client.submit("/cases/", {"q": "oyvind"}).text
    assert "Øyvind Ås" in page and "Kari Nordmann" not in page and "Øystein" not in page
    assert "Ingen av sakene dine passer til søket." in client.submit("/cases/", {"q": "zzz"}).text
    # a name typed into the search never travels in a URL
    assert "oyvind" not in client.get("/cases/?q=oyvind").text.split("<main")[0]
    assert "Øyvind Ås" in client.get("/cases/?q=zzz").text  # GET ignores the query


def test_pause_and_resume_with_a_stale_check(client, login, factory, mentor, school):
    from caseapp.cases.models import Case
    from caseapp.extensions import db

    case = factory.case(mentor, school)
    factory.consent(case.participant)  # resuming needs a basis (pausing does not)
    login(client, mentor)
    response = client.submit(f"/cases/{case.id}/status", {"pause": "1", "version": "1"},
                             form_page=f"/cases/{case.id}")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Case, case.id).status == "paused"
    stale = client.submit(f"/cases/{case.id}/status", {"pause": "0", "version": "1"},
                          form_page=f"/cases/{case.id}")
    assert stale.status_code == 302
    db.session.expire_all()
    assert db.session.get(Case, case.id).status == "paused"
    assert "Noen andre endret saken" in client.get(f"/cases/{case.id}").text
    client.submit(f"/cases/{case.id}/status", {"pause": "0", "version": "2"},
                  form_page=f"/cases/{case.id}")
    db.session.expire_all()
    assert db.session.get(Case, case.id).status == "active"


def test_search_matches_whole_words_of_the_name_only(client, login, factory, mentor, school):
    factory.case(mentor, school, factory.participant("Kari", "Nordmann"))
    factory.case(mentor, school, factory.participant("Kari", "Hansen"))
    factory.case(mentor, school, factory.participant("Per", "Nordmann-Li"))
    colleague = factory.user("youth_mentor", [school])
    factory.case(colleague, school, factory.participant("Kari", "Nordmann"))
    login(client, mentor)

    def found(query: str) -> set[str]:
        page = client.submit("/cases/", {"q": query}).text
        shown = {name for name in ("Kari Nordmann", "Kari Hansen", "Per Nordmann-Li")
                 if name in page}
        assert page.count("Kari Nordmann") <= 1  # never the colleague's case
        return shown

    assert found("kari") == {"Kari Nordmann", "Kari Hansen"}
    assert found("NORDMANN") == {"Kari Nordmann", "Per Nordmann-Li"}
    assert found("li") == {"Per Nordmann-Li"}
    assert found("  kari   nordmann ") == {"Kari Nordmann"}
    assert found("nord") == set()  # whole words, not prefixes
    assert found("kari per") == set()  # every word must be in the one name
    assert found("-") == set()


def test_lists_open_only_the_names_they_show(app, factory, mentor, school, clock):
    """Mine saker and the task list show names: the other sealed values of the people and
    cases listed (national ID, contact details, school) stay sealed, not decrypted."""
    from sqlalchemy import inspect

    from caseapp.accounts.models import User
    from caseapp.cases.overview import overview
    from caseapp.extensions import db
    from caseapp.outcomes.services import due_checkpoints

    case = factory.case(mentor, school, factory.participant("Ada", "Aas"))
    factory.checkpoint(case)
    db.session.commit()
    worker_id = mentor.id
    db.session.expunge_all()  # nothing already opened: the lists load what they need
    worker = db.session.get(User, worker_id)
    rows = overview(db.session, worker, today=clock.now().date(), at=clock.now(),
                    threshold_days=14)
    tasks = due_checkpoints(db.session, worker, clock.now().date())
    for listed in (rows[0].case, tasks[0].case):
        person = listed.participant
        assert (person.given_name, person.family_name) == ("Ada", "Aas")
        assert {"national_id", "phone", "email", "address"} <= inspect(person).unloaded
        assert {"school_or_workplace", "grade_or_programme"} <= inspect(listed).unloaded


def test_a_plan_disagreement_is_flagged_until_the_worker_answers(client, login, factory, mentor,
                                                                 school, clock):
    """The young person's "not agreed" to the current plan is flagged on "Mine saker" (a link
    to the plan) until the worker answers: a message in the case after it, or a new plan
    version. A later "Jeg er enig" ends it too; the comment itself never shows in the list."""
    from caseapp.extensions import db
    from caseapp.messages import services as messages
    from caseapp.plans import answers
    from caseapp.plans.services import save_plan

    def flagged(name: str) -> bool:
        return "Uenig i planen" in row_of(client.get("/cases/").text, name)

    ada = factory.case(mentor, school, factory.participant("Ada", "Aas"))
    bo = factory.case(mentor, school, factory.participant("Bo", "Berg"))
    for case in (ada, bo):
        factory.consent(case.participant)
        factory.plan(case, agreed=False)
    login(client, mentor)
    assert not flagged("Ada Aas") and not flagged("Bo Berg")

    # a message from the worker before the disagreement does not answer it
    messages.send_from_worker(db.session, mentor, ada, "Har du lest planen?")
    clock.advance(minutes=5)
    for case in (ada, bo):
        answers.disagree(db.session, case.participant, case_plan(case).current,
                         "Hemmelig kommentar om praksis")
    db.session.commit()
    page = client.get("/cases/").text
    assert flagged("Ada Aas") and flagged("Bo Berg")
    assert f'href="/cases/{ada.id}/plan"' in row_of(page, "Ada Aas")
    assert "Hemmelig kommentar" not in page

    clock.advance(minutes=5)
    messages.send_from_worker(db.session, mentor, ada, "Takk, vi ser på det sammen.")
    plan = case_plan(bo)
    save_plan(db.session, mentor, bo, plan.current.content, review_date=None, agreed=False,
              version=plan.version)
    db.session.commit()
    assert not flagged("Ada Aas") and not flagged("Bo Berg")

    clock.advance(minutes=5)  # disagrees with the new version, then agrees after all
    answers.disagree(db.session, bo.participant, case_plan(bo).current, "Fortsatt uenig")
    db.session.commit()
    assert flagged("Bo Berg")
    clock.advance(minutes=5)
    answers.agree(db.session, bo.participant, case_plan(bo).current)
    db.session.commit()
    assert not flagged("Bo Berg")


def case_plan(case):
    from sqlalchemy import select

    from caseapp.extensions import db
    from caseapp.plans.models import Plan

    plan = db.session.scalar(select(Plan).where(Plan.case_id == case.id))
    db.session.refresh(plan)
    return plan
