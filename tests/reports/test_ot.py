"""The OT status codes (Udir's list) at the period's end, per unit and per home county: the
mapping from caseapp's outcomes and case states, the table on the page, in the CSV and the PDF."""
from __future__ import annotations

import csv
import io
import itertools
import re
from datetime import date

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from caseapp.extensions import db
from caseapp.outcomes.models import OT_CODES, OUTCOME_LABELS, Outcome
from caseapp.reports import ot, statistics

NATIONAL = {"OTUK", "OTOV", "OTOA", "OTAP", "OTKO", "OTAR", "OTEV", "OTVF", "OTLL", "OTNO", "OTMI",
            "OTBA", "OTSY", "OTIF"}  # DOMAIN.md
PERIOD = {"from": "2026-01-01", "to": "2026-10-31"}


def test_every_national_code_is_listed_and_those_never_produced_are_named():
    assert set(ot.OT_LABELS) - {ot.OUTSIDE} == NATIONAL
    produced = {ot.status(closed, declined, latest) for closed, declined in
                itertools.product((True, False), repeat=2) for latest in [None, *OUTCOME_LABELS]}
    assert produced == set(ot.PRODUCED)
    assert not produced & set(ot.NOT_PRODUCED)
    assert set(ot.NOT_PRODUCED) | set(ot.PRODUCED) == set(ot.OT_LABELS)
    assert {"OTOV", "OTNO"} <= produced  # never produced before issue 20
    assert set(OT_CODES.values()) - {None} <= produced


@pytest.mark.parametrize("closed, declined, latest, code", [
    (False, False, None, "OTOV"),  # followed, no outcome yet: in follow-up and guidance
    (True, True, None, "OTNO"),  # declined further follow-up
    (True, True, "paid_work", "OTNO"),  # declined counts over an earlier outcome
    (True, False, "paid_work", "OTAR"),
    (False, False, "mfy", "OTOA"),
    (True, False, "apprenticeship", "OTLL"),
    (True, False, "other_measure", "OTAP"),
    (True, False, "dropout", "OTUK"),  # dropped out and no longer followed: unknown
    (False, False, "dropout", "OTOV"),  # dropped out but still followed
    (True, False, None, "OTUK"),  # ended without an outcome (no contact)
    (True, False, "trade_certificate", ot.OUTSIDE),
    (True, False, "moved", ot.OUTSIDE),
])
def test_the_status_of_a_case_at_the_reference_date(closed, declined, latest, code):
    assert ot.status(closed, declined, latest) == code


@pytest.fixture
def counties(factory):
    """One unit: 6 followed without an outcome (Agder), 5 declined (Oslo), 5 in paid work
    (Agder), 5 completed upper secondary (no municipality recorded); 2 ended last year."""
    unit = factory.unit("Oppfølgingssenteret", kind="care_home")
    leader = factory.user("work_leader", [unit])
    coordinator = factory.user("coordinator", [unit])
    groups = [(6, "4204", None, None), (5, "0301", "declined", None),
              (5, "4204", "outcome_reached", "paid_work"), (5, None, "outcome_reached",
                                                          "vgs_completed")]
    for n, municipality, end_reason, code in groups + [(2, "4204", "declined", None)]:
        for i in range(n):
            person = factory.participant()
            person.home_municipality = municipality
            case = factory.case(leader, unit, person, programme="work_leader", track="health")
            last_year = n == 2
            case.started_on = date(2025, 2, 1)
            if end_reason:
                case.ended_on = date(2025, 6, 1) if last_year else date(2026, 5, 1)
                case.status, case.end_reason = "closed", end_reason
            if code:
                db.session.add(Outcome(case_id=case.id, participant_id=person.id, code=code,
                                       occurred_on=date(2026, 4, 1), recorded_by_id=leader.id))
            db.session.commit()
    return {"unit": unit, "coordinator": coordinator}


