"""Shared fixtures: an instance folder with real keys, a migrated database (SQLite by default,
PostgreSQL with ``--db postgresql://…``), a frozen clock, a test client and factories."""
from __future__ import annotations

import os
import random
import re
from datetime import UTC, datetime
from pathlib import Path

import pyotp
import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from caseapp import create_app
from caseapp.clock import FrozenClock
from caseapp.config import normalise_database_url
from caseapp.crypto.keys import ensure_keys
from caseapp.extensions import db

START = datetime(2026, 11, 2, 9, 0, 0)
FAST_ARGON2 = {"CASEAPP_ARGON2_TIME_COST": 1, "CASEAPP_ARGON2_MEMORY_COST": 1024,
               "CASEAPP_ARGON2_PARALLELISM": 1, "CASEAPP_BLIND_INDEX_ITERATIONS": 10}
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')

pytest_plugins = ["tests.chromium"]  # the shared browser fixture


def pytest_addoption(parser):
    parser.addoption("--db", default=None,
                     help="Database URL for the suite (default: SQLite in a temp folder).")


def pytest_configure(config):
    # The suite decides its own settings: nothing from the developer's shell leaks in.
    for name in list(os.environ):
        if name == "DATABASE_URL" or name.startswith("CASEAPP_"):
            os.environ.pop(name)


def pytest_collection_modifyitems(items):
    # A real browser on a loaded 2-core machine sometimes loses a race the page cannot see (a
    # click answered before the next page has painted). Browser tests get one more try; a test
    # that fails twice fails the run, and the first failure is reported (-ra shows "rerun").
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.flaky(reruns=1, reruns_delay=1))


@pytest.fixture(scope="session")
def instance_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("instance")
    ensure_keys(folder)
    return folder


@pytest.fixture(scope="session")
def database_url(request, instance_dir):
    """SQLite: a file in this worker's instance folder. PostgreSQL (``--db``): that database,
    or under pytest-xdist (``-n``) a database per worker, ``<db>_gw<N>``, created here and
    dropped when the worker ends."""
    url = request.config.getoption("--db")
    if not url:
        yield f"sqlite:///{instance_dir / 'test.db'}"
        return
    url = normalise_database_url(url)
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        engine = create_engine(url)
        with engine.begin() as conn:  # a clean schema (and key store schema) for this run
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
            conn.execute(text("DROP SCHEMA IF EXISTS caseapp_keys CASCADE"))
        engine.dispose()
        yield url
        return
    server = make_url(url)
    name = f"{server.database}_{worker}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    drop = text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    with admin.connect() as conn:
        conn.execute(drop)
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield server.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(drop)
    admin.dispose()


@pytest.fixture(scope="session")
def is_postgres(database_url) -> bool:
    return database_url.startswith("postgresql")


@pytest.fixture(scope="session")
def keystore_url(database_url, is_postgres) -> str | None:
    """SQLite runs: the default key store file in the instance folder; PostgreSQL runs: the
    key store in its own schema (caseapp_keys) of the test database."""
    return database_url if is_postgres else None


@pytest.fixture(scope="session")
def migrated(database_url, instance_dir, keystore_url):
    from flask_migrate import upgrade

    from caseapp.crypto.keystore import init_keystore

    init_keystore({"SQLALCHEMY_DATABASE_URI": database_url, "CASEAPP_KEYSTORE_URL": keystore_url},
                  instance_dir)
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True,
                      "CASEAPP_KEYSTORE_URL": keystore_url}, instance=instance_dir)
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        db.engine.dispose()
    close_keystore(app)
    return database_url


def close_keystore(app) -> None:
    from caseapp.crypto.keyring import EXTENSION_KEY

    app.extensions[EXTENSION_KEY].dispose()


class Client(FlaskClient):
    """A browser-like client: sends a same-origin Referer (as browsers do over https) and can
    fill in the CSRF token of the last page it fetched."""

    last_html = ""

    def open(self, *args, **kwargs):
        headers = dict(kwargs.pop("headers", None) or {})
        headers.setdefault("Referer", "https://localhost/")
        # Each request gets its own app context (its own ``g`` and database session), as in
        # production, even though the test itself runs inside one.
        with self.application.app_context():
            response = super().open(*args, headers=headers, **kwargs)
            response.get_data()  # read it all and close it (static files are streamed)
            response.close()
        if response.mimetype == "text/html":
            self.last_html = response.get_data(as_text=True)
        return response

    def csrf_token(self, path: str | None = None) -> str:
        if path:
            self.get(path)
        match = CSRF_RE.search(self.last_html)
        assert match, "no CSRF token on the page"
        return match.group(1)

    def submit(self, path: str, data: dict | None = None, form_page: str | None = None, **kwargs):
        """GET the form page (default: ``path``), then POST ``data`` with its CSRF token."""
        token = self.csrf_token(form_page or path)
        return self.post(path, data={"csrf_token": token, **(data or {})}, **kwargs)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


