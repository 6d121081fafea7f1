"""Copy a benchmark dataset from PostgreSQL into a new SQLite instance: the same rows, the same
keys and key store, so both databases are measured on the same people.

    .venv/bin/python benchmarks/copy_dataset.py SOURCE_INSTANCE POSTGRESQL_URL TARGET_INSTANCE

Generating on SQLite has one writer at a time (``caseapp bench-data`` runs one job there), so
100,000 participants take about an hour; copying the rows the generator made on PostgreSQL
takes minutes. Nothing is re-encrypted: sealed values are copied as they are (``Sealed`` in,
``Sealed`` out), the target instance gets copies of the source's key files and key store,
and the audit chain is copied row by row, so ``caseapp audit verify`` passes on the copy.
The target folder must not exist yet.
"""
from __future__ import annotations

import shutil
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, insert, select  # noqa: E402

from caseapp import create_app  # noqa: E402
from caseapp.config import normalise_database_url  # noqa: E402
from caseapp.extensions import db  # noqa: E402

BATCH = 20_000


def copy_instance_files(source: Path, target: Path) -> None:
    """Key files as they are (owner-only), the key store through SQLite's backup API."""
    target.mkdir(parents=True)
    shutil.copytree(source / "keys", target / "keys")
    with sqlite3.connect(source / "keystore.db") as src, sqlite3.connect(target / "keystore.db") as dst:
        src.backup(dst)
    for name in ("bench-logins.json",):
        shutil.copy2(source / name, target / name)
    for path in [target / "keystore.db", *(target / "keys").iterdir()]:
        path.chmod(0o600)


def copy_rows(source_url: str, target_app) -> dict[str, int]:
    """Every table of the app, parents before children, in batches."""
    from flask_migrate import upgrade

    counts = {}
    source = create_engine(normalise_database_url(source_url))
    with target_app.app_context():
        upgrade(directory=target_app.extensions["migrate"].directory)  # empty tables
        with source.connect() as src, db.engine.begin() as dst:
            for table in db.metadata.sorted_tables:
                dst.execute(table.delete())  # the migrations' own rows (the chain head)
                rows = src.execution_options(yield_per=BATCH).execute(
                    select(table).order_by(*table.primary_key.columns))
                total = 0
                for part in rows.partitions():
                    dst.execute(insert(table), [dict(row._mapping) for row in part])
                    total += len(part)
                counts[table.name] = total
                print(f"  {table.name}: {total:,}", flush=True)
            dst.exec_driver_sql("ANALYZE")
    source.dispose()
    return counts


def main(source: str, url: str, target: str) -> None:
    started = time.perf_counter()
    source_path, target_path = Path(source), Path(target)
    if target_path.exists():
        raise SystemExit(f"{target_path} exists; give a new folder")
    copy_instance_files(source_path, target_path)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{target_path / 'caseapp.db'}"},
                     instance=target_path)
    counts = copy_rows(url, app)
    print(f"copied {sum(counts.values()):,} rows in {time.perf_counter() - started:.0f} s "
          f"into {target_path}")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    main(*sys.argv[1:])
