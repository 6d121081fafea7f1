"""Outcome statistics: exact figures for a constructed caseload, protected wherever they leave
(counts 1–4 as "<5", every other count within ±2 by the cell-key method)."""
from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from audit.models import AuditEvent
from caseapp.cases.models import Case
from caseapp.extensions import db
from caseapp.outcomes.models import Checkpoint, Outcome
from caseapp.reports import statistics
from caseapp.reports.services import units_in_scope
from caseapp.reports.tables import build

PERIOD = {"from": "2026-01-01", "to": "2026-10-31"}


def add_case(factory, worker, unit, track, started, *, minority=False, outcomes=(),
             ended=None, plan=False, stays=None):
    """A case with outcomes [(code, date)], maybe closed, a plan, a 12-month answer."""
    person = factory.participant()
    person.minority_language = minority
    case = factory.case(worker, unit, person, programme="work_leader", track=track)
    case.started_on, case.ended_on = started, ended
    case.status = "closed" if ended else "active"
    for code, on in outcomes:
        db.session.add(Outcome(case_id=case.id, participant_id=person.id, code=code,
                               occurred_on=on, recorded_by_id=worker.id))
    if stays is not None:
        db.session.add(Checkpoint(case_id=case.id, participant_id=person.id, months=12,
                                  due_on=date(2026, 6, 1), answered_at=datetime(2026, 6, 2),
                                  still_active=stays))
    db.session.commit()
    if plan:
        factory.plan(case)
    return case


@pytest.fixture
def world(factory):
    """Health: 12 started in the period (9 with minority-language background), 2 closed from
    last year. Building: 7 started, none minority. Another unit: 6 more (never counted)."""
    unit = factory.unit("Omsorgssenteret", kind="care_home")
    other = factory.unit("Annet senter", kind="care_home")
    leader = factory.user("work_leader", [unit, other])
    coordinator = factory.user("coordinator", [unit])
    for i in range(12):
        outcomes = []
        if i < 6:
            outcomes = [("paid_work", date(2026, 3, 1 + i))]
        elif i < 9:
            outcomes = [("mfy", date(2026, 4, 1)), ("paid_work", date(2026, 9, 1))]
        add_case(factory, leader, unit, "health", date(2026, 2, 1), minority=i < 9,
                 outcomes=outcomes, plan=i < 10, stays=True if i < 5 else None)
    for i in range(2):
        add_case(factory, leader, unit, "health", date(2025, 6, 1), ended=date(2026, 3, 1),
                 outcomes=[("education", date(2025, 12, 1))])
    for i in range(7):
        add_case(factory, leader, unit, "building", date(2026, 5, 1),
                 outcomes=[("education", date(2026, 8, 1))] if i < 5 else [],
                 stays=False if i < 5 else None)
    for i in range(6):
        add_case(factory, leader, other, "painting", date(2026, 5, 1))
    return {"unit": unit, "other": other, "leader": leader, "coordinator": coordinator}


def test_exact_counts_from_aggregate_sql(world):
    f = statistics.Filters(date(2026, 1, 1), date(2026, 10, 31), (world["unit"].id,))
    counts = statistics.compute(db.session, f)
    health, building = ("work_leader", "health"), ("work_leader", "building")
    assert counts.started[(health, True)].n == 9 and counts.started[(health, False)].n == 3
    assert counts.started[(building, False)].n == 7
    assert counts.followed[(health, world["unit"].id, "active")].n == 12
    assert counts.followed[(health, world["unit"].id, "closed")].n == 2
    assert counts.first_outcome[(health, "paid_work")].n == 6
    assert counts.first_outcome[(health, "mfy")].n == 3
    assert counts.latest_outcome[(health, "paid_work")].n == 9
    assert counts.first_outcome[(health, "education")].n == 2
    assert counts.first_outcome[(building, "education")].n == 5
    # the 19 started by (plan, outcome, in work or education at 12 months): each stage on its
    # own, so the 5 building cases with an outcome but no plan count as having an outcome
    assert {k: v.n for k, v in counts.funnel.items()} == {
        (True, True, True): 5, (True, True, False): 4, (True, False, False): 1,
        (False, True, False): 5, (False, False, False): 4}
    assert counts.checkpoints[(12, "yes")].n == 5
    # each count carries the sum of its cases' record keys (the cell key)
    keys = {c.id: c.record_key for c in db.session.scalars(select(Case))}
    assert len(set(keys.values())) > 1
    assert counts.started[(building, False)].key == sum(
        c.record_key for c in db.session.scalars(select(Case).where(Case.track == "building")))
    # paid work 28–33 days after 1 Feb, MFY 59 days, last year's education 183: median 33
    assert statistics.median(counts.days_to_first[health]) == 33.0
    assert sum(counts.days_to_first[health].values()) == 11
    assert statistics.median(counts.days_to_first[building]) == 92.0