def test_counted_per_unit_and_county_from_plain_columns(counties):
    f = statistics.Filters(date(2026, 1, 1), date(2026, 10, 31), (counties["unit"].id,))
    got = {k: v.n for k, v in statistics.compute(db.session, f).ot.items()}
    unit = counties["unit"].id
    assert got == {("OTOV", unit, "42"): 6, ("OTNO", unit, "03"): 5, ("OTAR", unit, "42"): 5,
                   (ot.OUTSIDE, unit, ""): 5}  # the two ended last year are not followed


def table_rows(soup, caption):
    table = soup.find("caption", string=caption).find_parent("table")
    return {tr.th.get_text(strip=True): [td.get_text(strip=True) for td in tr.find_all("td")]
            for tr in table.find_all("tr") if tr.th and tr.find_all("td")}


def test_the_ot_tables_on_the_page_in_the_csv_and_the_pdf(counties, factory, client, login):
    officer = factory.user("privacy_officer")
    login(client, officer)
    soup = BeautifulSoup(client.get("/reports/exact", query_string=PERIOD).text, "html.parser")
    header = [th.get_text(strip=True) for th in soup.find(
        "caption", string="OT-status ved periodens slutt, etter hjemfylke").find_parent(
        "table").find_all("th", scope="col")]
    assert header == [*ot.PRODUCED[:-1], "Utenfor", "Sum"]
    by_county = table_rows(soup, "OT-status ved periodens slutt, etter hjemfylke")
    column = {code: i for i, code in enumerate(header)}
    assert by_county["Agder"][column["OTOV"]] == "6" and by_county["Agder"][column["OTAR"]] == "5"
    assert by_county["Oslo"][column["OTNO"]] == "5"
    assert by_county["Hjemfylke ikke registrert"][column["Utenfor"]] == "5"
    assert by_county["Sum"][column["Sum"]] == "21"
    assert by_county["Vestland"][column["Sum"]] == "0"  # every county is listed
    by_unit = table_rows(soup, "OT-status ved periodens slutt, etter enhet")
    assert by_unit["Kristiansand kommune / Oppfølgingssenteret"][column["OTNO"]] == "5"
    assert "OTMI" in soup.text and "registreres ikke i caseapp" in soup.text
    rows = list(csv.reader(io.StringIO(client.get(
        "/reports/exact.csv", query_string=PERIOD).data.decode("utf-8-sig")), delimiter=";"))
    at = rows.index(["OT-status ved periodens slutt, etter hjemfylke"])
    assert rows[at + 1][1:] == header
    assert next(r for r in rows[at:] if r[0] == "Agder")[1 + column["OTOV"]] == "6"
    assert ["OTNO", "Takket nei til oppfølging"] in rows
    pdf = client.get("/reports/exact.pdf", query_string=PERIOD)
    text = re.sub(r"\s+", " ", "\n".join(p.extract_text() for p in PdfReader(
        io.BytesIO(pdf.data)).pages))
    assert "OT-status ved periodens slutt, etter hjemfylke" in text
    assert "OTNO Takket nei til oppfølging" in text


def test_the_coordinators_ot_figures_are_protected_like_all_others(counties, client, login):
    login(client, counties["coordinator"])
    soup = BeautifulSoup(client.get("/reports/statistics", query_string=PERIOD).text,
                         "html.parser")
    by_county = table_rows(soup, "OT-status ved periodens slutt, etter hjemfylke")
    by_unit = table_rows(soup, "OT-status ved periodens slutt, etter enhet")
    assert by_county["Vestland"] == ["<5"] * 10  # 0 is hidden like 1–4
    total = by_county["Sum"][-1]
    assert abs(int(total) - 21) <= 2
    # the same 21 cases: the same figure as the unit table's and the key figures' total
    assert by_unit["Sum"][-1] == total
    assert soup.find("dd", id="key-2").get_text(strip=True) == total
