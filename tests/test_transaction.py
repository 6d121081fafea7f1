"""One transaction owner (caseapp/transaction.py): a refusal raised by a service rolls the
request's work back at once, also when the form is shown again with status 200; what the
page that follows shows is still on record."""
from __future__ import annotations

from sqlalchemy import func, select

from audit.models import AuditEvent
from caseapp.breakglass.models import BreakGlassAccess
from caseapp.cases.models import Case
from caseapp.extensions import db
from caseapp.participants.models import Guardian, Participant
from consent.models import ConsentRecord
from tests.participants.test_registration import form

REASON = "Politiet ringte om en bekymringsmelding; saksbehandler er syk i dag."


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))


def test_a_registration_refused_after_the_person_was_written_leaves_nothing(
        client, login, mentor, school):
    # A 15-year-old's own consent without a guardian or a maturity assessment: the person and
    # the guardians are flushed before the consent rules refuse.
    login(client, mentor)
    before = actions()
    page = client.submit("/participants/new", form(
        school, **{"guardians-0-relation": "", "guardians-0-name": "",
                   "guardians-0-phone": ""}))
    assert page.status_code == 200 and "ds-error-summary" in page.text
    assert count(Participant) == count(Guardian) == count(ConsentRecord) == count(Case) == 0
    assert actions() == before  # no event about a registration that did not happen


def test_a_refused_review_shows_the_reason_again_and_that_showing_is_on_record(
        factory, client, make_client, login):
    school, other = factory.unit("Lund skole"), factory.unit("Vågsbygd skole")
    owner = factory.user("youth_mentor", [school], username="uv.eier")
    stranger = factory.user("youth_mentor", [other], username="uv.fremmed")
    officer = factory.user("privacy_officer", username="personvern")
    case = factory.case(owner, school, participant=factory.participant("Ola", "Testesen"))
    worker = make_client()
    login(worker, stranger)
    worker.submit(f"/break-glass/cases/{case.id}", {"reason": REASON})
    login(client, officer)
    access = db.session.scalar(select(BreakGlassAccess))
    path = f"/break-glass/review/{access.id}"
    token = client.csrf_token(path)  # the officer opens the page: the reason is shown
    shown = actions().count("break_glass.reason_view")
    refused = client.post(path, data={"csrf_token": token, "decision": "questioned",
                                      "comment": ""})
    assert refused.status_code == 200 and REASON in refused.text
    db.session.expire_all()
    assert access.review == "pending"  # nothing of the refused assessment
    assert actions().count("break_glass.reason_view") == shown + 1  # shown again: on record


def test_forms_check_rules_without_creating_a_refusal(app):
    """A form validator that caught a refusal would have rolled back the request's work
    (e.g. the audit event of what the page shows) merely by asking."""
    import re
    from pathlib import Path

    from caseapp.refusals import Conflict, Refusal

    def names(cls) -> set[str]:
        return {cls.__name__}.union(*(names(sub) for sub in cls.__subclasses__()))

    refusals = names(Refusal) | names(Conflict) | {"Refused"}
    root = Path(__file__).resolve().parent.parent
    catching = re.compile(r"except\s*\(?([\w., ]+?)\)?(?:\s+as\s+\w+)?:")
    for path in [*root.glob("caseapp/**/forms.py"), *root.glob("consent/**/forms.py"),
                 *root.glob("audit/**/forms.py")]:
        for caught in catching.findall(path.read_text()):
            found = {name.split(".")[-1].strip() for name in caught.split(",")} & refusals
            assert not found, f"{path.relative_to(root)} catches {found}"


def test_only_the_owners_roll_back():
    """Services and views never roll back: the request's owner does (caseapp/transaction.py),
    the error page for a lost database drops its connection, and commands and background jobs
    own their transactions."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    owners = {"caseapp/transaction.py", "caseapp/errors.py", "caseapp/jobs/runner.py",
              "caseapp/jobs/queue.py", "caseapp/backup/cli.py", "caseapp/backup/database.py"}
    rolling_back = {str(path.relative_to(root)) for package in ("caseapp", "consent", "audit", "roles")
                    for path in (root / package).rglob("*.py")
                    if ".rollback()" in path.read_text() and "migrations" not in path.parts}
    assert rolling_back <= owners, rolling_back - owners


def test_an_outside_effect_waits_for_the_commit_and_is_dropped_by_a_rollback(app, factory):
    from caseapp import transaction

    done: list[str] = []
    factory.user(role="admin")  # something in the transaction
    transaction.on_commit(db.session, lambda: done.append("rolled back"))
    transaction.rollback(db.session)
    db.session.rollback()  # ... and a plain rollback as well
    transaction.on_commit(db.session, lambda: done.append("committed"))
    assert done == []  # not before the commit
    transaction.commit(db.session)
    db.session.commit()  # once only
    assert done == ["committed"]
