"""Many people saving at once, through the real app (threads, one browser each): no "database is
locked" for anybody, no lost update, and the audit chain stays one line. SQLite and PostgreSQL."""
from __future__ import annotations

import threading

from sqlalchemy import func, select

from audit import verify
from audit.models import AuditEvent
from caseapp.contacts.models import Contact, ContactRevision
from caseapp.extensions import db
from caseapp.plans.models import PlanVersion
from tests.contacts.test_sessions import quick
from tests.plans.test_plans import first_plan

WRITERS = 20
ALREADY_CLOSED = "Saken er allerede avsluttet."


def at_once(work, arguments) -> list:
    """Run ``work(*args)`` for every args in its own thread, all released together; return
    the results in order (an exception in a thread is returned as the result)."""
    start = threading.Barrier(len(arguments))
    results: list = [None] * len(arguments)

    def run(index, args):
        start.wait()
        try:
            results[index] = work(*args)
        except Exception as exc:  # noqa: BLE001 - reported by the test's assertions
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i, args)) for i, args in enumerate(arguments)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def browsers(make_client, login, user, count):
    tabs = []
    for _ in range(count):
        tab = make_client()
        login(tab, user)
        tabs.append(tab)
    return tabs


def race(make_client, login, user, path: str, form) -> list[tuple[int, str]]:
    """Ten tabs of ``user`` open the form at ``path``, then all post ``form(n)`` at once;
    returns (status, page) per tab."""
    tabs = [(tab, tab.csrf_token(path), n) for n, tab in
            enumerate(browsers(make_client, login, user, 10))]
    db.session.commit()  # the test's own session holds nothing while the tabs post

    def post(tab, token, n):
        response = tab.post(path, data={"csrf_token": token, **form(n)})
        return response.status_code, response.text

    return at_once(post, tabs)


def one_winner(results, message: str, own_text: str) -> int:
    """Exactly one save succeeded; every other tab got the conflict page in Norwegian with its
    own input still in the form. Returns the winner's index."""
    winners = [n for n, (status, _) in enumerate(results) if status == 302]
    assert len(winners) == 1, [status for status, _ in results]
    for n, (status, body) in enumerate(results):
        if n != winners[0]:
            assert status == 409 and message in body
            assert own_text.format(n=n) in body
    return winners[0]


def chain_is_one_line() -> None:
    seqs = db.session.scalars(select(AuditEvent.seq).order_by(AuditEvent.seq)).all()
    assert seqs == list(range(1, len(seqs) + 1))
    result = verify.full(db.session)
    assert result.ok and result.events == len(seqs)


def test_twenty_workers_logging_sessions_at_once(factory, make_client, login):
    unit = factory.unit()
    writers = []
    for _ in range(WRITERS):
        worker = factory.user("youth_mentor", [unit])
        case = factory.case(worker, unit)
        factory.consent(case.participant)
        tab = make_client()
        login(tab, worker)
        writers.append((tab, str(case.id), tab.csrf_token(f"/cases/{case.id}/contacts/new")))
    before = db.session.scalar(select(func.count(AuditEvent.id)))
    db.session.commit()  # the test's own session holds nothing while the writers run

    def write(tab, case_id, token):
        statuses = []
        for n in range(3):
            response = tab.post(f"/cases/{case_id}/contacts/new", data={
                "csrf_token": token, **quick(note=f"Samtale {case_id} nr. {n}")})
            statuses.append((response.status_code, response.text))
        return statuses

    results = at_once(write, writers)
    for result in results:
        assert not isinstance(result, Exception), repr(result)
        for status, body in result:
            assert status == 302, body[:500]
            assert "locked" not in body
    notes = sorted(c.note for c in db.session.scalars(select(Contact)))
    assert notes == sorted(f"Samtale {case_id} nr. {n}" for _, case_id, _ in writers
                           for n in range(3))
    assert db.session.scalar(select(func.count(ContactRevision.id))) == WRITERS * 3
    created = db.session.scalar(select(func.count(AuditEvent.id))
                                .where(AuditEvent.action == "contact.create"))
    assert created == WRITERS * 3
    assert db.session.scalar(select(func.count(AuditEvent.id))) == before + WRITERS * 3
    chain_is_one_line()


