"""`caseapp demo-reset`: the demo's files are set aside (never deleted) so the next load is dated
today; any installation that is not the demo's own SQLite instance is refused untouched."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.test_cli import cli_env, run  # noqa: F401 (the fixture)


def test_the_demo_is_set_aside_and_loads_again_dated_today(cli_env, is_postgres):
    instance = Path(cli_env["CASEAPP_INSTANCE"])
    run(cli_env, "init")
    refused = run(cli_env, "demo-reset", check=False)
    assert refused.returncode != 0
    if is_postgres:  # a configured database is never the demo's to move
        assert "outside the instance folder" in refused.stderr
        return
    assert "No demo was loaded" in refused.stderr
    assert (instance / "caseapp.db").exists()  # refused: nothing moved

    run(cli_env, "demo", "--seed", "3")
    logins = json.loads((instance / "demo-logins.json").read_text())
    keys = sorted(p.name for p in (instance / "keys").iterdir())
    done = run(cli_env, "demo-reset")
    (aside,) = (instance / "previous").iterdir()
    assert str(aside) in done.stdout
    assert {"caseapp.db", "keystore.db", "demo-logins.json"} <= {p.name for p in aside.iterdir()}
    assert not (instance / "caseapp.db").exists() and not (instance / "demo-logins.json").exists()
    assert sorted(p.name for p in (instance / "keys").iterdir()) == keys  # the keys stay

    run(cli_env, "init")  # a new, empty database and key store: `caseapp demo` loads it anew
    with sqlite3.connect(instance / "caseapp.db") as conn:
        assert conn.execute("SELECT count(*) FROM units").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM audit_events WHERE action = 'demo.load'").fetchone() == (0,)
    assert logins  # the old logins went aside with the rest