def test_median_of_a_histogram():
    from collections import Counter

    assert statistics.median(Counter({1: 1, 2: 1, 3: 1, 4: 1})) == 2.5
    assert statistics.median(Counter({5: 3, 9: 1})) == 5
    assert statistics.median(Counter()) is None


def small_counts_hidden(report):
    for table in report.tables.values():
        rows, cols = table.table.shape
        for r in range(rows + 1):
            for c in range(cols + 1):
                value, text = table.table.value((r, c)), table.text(r, c)
                if value < 5:  # 0 too: else every "<5" would say "at least 1"
                    assert text == "<5", (table.key, r, c)
                else:
                    assert int(text) >= 5 and abs(int(text) - value) <= 2, (table.key, r, c)


def near(text: str, truth: int) -> bool:
    return text.isdigit() and int(text) >= 5 and abs(int(text) - truth) <= 2


def test_published_tables_hide_small_counts_and_change_the_others(world, app):
    units = units_in_scope(db.session, world["coordinator"], None)
    f = statistics.Filters(date(2026, 1, 1), date(2026, 10, 31), tuple(u.id for u in units))
    report = build(statistics.compute(db.session, f), f, units, datetime(2026, 11, 2))
    small_counts_hidden(report)
    started = report.tables["started"]
    health = [str(r) for r in started.rows].index("Arbeidsleder – Helse og omsorg")
    assert started.text(health, 1) == "<5"  # 3 without minority-language background
    assert near(started.text(health, 0), 9)  # 12 − 9 = 3 is no more than 12 ± 2 − (9 ± 2)
    # the funnel: started 19, with a plan 10, with an outcome 14, in work at 12 months 5
    assert [str(label) for label, _v in report.funnel] == [
        "Startet i perioden", "Har oppfølgingsplan", "Har et resultat",
        "I arbeid eller utdanning 12 måneder etter avslutning"]
    assert [near(v, n) for (_label, v), n in zip(report.funnel, (19, 10, 14, 5))] == [True] * 4
    # the same 19 cases: the same figure as the started table's total
    assert report.funnel[0][1] == started.text(len(started.rows), len(started.columns))
    # the five 12-month checkpoints due in the period all answered "in work or education"
    # 12 months: 5 in work or education, 5 not (each 5 … 7 as published); none due at 3 and
    # 6 months: 0 is "<5" like any small count, so no share
    assert report.shares[:2] == [(3, ":"), (6, ":")]
    yes, no = (int(report.tables["checkpoints"].text(2, c)) for c in (0, 1))
    assert report.shares[2] == (12, f"{round(100 * yes / (yes + no))} %")
    medians = dict((str(label), value) for label, value in report.medians)
    assert medians["Arbeidsleder – Helse og omsorg"] == "33"
    assert medians["Arbeidsleder – Bygg og vedlikehold"] == "92"


def page(client, login, user, **params):
    login(client, user)
    return client.get("/reports/statistics", query_string={**PERIOD, **params})


