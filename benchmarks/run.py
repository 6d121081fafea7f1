"""The benchmark suite (not tests): server time and SQL queries of the main operations on a
dataset made by ``caseapp bench-data``, each against a baseline measured in the same run.

    nice -n 15 .venv/bin/python benchmarks/run.py --instance /work/benchdata/sqlite-1000 \
        [--db postgresql://127.0.0.1:5432/caseapp_bench] [--repeat 30]

or ``make bench`` (see docs/benchmarks.md). Each operation runs in-process through Flask's test
client with the real app (encryption, roles, consent, audit on; CSRF tokens taken from the
forms), logged in through password and TOTP; a fresh request each time, so the per-request
key cache starts empty as in production. Time is the wall time of the request (or of the
service call, for the operations without a page of their own), i.e. server time without
network. Queries count every SQL statement on every engine (app database and key store).

The baseline fetches the same rows with one hand-written SQL query and renders them with
string formatting: no ORM, no decryption, no access check, no audit event.
"""
from __future__ import annotations

import argparse
import html
import json
import logging
import os
import platform
import re
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pyotp  # noqa: E402
from sqlalchemy import event, func, select, text  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402

from caseapp import create_app  # noqa: E402
from caseapp.extensions import db  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
# Targets for PostgreSQL at N = 100,000 (issue 9): (p95 ms limit, ratio limit) or events/s.
TARGETS = {
    "mine_saker": {"p95_ms": 50, "ratio": 3},
    "case_page_200_sessions": {"p95_ms": 50, "ratio": 3},
    "log_session": {"p95_ms": 50},
    "national_id_search": {"p95_ms": 20},
    "name_search": {"p95_ms": 20},
    "coordinator_dashboard": {"p95_ms": 300},
    "statistics_page": {"p95_ms": 1000},
    "nokkeltall_pdf": {"p95_ms": 3000},
    "consent_check": {},
    "audit_verify": {"events_per_s": 100_000},
}


class Counter:
    def __init__(self) -> None:
        self.count = 0
        event.listen(Engine, "before_cursor_execute", self._hit)

    def _hit(self, *_args) -> None:
        self.count += 1


def measure(fn: Callable[[], object], repeat: int, counter: Counter, warmup: int = 2):
    for _ in range(warmup):
        fn()
    times, queries = [], []
    for _ in range(repeat):
        before = counter.count
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
        queries.append(counter.count - before)
    times.sort()
    return {"median_ms": round(statistics.median(times), 2),
            "p95_ms": round(times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))], 2),
            "queries": max(queries), "repeats": repeat}


def render(rows) -> str:
    """The baseline's rendering: an escaped HTML table of the raw values."""
    return "<table>" + "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v)[:60])}</td>" for v in row) + "</tr>"
        for row in rows) + "</table>"


def in_context(app, fn: Callable[[], object]) -> Callable[[], object]:
    """Run ``fn`` in its own app context (requests must not share one: Flask would reuse it,
    and with it ``g``, the logged-in user and the key cache)."""
    def run():
        with app.app_context():
            return fn()
    return run


def sql(app, query: str, **params) -> Callable[[], str]:
    def run() -> str:
        with db.engine.connect() as conn:
            return render(conn.execute(text(query), params).all())
    return in_context(app, run)


