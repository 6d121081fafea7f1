"""Create the PostgreSQL database of a URL if it does not exist (the benchmarks' datasets each
have their own database).  Usage: python benchmarks/create_database.py postgresql://host/name"""
from __future__ import annotations

import sys

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url


def main(url: str) -> None:
    target = make_url(url)
    server = target.set(drivername="postgresql", database="postgres")
    with psycopg.connect(server.render_as_string(hide_password=False), autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                        (target.database,)).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(target.database)))
            print(f"created database {target.database}")


if __name__ == "__main__":
    main(sys.argv[1])