def test_the_page_shows_suppressed_figures_only(world, client, login):
    response = page(client, login, world["coordinator"])
    assert response.status_code == 200
    text = response.text
    assert "&lt;5" in text
    assert 'role="img"' in text and "<title id=\"chart-outcomes-title\">" in text
    # 3 health participants without minority-language background, 3 first outcomes MFY,
    # 2 first outcomes education last year: never shown as such, not even in a chart
    assert ">3<" not in text and ">2<" not in text
    from bs4 import BeautifulSoup

    chart = BeautifulSoup(text, "html.parser").find("svg", attrs={"aria-labelledby": lambda v: v and "outcomes" in v})
    labels = [t.get_text() for t in chart.find_all("text")]
    mfy = labels.index("Modulstrukturert opplæring (MFY)")
    assert labels[mfy + 1] == "<5"
    assert len(chart.find_all("rect")) == sum(1 for v in labels[1::2] if v.isdigit())
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "report.generate")).one()
    assert event.actor_id == world["coordinator"].id and event.details["format"] == "page"
    assert event.details["units"] == [str(world["unit"].id)]


def test_the_page_shows_figures_in_norwegian_format(world, client, login):
    """Shares and medians as a Norwegian reader expects them; suppression marks unchanged."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page(client, login, world["coordinator"]).text, "html.parser")

    def values(heading):
        table = soup.find("h2", string=heading).find_next("table")
        return {row.th.get_text(): row.td.get_text() for row in table.find_all("tr")}

    shares = values("Andel i arbeid eller utdanning ved kontrollpunktene")
    assert shares["3 måneder"] == shares["6 måneder"] == ":"
    assert re.fullmatch(r"\d{2}\N{NO-BREAK SPACE}%", shares["12 måneder"])
    medians = values("Median antall dager fra start til første resultat")
    assert medians["Arbeidsleder – Helse og omsorg"] == "33"
    started = soup.find("caption", string=lambda s: s and s.startswith("Startet i perioden"))
    cells = [td.get_text() for td in started.find_parent("table").find_all("td", class_="num")]
    assert "<5" in cells  # the mark as it is


def test_another_units_figures_are_not_found(world, client, login):
    response = page(client, login, world["coordinator"], unit=str(world["other"].id))
    assert response.status_code == 404
    denied = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "access.denied")).one()
    assert denied.object_id == str(world["other"].id) and denied.actor_id == world["coordinator"].id
    assert not db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "report.generate")).all()
    assert client.get("/reports/nokkeltall.csv", query_string={
        **PERIOD, "unit": str(world["other"].id)}).status_code == 404


@pytest.mark.parametrize("role", ["work_leader", "privacy_officer", "admin"])
def test_only_coordinators_see_statistics(world, factory, client, login, role):
    user = world["leader"] if role == "work_leader" else factory.user(role, [world["unit"]])
    assert page(client, login, user).status_code == 403
    assert client.get("/reports/nokkeltall.pdf").status_code == 403


def downloads(client, login, world):
    login(client, world["coordinator"])
    return {kind: client.get(f"/reports/nokkeltall.{kind}", query_string=PERIOD)
            for kind in ("csv", "xlsx", "pdf")}


def test_every_format_protects_and_is_audited(world, client, login):
    files = downloads(client, login, world)
    assert all(r.status_code == 200 for r in files.values())
    rows = list(csv.reader(io.StringIO(files["csv"].data.decode("utf-8-sig")), delimiter=";"))
    started = rows.index(["Startet i perioden, etter minoritetsspråklig bakgrunn"])
    health_row = next(r for r in rows[started:] if r[0] == "Arbeidsleder – Helse og omsorg")
    assert near(health_row[1], 9) and health_row[2] == "<5" and near(health_row[3], 12)
    book = load_workbook(io.BytesIO(files["xlsx"].data))
    cells = [c for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row]
    assert "<5" in cells and int(health_row[3]) in cells and 3 not in cells
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(files["pdf"].data)).pages)
    assert "Nøkkeltall" in text and "<5" in text and "Omsorgssenteret" in text
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "report.generate")
                                .order_by(AuditEvent.seq)).all()
    assert [e.details["format"] for e in events] == ["csv", "xlsx", "pdf"]


def test_a_coordinator_without_units_sees_no_ones_figures(world, factory, client, login):
    response = page(client, login, factory.user("coordinator"))
    assert response.status_code == 200
    assert '<dd id="key-1">&lt;5</dd>' in response.text
    assert '<dd id="key-2">&lt;5</dd>' in response.text


def test_cost_figures_come_from_the_configured_inputs(world, client, login):
    import re

    text = page(client, login, world["coordinator"]).text
    # NOK 850,000 a year / (20 people × 12 months) = 3,542 per person-month; AFT 20,975 —
    # in Norwegian format on the page
    cell = r"<td[^>]*>"  # cells carry their column's name for the phone's card layout
    assert re.search(rf"{cell}Arbeidsleder</td>{cell}kr\s850\s000</td>{cell}20</td>"
                     rf"{cell}kr\s3\s542</td>", text)
    assert re.search(rf"{cell}AFT</td>{cell}</td>{cell}</td>{cell}kr\s20\s975</td>", text)


def test_the_command_writes_csv_and_refuses_an_unknown_unit(app, world, tmp_path):
    from caseapp.reports.cli import report_command

    out = tmp_path / "n.csv"
    runner = app.test_cli_runner()
    result = runner.invoke(report_command, ["--from", "2026-01-01", "--to", "2026-10-31",
                                            "--format", "csv", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(out.read_text("utf-8-sig")), delimiter=";"))
    started = rows.index(["Startet i perioden, etter minoritetsspråklig bakgrunn"])
    # every unit: the other unit's 6 painting cases count too (no one's own caseload here)
    total = next(r for r in rows[started:] if r[0] == "Sum")
    assert [near(v, n) for v, n in zip(total[1:], (9, 16, 25))] == [True] * 3
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "report.generate")).one()
    assert event.actor_id is None and event.grounds == "scheduled_report"
    refused = runner.invoke(report_command, ["--from", "2026-01-01", "--to", "2026-10-31",
                                             "--unit", "nope", "--format", "pdf", "--out",
                                             str(tmp_path / "x.pdf")])
    assert refused.exit_code != 0 and not (tmp_path / "x.pdf").exists()


def test_the_no_outcome_row_is_hidden_alike_in_both_outcome_tables(world, app):
    units = units_in_scope(db.session, world["coordinator"], None)
    f = statistics.Filters(date(2026, 1, 1), date(2026, 10, 31), tuple(u.id for u in units))
    report = build(statistics.compute(db.session, f), f, units, datetime(2026, 11, 2))
    first, latest = report.tables["first_outcome"], report.tables["latest_outcome"]
    none = len(first.rows) - 1
    assert str(first.rows[none]) == str(latest.rows[none]) == "Ikke resultat ennå"
    for c in range(len(first.columns) + 1):
        assert ((none, c) in first.table.hidden) == ((none, c) in latest.table.hidden)
        assert first.text(none, c) == latest.text(none, c)


def test_figures_are_counted_without_opening_any_encrypted_value(world, app):
    from flask import g

    units = units_in_scope(db.session, world["coordinator"], None)
    f = statistics.Filters(date(2026, 1, 1), date(2026, 10, 31), tuple(u.id for u in units))
    db.session.expunge_all()
    with app.test_request_context():
        g.pop("_caseapp_deks", None)  # the keys the fixture used to write its people
        build(statistics.compute(db.session, f), f, units, datetime(2026, 11, 2))
        deks = g.get("_caseapp_deks") or {"by_id": {}, "current": {}}
        assert not deks["by_id"] and not deks["current"]  # no data key was unwrapped