def fresh_code(secret: str, last_step: int | None, clock=time) -> str:
    """A TOTP code the app accepts now: the next 30-second step's (±1 step of drift is
    accepted), or, when that step is not after ``last_step`` (the user's last used one: replay
    protection refuses it), after waiting for a later step. That happens when a dataset is
    measured again within 30 s, e.g. the SQLite copy right after the PostgreSQL run: the copy
    has the same users, and their last used steps."""
    totp = pyotp.TOTP(secret)
    step = int(clock.time() // totp.interval) + 1
    if last_step is not None and step <= last_step:
        wait = last_step * totp.interval - clock.time() + 1
        print(f"waiting {wait:.0f} s for a TOTP step not used yet", flush=True)
        clock.sleep(max(wait, 0))
        step = int(clock.time() // totp.interval) + 1
    return totp.generate_otp(step)


class Browser:
    """A logged-in test client that takes CSRF tokens from the pages it posts to."""

    def __init__(self, app, username: str, secret: str, password: str) -> None:
        from caseapp.accounts.models import User

        with app.app_context():
            last_step = db.session.scalar(select(User.totp_last_step)
                                          .where(User.username == username))
            db.session.remove()
        self.client = app.test_client()
        token = self.token("/login")
        response = self.client.post("/login", data={"csrf_token": token, "username": username,
                                                    "password": password})
        assert response.status_code == 302, (f"password step failed for {username}",
                                             response.status_code, response.headers.get("Location"))
        response = self.client.post("/login/code", data={"csrf_token": self.token("/login/code"),
                                                         "code": fresh_code(secret, last_step)})
        assert response.status_code == 302, (f"code step failed for {username}",
                                             response.get_data(as_text=True)[-3000:])

    def token(self, path: str) -> str:
        page = self.client.get(path).get_data(as_text=True)
        found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or \
            re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        assert found, f"no CSRF token on {path}"
        return found.group(1)

    def get(self, path: str, expect: int = 200):
        def run():
            response = self.client.get(path)
            assert response.status_code == expect, (path, response.status_code)
            return response
        return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instance", required=True, type=Path)
    parser.add_argument("--db", default=None, help="PostgreSQL URL (default: the instance's SQLite)")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--only", default="",
                        help="comma-separated operations to run (default: all); a partial run "
                             "writes nowhere unless --out is given")
    args = parser.parse_args()
    only = {name.strip() for name in args.only.split(",") if name.strip()}
    unknown = only - set(TARGETS)
    if unknown:
        parser.error(f"unknown operations: {', '.join(sorted(unknown))}")
    def wanted(operation: str) -> bool:
        return not only or operation in only

    info = json.loads((args.instance / "bench-logins.json").read_text(encoding="utf-8"))
    n = info["participants"]
    config = {"RATELIMIT_ENABLED": False, "SESSION_COOKIE_SECURE": False,
              "REMEMBER_COOKIE_SECURE": False, "PREFERRED_URL_SCHEME": "http"}
    if args.db:
        config["SQLALCHEMY_DATABASE_URI"] = args.db
    os.environ.pop("DATABASE_URL", None)
    app = create_app(config, instance=args.instance)
    request_log = quiet_request_log(args.instance)
    database = "postgresql" if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql") \
        else "sqlite"
    counter = Counter()
    results = []
    secret, password = info["totp_secret"], info["password"]
    logins = info["logins"]
    unit0 = info["units"][0]
    worker_name = next(u["username"] for u in logins if u["role"] in ("work_leader", "youth_mentor"))
    coordinator_name = next(u["username"] for u in logins if u["role"] == "coordinator"
                            and u["units"] == [unit0])
    # Statistics "over all participants": a coordinator of every unit (reports are limited to
    # the coordinator's own units; N > 5,000 has one unit, and one coordinator, per 5,000).
    with app.app_context():
        from caseapp.demo.bench import all_units_coordinator, write_info

        known = len(logins)
        stats_name = all_units_coordinator(db.session, info)
        if len(info["logins"]) != known:
            db.session.commit()
            write_info(app.instance_path, info)
            print(f"created {stats_name}, coordinator of all {len(info['units'])} units",
                  flush=True)
        db.session.remove()

    def add(operation: str, measured: dict, baseline: dict | None, note: str = "", **extra):
        row = {"operation": operation, "database": database, "N": n, **measured,
               "baseline_ms": baseline["median_ms"] if baseline else None,
               "baseline_queries": baseline["queries"] if baseline else None,
               "ratio": round(measured["median_ms"] / baseline["median_ms"], 2)
               if baseline and baseline["median_ms"] else None,
               "target": TARGETS.get(operation, {}), "note": note, **extra}
        results.append(row)
        print(f"{operation:<26} median {row['median_ms']:>9} ms  p95 {row['p95_ms']:>9} ms  "
              f"queries {row['queries']:>4}  baseline {row['baseline_ms']} ms  ratio {row['ratio']}"
              + (f"  {note}" if note else ""), flush=True)

    def skipped(operation: str, why: str) -> None:
        results.append({"operation": operation, "database": database, "N": n, "skipped": why})
        print(f"{operation:<26} skipped: {why}", flush=True)

    with app.app_context():
        from caseapp.accounts.models import User
        from caseapp.cases.models import Case
        from caseapp.contacts.models import Contact
        from caseapp.participants.models import Participant

        worker = db.session.scalar(select(User).where(User.username == worker_name))
        big_case = uuid.UUID(info["big_case_id"])
        mine = db.session.scalars(select(Case).where(Case.worker_id == worker.id,
                                                     Case.status == "active",
                                                     Case.id != big_case)).all()
        if not mine:
            raise SystemExit("the first worker has no active case besides the big one")
        active = len(mine)
        write_case = mine[0]
        worker_id, write_case_id = worker.id, write_case.id
        person = db.session.get(Participant, write_case.participant_id)
        national_id, family_name = person.national_id, person.family_name
        participant_id = person.id
        unit_cases = db.session.scalar(select(func.count(Case.id))
                                       .where(Case.unit_id == uuid.UUID(unit0)))
        name_value = _index_value("name", family_name)
        nid_value = _index_value("national_id", national_id)
        contact_columns = [c.name for c in Contact.__table__.columns if c.name != "id"]
        source_contact = db.session.scalar(select(Contact.id).where(Contact.case_id == write_case.id)
                                           .limit(1))
        db.session.rollback()
        db.session.remove()

    browser = Browser(app, worker_name, secret, password)
    coordinator = Browser(app, coordinator_name, secret, password)
    all_units = coordinator if stats_name == coordinator_name else \
        Browser(app, stats_name, secret, password)

    if True:  # no app context here: each request and each baseline pushes its own
        ws = {"w": str(worker_id) if database == "postgresql" else worker_id.hex}
        def uid(value) -> str:
            return str(value) if database == "postgresql" else uuid.UUID(str(value)).hex

        from caseapp.participants.lookup import find_by_name, find_by_national_id

        def in_request(fn):
            def run():
                with app.test_request_context("/"):
                    result = fn()
                    db.session.rollback()
                    return result
            return run

        # 1. Mine saker
        if wanted("mine_saker"):
            base = measure(sql(app,
                "SELECT c.id, c.status, c.started_on, p.given_name, p.family_name, "
                "(SELECT max(occurred_at) FROM contacts k WHERE k.case_id = c.id) "
                "FROM cases c JOIN participants p ON p.id = c.participant_id "
                "WHERE c.worker_id = :w AND c.status != 'closed'", **ws), args.repeat, counter)
            add("mine_saker", measure(browser.get("/cases/"), args.repeat, counter), base,
                active_cases=active + 1)

        # 2. the case page with 200 sessions
        if wanted("case_page_200_sessions"):
            # The page shows the newest CASEAPP_TIMELINE_SESSIONS_PER_PAGE sessions (the rest a
            # page at a time, "Show earlier sessions"); the baseline fetches the same rows.
            shown = app.config["CASEAPP_TIMELINE_SESSIONS_PER_PAGE"]
            base = measure(sql(app,
                "SELECT k.occurred_at, k.kind, k.duration_minutes, k.note, k.next_step, c.status "
                "FROM contacts k JOIN cases c ON c.id = k.case_id WHERE k.case_id = :c "
                "ORDER BY k.occurred_at DESC LIMIT :n", c=uid(big_case), n=shown),
                args.repeat, counter)
            add("case_page_200_sessions", measure(browser.get(f"/cases/{big_case}"), args.repeat,
                                                  counter), base,
                note=f"first page of the timeline: the newest {shown} of 200 sessions")

        # 3. log a session (POST) — the same case each time; ~repeat+2 sessions are added
        if wanted("log_session"):
            path = f"/cases/{write_case_id}/contacts/new"
            token = browser.token(path)
            stamp = {"i": 0}

            def post_session():
                stamp["i"] += 1
                response = browser.client.post(path, data={
                    "csrf_token": token, "occurred_at": f"2026-10-{1 + stamp['i'] % 28:02d}T10:00",
                    "duration_minutes": "45", "kind": "individual", "present": "participant",
                    "topics": "school", "note": f"Benchmark-økt {stamp['i']}: snakket om skole.",
                    "next_step": "Følge opp", "next_date": ""})
                assert response.status_code == 302, ("log session", response.status_code)

            insert = (f"INSERT INTO contacts (id, {', '.join(contact_columns)}) "
                      f"SELECT :id, {', '.join(contact_columns)} FROM contacts WHERE id = :src")

            @(lambda f: in_context(app, f))
            def base_insert():
                with db.engine.begin() as conn:
                    conn.execute(text(insert), {"id": uid(uuid.uuid4()), "src": uid(source_contact)})
                return "<p>ok</p>"

            add("log_session", measure(post_session, args.repeat, counter),
                measure(base_insert, args.repeat, counter),
                note="baseline: one INSERT … SELECT copying a sealed row, committed")

        # 4. national-ID search (the service every lookup uses; no page of its own)
        if wanted("national_id_search"):
            def nid_search():
                found = find_by_national_id(db.session, national_id)
                assert found is not None and found.id == participant_id
            base = measure(sql(app,
                "SELECT p.id, p.given_name, p.family_name, p.national_id FROM participant_index i "
                "JOIN participants p ON p.id = i.participant_id "
                "WHERE i.kind = 'national_id' AND i.value = :v", v=nid_value), args.repeat, counter)
            add("national_id_search", measure(in_request(nid_search), args.repeat, counter), base,
                note="find_by_national_id in a request context (PBKDF2 blind index, "
                     f"{app.config['CASEAPP_BLIND_INDEX_ITERATIONS']} iterations)")

        # 5. name search: Mine saker's search box (POST)
        if wanted("name_search"):
            token = browser.token("/cases/")

            def name_search():
                response = browser.client.post("/cases/", data={"csrf_token": token, "q": family_name})
                assert response.status_code == 200
            base = measure(sql(app,
                "SELECT c.id, c.status, p.given_name, p.family_name FROM cases c "
                "JOIN participants p ON p.id = c.participant_id "
                "JOIN participant_index i ON i.participant_id = p.id "
                "WHERE c.worker_id = :w AND c.status != 'closed' AND i.kind = 'name' AND i.value = :v",
                v=name_value, **ws), args.repeat, counter)
            add("name_search", measure(name_search, args.repeat, counter), base,
                note="POST /cases/ q=<family name>")
            _ = find_by_name  # the page uses it

        # 6. coordinator dashboard (one unit): the six numbers per worker, as
        # caseapp/caseload/dashboard.py defines them, in one GROUP BY
        if wanted("coordinator_dashboard"):
            today = date.today()
            query, params = dashboard_baseline(app.config, uid(unit0), today, datetime.utcnow())
            base = measure(sql(app, query, **params), max(5, args.repeat // 3), counter)
            status = coordinator.client.get("/caseload/").status_code
            if status != 200:
                skipped("coordinator_dashboard", f"status {status}")
            else:
                add("coordinator_dashboard", measure(coordinator.get("/caseload/"),
                                                     max(5, args.repeat // 3), counter), base,
                    unit_cases=unit_cases, note="baseline: the six numbers per worker in one GROUP BY")

        # 7–8. statistics and Nøkkeltall over every unit (the coordinator of all units); the
        # baseline computes the same counts (followed/started, first and latest outcome, days
        # to the first, checkpoints, funnel) in one statement of five GROUP BYs. Nøkkeltall's
        # baseline is the same query: the figures are the same, the PDF drawing is the app's.
        if wanted("statistics_page") or wanted("nokkeltall_pdf"):
            start_on, end_on = date(2015, 1, 1), today
            period = f"from={start_on.isoformat()}&to={end_on.isoformat()}"
            query, params = statistics_baseline(database, [uid(u) for u in info["units"]],
                                                start_on, end_on)
            stats_base = sql(app, query, **params)
            for operation, page in (("statistics_page", f"/reports/statistics?{period}"),
                                    ("nokkeltall_pdf", f"/reports/nokkeltall.pdf?{period}")):
                if not wanted(operation):
                    continue
                status = all_units.client.get(page).status_code
                if status == 404:
                    skipped(operation, "endpoint missing (404)")
                    continue
                if status != 200:
                    skipped(operation, f"status {status}")
                    continue
                add(operation, measure(all_units.get(page), 5, counter, warmup=1),
                    measure(stats_base, 5, counter, warmup=1), coordinator=stats_name,
                    units=len(info["units"]), cases=info["cases"],
                    note="baseline: the same counts in one SQL statement (five GROUP BYs), "
                         "no suppression, tables, charts or audit")

        # 9. consent check (consent.services.require, called by every write path)
        if wanted("consent_check"):
            from consent.purposes import Purpose
            from consent.services import require

            base = measure(sql(app,
                "SELECT id FROM consent_records WHERE participant_id = :p AND purpose = 'follow_up' "
                "AND withdrawn_at IS NULL AND valid_from <= :t "
                "AND (valid_until IS NULL OR valid_until > :t)", p=uid(participant_id),
                t=datetime.utcnow()), args.repeat, counter)
            add("consent_check", measure(in_request(lambda: require(
                db.session, participant_id, Purpose.FOLLOW_UP)), args.repeat, counter), base)

        # 10. audit verify
        if wanted("audit_verify"):
            from audit.services import count_events, verify_chain

            with app.app_context():
                events = count_events(db.session)
                db.session.rollback()

            @(lambda f: in_context(app, f))
            def verify():
                result = verify_chain(db.session, app.instance_path)
                assert result.ok
                db.session.rollback()

            @(lambda f: in_context(app, f))
            def base_read():
                with db.engine.connect() as conn:
                    for _row in conn.execute(text("SELECT * FROM audit_events ORDER BY seq")):
                        pass
            measured = measure(verify, 3, counter, warmup=1)
            add("audit_verify", measured, measure(base_read, 3, counter, warmup=1),
                events=events, events_per_s=round(events / (measured["median_ms"] / 1000)),
                note="baseline: read every event row in order, no hashing")

    calibration = round(_calibrate(), 1)
    if only and not args.out:
        print("partial run (--only): no results file written (give --out to keep one)")
        return
    out = args.out or RESULTS / f"{database}-{n}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({
        "dataset": {k: info[k] for k in ("participants", "sessions", "audit_events", "seed",
                                         "seconds", "jobs") if k in info},
        "measured_at": datetime.utcnow().isoformat(timespec="seconds") + "Z",
        "machine": f"{platform.node()} {os.cpu_count()} cores "
                   "(run under nice -n 15; the load average says whether it was shared)",
        "python": platform.python_version(),
        # A fixed pure-Python loop timed at the end: ~25 ms on an idle core of this machine;
        # a much larger value means the machine was busy and every number above is inflated.
        "calibration_loop_ms": calibration, "load_average": os.getloadavg(),
        "results": results}, indent=2) + "\n")
    print(f"wrote {out} (the request log: {request_log})")


def quiet_request_log(instance: Path) -> Path:
    """The app's JSON log lines (one per request) go to a file in the instance folder instead
    of the terminal, where they would bury the results; they are still written, so their cost
    stays in the measured times."""
    from caseapp.operations import LOGGER_NAME

    path = instance / "bench-requests.log"
    for handler in logging.getLogger(LOGGER_NAME).handlers:
        if getattr(handler, "caseapp_json", False):
            handler.setStream(path.open("a", encoding="utf-8"))  # open for the whole run
    return path


def dashboard_baseline(config, unit_id, today: date, at: datetime) -> tuple[str, dict]:
    """The coordinator dashboard's six numbers per worker of one unit, as
    ``caseapp/caseload/dashboard.py`` defines them, in one hand-written GROUP BY. Rows:
    (worker id, name, active, no-contact, overdue-goals, checkpoints, no-consent,
    consent-expiring)."""
    since = today - timedelta(days=config["CASEAPP_NO_CONTACT_DAYS"])
    due = ("EXISTS (SELECT 1 FROM checkpoints p WHERE p.case_id = c.id "
           "AND p.answered_at IS NULL AND p.due_on <= :today)")
    live = "SELECT 1 FROM contacts k WHERE k.case_id = c.id AND k.deleted_at IS NULL"
    query = (
        "SELECT c.worker_id, u.display_name, "
        "sum(CASE WHEN c.status = 'active' THEN 1 ELSE 0 END), "
        f"sum(CASE WHEN c.status = 'active' AND NOT EXISTS ({live} AND k.occurred_at >= :cutoff) "
        f"AND (c.started_on < :since OR EXISTS ({live})) THEN 1 ELSE 0 END), "
        "sum(CASE WHEN c.status = 'active' AND EXISTS (SELECT 1 FROM plan_goal_deadlines g "
        "WHERE g.case_id = c.id AND g.target_date < :today) THEN 1 ELSE 0 END), "
        f"sum(CASE WHEN {due} THEN 1 ELSE 0 END), "
        "sum(CASE WHEN c.status != 'closed' AND NOT EXISTS (SELECT 1 FROM consent_records r "
        "WHERE r.participant_id = c.participant_id AND r.purpose = 'follow_up' "
        "AND r.valid_from <= :at AND (r.valid_until IS NULL OR r.valid_until > :at) "
        "AND (r.withdrawn_at IS NULL OR r.withdrawn_at > :at)) THEN 1 ELSE 0 END), "
        "sum(CASE WHEN c.status != 'closed' AND EXISTS (SELECT 1 FROM consent_records r "
        "WHERE r.participant_id = c.participant_id AND r.withdrawn_at IS NULL "
        "AND r.valid_until IS NOT NULL AND r.valid_until > :at AND r.valid_until <= :expiry) "
        "THEN 1 ELSE 0 END) "
        "FROM cases c JOIN users u ON u.id = c.worker_id "
        f"WHERE c.unit_id = :u AND (c.status != 'closed' OR {due}) "
        "GROUP BY c.worker_id, u.display_name")
    return query, {"u": unit_id, "today": today, "since": since,
                   "cutoff": datetime.combine(since, datetime.min.time()), "at": at,
                   "expiry": at + timedelta(days=config["CASEAPP_CONSENT_EXPIRY_WARNING_DAYS"])}


def statistics_baseline(database: str, unit_ids: list, start: date, end: date) -> tuple[str, dict]:
    """The counts of ``caseapp/reports/statistics.py`` (followed/started, first and latest
    outcome, days to the first, checkpoints, funnel) with their record-key sums for
    ``unit_ids`` in one hand-written statement of five GROUP BYs.
    Rows: (kind, programme, track, a, b, n1, n2, n3, k1, k2, k3)."""
    units_in = ", ".join(f":u{i}" for i in range(len(unit_ids)))
    days = ("CAST(julianday(po.first_on) - julianday(c.started_on) AS INTEGER)"
            if database == "sqlite" else "(po.first_on - c.started_on)")
    followed = (f"c.unit_id IN ({units_in}) AND c.started_on <= :d1 "
                "AND (c.ended_on IS NULL OR c.ended_on >= :d0)")
    answer = ("CASE WHEN k.answered_at IS NULL THEN 'open' WHEN k.still_active THEN 'yes' "
              "ELSE 'no' END")
    closed = "c.ended_on IS NOT NULL AND c.ended_on <= :d1"
    started = "c.started_on >= :d0 AND c.started_on <= :d1"
    flag = "CASE WHEN {} IS NOT NULL THEN '1' ELSE '0' END"
    flags = (flag.format("pl.case_id"), flag.format("oc.case_id"),
             "CASE WHEN st.case_id IS NOT NULL THEN 1 ELSE 0 END")
    query = (
        "WITH po AS (SELECT o.case_id, "
        "min(CAST(o.occurred_on AS VARCHAR) || '|' || o.code) AS first_key, "
        "max(CAST(o.occurred_on AS VARCHAR) || '|' || o.code) AS latest_key, "
        "min(o.occurred_on) AS first_on FROM outcomes o WHERE o.occurred_on <= :d1 "
        "GROUP BY o.case_id) "
        "SELECT 'followed', c.programme, c.track, CAST(c.unit_id AS VARCHAR), "
        "CASE WHEN p.minority_language THEN 'y' ELSE 'n' END, "
        f"sum(CASE WHEN {closed} THEN 1 ELSE 0 END), "
        f"count(*), sum(CASE WHEN {started} THEN 1 ELSE 0 END), "
        f"sum(CASE WHEN {closed} THEN c.record_key ELSE 0 END), sum(c.record_key), "
        f"sum(CASE WHEN {started} THEN c.record_key ELSE 0 END) "
        f"FROM cases c JOIN participants p ON p.id = c.participant_id WHERE {followed} "
        "GROUP BY c.programme, c.track, c.unit_id, p.minority_language "
        "UNION ALL SELECT 'codes', c.programme, c.track, substr(po.first_key, 12), "
        "substr(po.latest_key, 12), count(*), 0, 0, sum(c.record_key), 0, 0 FROM cases c "
        f"JOIN po ON po.case_id = c.id WHERE {followed} "
        "GROUP BY c.programme, c.track, substr(po.first_key, 12), substr(po.latest_key, 12) "
        f"UNION ALL SELECT 'days', c.programme, c.track, '', '', {days}, count(*), 0, 0, 0, 0 "
        f"FROM cases c JOIN po ON po.case_id = c.id WHERE {followed} "
        f"GROUP BY c.programme, c.track, {days} "
        f"UNION ALL SELECT 'checkpoints', '', '', CAST(k.months AS VARCHAR), {answer}, "
        "count(*), 0, 0, sum(c.record_key), 0, 0 FROM checkpoints k "
        f"JOIN cases c ON c.id = k.case_id "
        f"WHERE c.unit_id IN ({units_in}) AND k.due_on >= :d0 AND k.due_on <= :d1 "
        f"GROUP BY k.months, {answer} "
        f"UNION ALL SELECT 'funnel', '', '', {flags[0]}, {flags[1]}, {flags[2]}, count(*), 0, "
        "sum(c.record_key), 0, 0 "
        "FROM cases c LEFT JOIN plans pl ON pl.case_id = c.id "
        "LEFT JOIN (SELECT DISTINCT case_id FROM outcomes WHERE occurred_on <= :d1) oc "
        "ON oc.case_id = c.id LEFT JOIN (SELECT DISTINCT case_id FROM checkpoints "
        "WHERE months = 12 AND still_active) st ON st.case_id = c.id "
        f"WHERE c.unit_id IN ({units_in}) AND {started} "
        f"GROUP BY {', '.join(flags)}")
    return query, {"d0": start, "d1": end, **{f"u{i}": u for i, u in enumerate(unit_ids)}}


def _calibrate() -> float:
    started = time.perf_counter()
    total = 0
    for number in range(1_000_000):
        total += number
    return (time.perf_counter() - started) * 1000


def _index_value(kind: str, value: str) -> str:
    """The blind-index value the app would look up (computed with the app's own functions)."""
    from caseapp.crypto import blind
    from caseapp.participants.lookup import normalise_name

    if kind == "name":
        return blind.name_value(normalise_name(value).split()[0])
    return blind.national_id_value(value)


if __name__ == "__main__":
    main()