def test_ten_tabs_saving_one_session_at_once_one_wins(factory, make_client, login, mentor, school):
    case = factory.case(mentor, school)
    factory.consent(case.participant)
    contact = factory.contact(case)
    results = race(make_client, login, mentor, f"/contacts/{contact.id}/edit",
                   lambda n: quick(note=f"Lagring {n}", version="1"))
    winner = one_winner(results, "Noen andre lagret samtalen mens du redigerte", "Lagring {n}")
    db.session.expire_all()
    saved = db.session.get(Contact, contact.id)
    assert saved.note == f"Lagring {winner}" and saved.version == 2
    revisions = db.session.scalars(select(ContactRevision.action)
                                   .order_by(ContactRevision.number)).all()
    assert revisions == ["created", "edited"]  # no lost update, nothing half-saved
    chain_is_one_line()


def test_ten_tabs_saving_one_plan_at_once_one_wins(factory, make_client, login, mentor, school):
    case = factory.case(mentor, school)
    factory.consent(case.participant)
    factory.plan(case)
    results = race(make_client, login, mentor, f"/cases/{case.id}/plan/edit",
                   lambda n: first_plan(version="1", **{"goals-0-text": f"Mål fra fane {n}"}))
    winner = one_winner(results, "Noen andre lagret planen mens du redigerte", "Mål fra fane {n}")
    versions = db.session.scalars(select(PlanVersion).order_by(PlanVersion.number)).all()
    assert [v.number for v in versions] == [1, 2]
    assert versions[1].content.goals[0].text == f"Mål fra fane {winner}"
    chain_is_one_line()


def test_ten_tabs_pausing_one_case_at_once_change_it_once(factory, make_client, login, mentor,
                                                         school):
    from caseapp.cases.models import Case

    case = factory.case(mentor, school)
    path = f"/cases/{case.id}"
    tabs = [(tab, tab.csrf_token(path)) for tab in browsers(make_client, login, mentor, 10)]
    db.session.commit()

    def pause(tab, token):
        tab.post(f"{path}/status", data={"csrf_token": token, "pause": "1", "version": "1"})
        return tab.get(path).text

    pages = at_once(pause, tabs)
    refused = [page for page in pages if "Noen andre endret saken" in page]
    assert len(refused) == 9
    db.session.expire_all()
    assert db.session.get(Case, case.id).version == 2
    assert db.session.scalar(select(func.count(AuditEvent.id))
                             .where(AuditEvent.action == "case.pause")) == 1
    chain_is_one_line()


def test_ten_tabs_closing_one_case_at_once_close_it_once(factory, make_client, login):
    from caseapp.cases.models import Case
    from caseapp.outcomes.models import Checkpoint, Outcome
    from tests.outcomes.test_outcomes import closing

    unit = factory.unit("Lund omsorgssenter", kind="care_home")
    leader = factory.user("work_leader", [unit])
    case = factory.case(leader, unit)
    factory.consent(case.participant)
    results = race(make_client, login, leader, f"/cases/{case.id}/close",
                   lambda n: closing(version="1", note=f"Avslutning {n}"))
    winners = [n for n, (status, _) in enumerate(results) if status == 302]
    assert len(winners) == 1, [status for status, _ in results]
    winner = winners[0]
    for n, (status, body) in enumerate(results):
        if n != winner:  # refused: changed meanwhile (409) or already closed (the form again)
            assert (status == 409 and "Noen andre endret saken" in body) or (
                status == 200 and ALREADY_CLOSED in body), (status, body[-3000:])
            assert f"Avslutning {n}" in body  # the user's input is still in the form
    db.session.expire_all()
    assert db.session.get(Case, case.id).status == "closed"
    outcomes = db.session.scalars(select(Outcome)).all()
    assert [o.note for o in outcomes] == [f"Avslutning {winner}"]  # one outcome, the winner's
    assert db.session.scalar(select(func.count(Checkpoint.id))) == 3
    chain_is_one_line()