@pytest.fixture
def app_config(migrated, clock, keystore_url) -> dict:
    """Settings for this test's app; a test may change them before using ``app``."""
    return {"SQLALCHEMY_DATABASE_URI": migrated, "TESTING": True, "CASEAPP_CLOCK": clock,
            "RATELIMIT_ENABLED": False, "CASEAPP_KEYSTORE_URL": keystore_url, **FAST_ARGON2,
            # No test touches the machine's Redis: tests/jobs start their own server.
            "CASEAPP_REDIS_URL": "redis://127.0.0.1:9/0", "RATELIMIT_STORAGE_URI": "memory://",
            # SQLite has one writer; on a 2-core CI machine at load 10 a request waited past the
            # default 15 s for it (503). The tests assert what is stored, not how fast: wait longer.
            "CASEAPP_SQLITE_BUSY_TIMEOUT_MS": 120_000}


@pytest.fixture
def app(app_config, instance_dir):
    app = create_app(app_config, instance=instance_dir)
    app.test_client_class = Client
    with app.app_context():
        yield app
        db.session.remove()
        with db.engine.begin() as conn:  # every test starts with empty tables
            empty_all_tables(conn)
        db.engine.dispose()
        from caseapp.crypto.keyring import store

        store().clear_data_keys()  # the key store is emptied too
        close_keystore(app)


def empty_all_tables(conn) -> None:
    """Delete every row. Append-only tables (the audit log) refuse that through triggers, so
    the triggers are lifted inside this one transaction and are back in force when it commits;
    tests themselves always run with them."""
    tables = reversed(db.metadata.sorted_tables)
    if conn.dialect.name == "postgresql":
        guarded = conn.execute(text("SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger "
                                    "WHERE NOT tgisinternal")).scalars().all()
        for name in guarded:
            conn.execute(text(f"ALTER TABLE {name} DISABLE TRIGGER USER"))
        for table in tables:
            conn.execute(table.delete())
        for name in guarded:
            conn.execute(text(f"ALTER TABLE {name} ENABLE TRIGGER USER"))
        return
    triggers = conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")).all()
    for name, _sql in triggers:
        conn.execute(text(f'DROP TRIGGER "{name}"'))
    for table in tables:
        conn.execute(table.delete())
    for _name, sql in triggers:
        conn.execute(text(sql))


@pytest.fixture
def make_app(app_config, instance_dir):
    """Build extra apps with changed settings; their connections are closed afterwards."""
    made = []

    def build(**changes):
        extra = create_app({**app_config, **changes}, instance=instance_dir)
        extra.test_client_class = Client
        made.append(extra)
        return extra

    yield build
    for extra in made:
        with extra.app_context():
            db.engine.dispose()
        close_keystore(extra)


@pytest.fixture
def client(app) -> Client:
    return app.test_client()


@pytest.fixture
def make_client(app):
    return app.test_client


# --- factories -------------------------------------------------------------------------------

PASSWORD = "korrekt-hest-batteri-stift"


@pytest.fixture
def factory(app):
    return Factory()


