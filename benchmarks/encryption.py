"""Benchmark: what field-level encryption costs (not a test; run by hand).

    .venv/bin/python benchmarks/encryption.py [--cases 40] [--rounds 200]

1. Seal + open one field value with a participant's DEK (µs per field).
2. The worker's case list ("Mine saker", 40 cases) rendered in a fresh request context each
   time (so the per-request DEK cache starts empty, as in production): once with encryption,
   once with the same mechanism but a plaintext codec and no key store ("without encryption"),
   in the same run and on the same kind of database. Target: encryption adds under 20 %.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import timeit
import uuid
from contextlib import contextmanager
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask_login import login_user  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from caseapp import create_app  # noqa: E402
from caseapp.crypto import envelope, keyring  # noqa: E402
from caseapp.crypto.keys import ensure_keys  # noqa: E402
from caseapp.crypto.keystore import init_keystore  # noqa: E402
from caseapp.extensions import db  # noqa: E402

FAST = {"CASEAPP_ARGON2_TIME_COST": 1, "CASEAPP_ARGON2_MEMORY_COST": 1024,
        "CASEAPP_ARGON2_PARALLELISM": 1, "CASEAPP_BLIND_INDEX_ITERATIONS": 10}


def field_cost(rounds: int) -> tuple[float, float]:
    dek_id, dek = uuid.uuid4(), envelope.new_dek()
    ad = envelope.field_ad("participants.given_name", str(uuid.uuid4()), str(uuid.uuid4()))
    blob = envelope.seal(dek_id, dek, "Kari Nordmann", ad)
    seal = timeit.timeit(lambda: envelope.seal(dek_id, dek, "Kari Nordmann", ad), number=rounds)
    opened = timeit.timeit(lambda: envelope.open_sealed(dek, blob, ad), number=rounds)
    return seal / rounds * 1e6, opened / rounds * 1e6


@contextmanager
def without_encryption():
    """Same ORM events, but a plaintext codec and no key store: the baseline."""
    saved = (envelope.seal, envelope.open_sealed, envelope.sealed_dek_id,
             keyring.dek_for_sealing, keyring.dek_for_opening)
    fixed = uuid.UUID(int=0)
    envelope.seal = lambda dek_id, dek, text, ad: b"\x02" + (text.encode() if isinstance(text, str) else text)
    envelope.open_sealed = lambda dek, blob, ad, text=True: blob[1:].decode() if text else blob[1:]
    envelope.sealed_dek_id = lambda blob: fixed
    keyring.dek_for_sealing = lambda owner: (fixed, b"")
    keyring.dek_for_opening = lambda dek_id, owner: b""
    try:
        yield
    finally:
        (envelope.seal, envelope.open_sealed, envelope.sealed_dek_id,
         keyring.dek_for_sealing, keyring.dek_for_opening) = saved


def build_app(folder: Path):
    ensure_keys(folder)
    url = f"sqlite:///{folder / 'bench.db'}"
    init_keystore({"SQLALCHEMY_DATABASE_URI": url}, folder)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, **FAST}, instance=folder)
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
    return app


def load_cases(app, count: int):
    from caseapp.accounts.services import create_user
    from caseapp.cases.models import Case
    from caseapp.participants.models import Participant
    from caseapp.units.services import create_unit

    with app.app_context():
        unit = create_unit(db.session, "Bench skole", "Bench kommune", "lower_secondary")
        worker = create_user(db.session, username="bench", display_name="Bench", roles=["youth_mentor"],
                             units=[unit], password="korrekt-hest-batteri-stift", totp_secret=None)
        for i in range(count):
            person = Participant(given_name=f"Given{i}", family_name=f"Family{i}",
                                 national_id=f"{i:011d}", birth_year=2010, gender="female")
            db.session.add(Case(participant=person, programme="youth_mentor",
                                track="lower_secondary", unit_id=unit.id, worker_id=worker.id,
                                started_on=date(2026, 1, 5)))
        db.session.commit()
        return worker.id


def time_case_list(app, worker_id, rounds: int) -> list[float]:
    from caseapp.accounts.models import User

    view = app.view_functions["cases.mine"]
    times = []
    for _ in range(rounds):
        with app.test_request_context("/cases/"):
            login_user(db.session.get(User, worker_id))
            start = time.perf_counter()
            html = view()
            times.append(time.perf_counter() - start)
            db.session.remove()
    assert "Given1 Family1" in html
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    seal_us, open_us = field_cost(20000)
    print(f"seal one field: {seal_us:.1f} µs, open one field: {open_us:.1f} µs")
    with tempfile.TemporaryDirectory() as plain_dir, tempfile.TemporaryDirectory() as enc_dir:
        encrypted = build_app(Path(enc_dir))
        enc_worker = load_cases(encrypted, args.cases)
        with without_encryption():
            plain = build_app(Path(plain_dir))
            plain_worker = load_cases(plain, args.cases)
        for _ in range(2):  # warm both, then alternate to share any machine noise
            time_case_list(encrypted, enc_worker, 10)
            with without_encryption():
                time_case_list(plain, plain_worker, 10)
        enc, base = [], []
        for _ in range(5):
            enc += time_case_list(encrypted, enc_worker, args.rounds // 5)
            with without_encryption():
                base += time_case_list(plain, plain_worker, args.rounds // 5)
        e, b = statistics.median(enc) * 1000, statistics.median(base) * 1000
        print(f"case list, {args.cases} cases: with encryption {e:.2f} ms, "
              f"without {b:.2f} ms (median of {len(enc)}): +{(e / b - 1) * 100:.1f} %")
        for app in (encrypted, plain):
            with app.app_context():
                db.engine.dispose()
            keyring_store = app.extensions[keyring.EXTENSION_KEY]
            keyring_store.dispose()


if __name__ == "__main__":
    main()
