"""The plain deadlines of open plan goals follow every saved plan version (no text stored)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from caseapp.caseload.models import GoalDeadline
from caseapp.extensions import db
from caseapp.plans.models import Goal, PlanContent
from caseapp.plans.services import save_plan


def deadlines():
    return sorted((row.goal_key, row.target_date) for row in db.session.scalars(select(GoalDeadline)))


def test_each_version_replaces_the_deadlines(mentor, school, factory):
    case = factory.case(mentor, school)
    factory.consent(case.participant)
    first = PlanContent([Goal("a" * 32, "Møte på skolen", date(2026, 10, 1), "in_progress"),
                         Goal("b" * 32, "Søke sommerjobb", date(2026, 12, 1), "not_started"),
                         Goal("c" * 32, "Uten frist", None, "in_progress")])
    save_plan(db.session, mentor, case, first, review_date=None, agreed=True, version=0)
    db.session.commit()
    assert deadlines() == [("a" * 32, date(2026, 10, 1)), ("b" * 32, date(2026, 12, 1))]
    second = PlanContent([Goal("a" * 32, "Møte på skolen", date(2026, 10, 1), "reached"),
                          Goal("b" * 32, "Søke sommerjobb", date(2027, 1, 15), "in_progress")])
    save_plan(db.session, mentor, case, second, review_date=None, agreed=True, version=1)
    db.session.commit()
    assert deadlines() == [("b" * 32, date(2027, 1, 15))]
    row = db.session.scalars(select(GoalDeadline)).one()
    assert row.participant_id == case.participant_id and row.case_id == case.id


def test_two_versions_in_one_flush_index_the_newest(mentor, school, factory):
    from caseapp.plans.models import Plan, PlanVersion

    case = factory.case(mentor, school)
    plan = Plan(case_id=case.id, participant_id=case.participant_id, version=2)
    for number, status in ((1, "in_progress"), (2, "reached")):
        content = PlanContent([Goal("a" * 32, "Møte på skolen", date(2026, 10, 1), status),
                               Goal("b" * 32, "Søke jobb", date(2026, 12, 1), "in_progress")])
        plan.versions.append(PlanVersion(participant_id=case.participant_id, number=number,
                                         content_json=content.to_json(),
                                         saved_by_id=mentor.id))
    db.session.add(plan)
    db.session.commit()
    assert deadlines() == [("b" * 32, date(2026, 12, 1))]


def test_reindex_rebuilds_missing_rows(app, mentor, school, factory):
    from sqlalchemy import delete

    case = factory.case(mentor, school)
    factory.plan(case, goals=("Møte på skolen", "Søke jobb"), target=date(2026, 10, 1))
    db.session.execute(delete(GoalDeadline))  # as after migration 0007_dash: no rows yet
    db.session.commit()
    from click.testing import CliRunner
    from flask.cli import ScriptInfo

    from caseapp.cli import cli

    result = CliRunner().invoke(cli, ["caseload", "reindex-goals"],
                                obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 0 and "1 plan(s) indexed." in result.output
    db.session.expire_all()
    assert [d for _, d in deadlines()] == [date(2026, 10, 1), date(2026, 10, 1)]