class Factory:
    def __init__(self) -> None:
        self.rng = random.Random(7)
        self.counter = 0

    def unit(self, name=None, organisation="Kristiansand kommune", kind="lower_secondary"):
        from caseapp.units.services import create_unit

        self.counter += 1
        return create_unit(db.session, name or f"Enhet {self.counter}", organisation, kind)

    def user(self, role="youth_mentor", units=(), username=None, password=PASSWORD,
             enrolled=True, roles=None):
        from caseapp.accounts.services import create_user

        self.counter += 1
        user = create_user(db.session, username=username or f"{role.replace('_', '.')}{self.counter}",
                           display_name=f"Test {role} {self.counter}", roles=roles or [role],
                           units=list(units), password=password,
                           totp_secret=pyotp.random_base32() if enrolled else None)
        db.session.commit()
        return user

    def participant(self, given="Kari", family="Nordmann", born=None):
        from datetime import date

        from caseapp.participants.models import Participant
        from caseapp.participants.national_id import synthetic

        born = born or date(2010, 5, 17)
        participant = Participant(given_name=given, family_name=family,
                                  national_id=synthetic(born, self.rng), birth_year=born.year,
                                  gender="female", minority_language=False, home_municipality="4204")
        db.session.add(participant)
        db.session.flush()
        return participant

    def case(self, worker, unit, participant=None, programme=None, track=None, status="active"):
        from datetime import date

        from caseapp.cases.models import Case

        programme = programme or ("work_leader" if worker.has_role("work_leader") else "youth_mentor")
        track = track or ("health" if programme == "work_leader" else "lower_secondary")
        case = Case(participant=participant or self.participant(), programme=programme,
                    track=track, unit_id=unit.id, worker_id=worker.id, status=status,
                    started_on=date(2026, 1, 5))
        db.session.add(case)
        db.session.commit()
        return case

    def consent(self, participant, purpose="follow_up", organisation=None):
        """A follow-up basis (consent given today) for ``participant``."""
        from consent.services import grant

        # The young person and a guardian together: valid at any age under the default rules.
        record = grant(db.session, participant_id=participant.id, purpose=purpose,
                       organisation_id=getattr(organisation, "id", None),
                       given_by="subject_and_guardians",
                       guardians=[{"name": "Foresatt Testesen", "relation": "mother"}])
        db.session.commit()
        return record

    def plan(self, case, goals=("Møte på skolen hver dag",), agreed=True, target=None):
        """A first plan version for ``case`` with ``goals`` (target: a month ahead)."""
        from datetime import timedelta

        from caseapp.plans.models import Goal, Plan, PlanContent, PlanVersion

        target = target or START.date() + timedelta(days=30)
        content = PlanContent([Goal(f"{i:032x}", text, target, "in_progress")
                               for i, text in enumerate(goals, 1)])
        plan = Plan(case_id=case.id, participant_id=case.participant_id, version=1)
        plan.versions.append(PlanVersion(participant_id=case.participant_id, number=1,
                                         content_json=content.to_json(), agreed_by_participant=agreed,
                                         saved_by_id=case.worker_id))
        db.session.add(plan)
        db.session.commit()
        return plan

    def checkpoint(self, case, months=3, due_on=None):
        """An open checkpoint of ``case``, due today unless ``due_on`` says otherwise."""
        from caseapp.outcomes.models import Checkpoint

        point = Checkpoint(case_id=case.id, participant_id=case.participant_id, months=months,
                           due_on=due_on or START.date())
        db.session.add(point)
        db.session.commit()
        return point

    def outcome(self, case, code="vgs_started", note="Resultatnotat."):
        """An outcome of ``case`` (today), recorded by the case worker."""
        from caseapp.outcomes.models import Outcome

        return self._add(Outcome(case_id=case.id, participant_id=case.participant_id, code=code,
                                 occurred_on=START.date(), note=note,
                                 recorded_by_id=case.worker_id))

    def transition(self, case, to_school="Kvadraturen vgs"):
        """A school transition of ``case`` (today), recorded by the case worker."""
        from caseapp.transitions.models import Transition

        return self._add(Transition(case_id=case.id, participant_id=case.participant_id,
                                    from_school="Lund ungdomsskole", to_school=to_school,
                                    transition_date=START.date(), created_by_id=case.worker_id))

    def placement(self, case, workplace="Lund omsorgssenter"):
        """A running workplace placement of ``case`` (from today), recorded by the case worker."""
        from caseapp.transitions.models import Placement

        return self._add(Placement(case_id=case.id, participant_id=case.participant_id,
                                   workplace=workplace, trade="health", started_on=START.date(),
                                   created_by_id=case.worker_id))

    def _add(self, row):
        db.session.add(row)
        db.session.commit()
        return row

    def contact(self, case, note="Snakket om skolestart.", **fields):
        """A logged session in ``case`` (with its first revision), written by the case worker."""
        from caseapp.contacts.models import Contact, ContactRevision

        values = {"occurred_at": START, "duration_minutes": 45, "kind": "individual",
                  "present": "participant", "topics": "school", "note": note, **fields}
        contact = Contact(case_id=case.id, participant_id=case.participant_id,
                          created_by_id=case.worker_id, **values)
        contact.revisions.append(ContactRevision(participant_id=case.participant_id, number=1,
                                                 action="created", saved_by_id=case.worker_id,
                                                 **values))
        db.session.add(contact)
        db.session.commit()
        return contact


@pytest.fixture
def school(factory):
    """A lower secondary school (case-following tests)."""
    return factory.unit("Lund ungdomsskole")


@pytest.fixture
def mentor(factory, school):
    """A youth mentor working at ``school``."""
    return factory.user("youth_mentor", [school])


@pytest.fixture
def case(factory, mentor, school):
    """The mentor's case, with a valid basis for follow-up (areas whose case differs define
    their own ``case``, which takes precedence)."""
    case = factory.case(mentor, school)
    factory.consent(case.participant)
    return case


def totp_now(user, clock) -> str:
    return pyotp.TOTP(user.totp_secret).at(clock.now().replace(tzinfo=UTC))


@pytest.fixture
def login(clock):
    """Log ``user`` in on ``client`` through both factors; return the final response."""

    def do(client, user, password=PASSWORD, next_url=None):
        response = client.submit("/login", {"username": user.username, "password": password},
                                 form_page="/login" + (f"?next={next_url}" if next_url else ""))
        assert response.status_code == 302, "password step failed"
        response = client.submit("/login/code", {"code": totp_now(user, clock)})
        assert response.status_code == 302, "code step failed"
        clock.advance(seconds=30)  # the next login needs the next code (replay protection)
        return response

    return do
