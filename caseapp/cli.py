"""The ``caseapp`` console script: Flask's CLI plus one group of commands per area.

Commands are thin: they parse options and call services, which do the work.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from caseapp import create_app, instance_path
from caseapp.config import ConfigError


def _create_app(*_args):
    try:
        return create_app()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False,
             load_dotenv=False, set_debug_flag=False)
def cli() -> None:
    """caseapp — case following for youth mentors and work leaders."""


@cli.command("init", with_appcontext=False)
def init_command() -> None:
    """Create missing keys and the key store, and bring the schema up to date."""
    from flask_migrate import upgrade

    from caseapp.config import build
    from caseapp.crypto.keys import ensure_keys
    from caseapp.crypto.keystore import init_keystore

    folder = instance_path()
    folder.mkdir(parents=True, exist_ok=True)
    created = ensure_keys(folder)
    try:
        created += init_keystore(build(folder), folder)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    for name in created:
        click.echo(f"Created the {name} key in {folder / 'keys'} (owner-only)."
                   if name != "key store" else "Created the key store.")
    app = _create_app()
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        from caseapp.extensions import db
        from consent.notice_texts import ensure_default_texts

        if ensure_default_texts(db.session):
            click.echo("Stored the default consent information texts (version 2026-1).")
        db.session.commit()
        if created:  # key operations belong in the audit log (names only, never key material)
            import audit

            for name in created:
                audit.record("key.create", actor=None, object_type="key", object_id=name)
            db.session.commit()
    click.echo(f"Instance {folder} is ready.")


@cli.command("demo")
@click.option("--seed", default=2025, show_default=True, help="Same seed, same data.")
@with_appcontext
def demo_command(seed: int) -> None:
    """Load the synthetic demo dataset once and print one login per role."""
    from caseapp.demo.generate import DemoExists, load_demo, read_logins, write_logins
    from caseapp.extensions import db

    try:
        logins = load_demo(db.session, seed=seed)
    except DemoExists:
        click.echo("The database already holds data; the demo dataset is not loaded again.")
        logins = read_logins(current_app.instance_path)
    else:
        db.session.commit()
        path = write_logins(current_app.instance_path, logins)
        click.echo(f"Demo data loaded (seed {seed}); logins written to {path}.")
    if logins:
        click.echo("Demo logins (password, then the TOTP code from the secret):")
        for login in logins:
            click.echo(f"  {login['role']:<16} {login['username']:<16} {login['password']}  "
                       f"TOTP secret {login['totp_secret']}")


@cli.command("create-unit")
@click.argument("name")
@click.option("--organisation", required=True, help='e.g. "Agder fylkeskommune"')
@click.option("--kind", default="other", type=click.Choice(
    ["lower_secondary", "upper_secondary", "nav_office", "care_home", "workplace", "other"]))
@with_appcontext
def create_unit_command(name: str, organisation: str, kind: str) -> None:
    """Create a unit (school, Nav office, workplace) in an organisation."""
    from caseapp.extensions import db
    from caseapp.units.services import UnitError, create_unit

    try:
        unit = create_unit(db.session, name, organisation, kind)
    except UnitError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"Created unit {unit.display_name}.")


@cli.command("create-user")
@click.option("--username", required=True)
@click.option("--name", "display_name", help="Full name (defaults to the username).")
@click.option("--role", "roles", multiple=True, required=True,
              type=click.Choice(["youth_mentor", "work_leader", "coordinator",
                                 "privacy_officer", "admin"]))
@click.option("--unit", "unit_names", multiple=True, help='Unit as shown, e.g. "Nav Kristiansand".')
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def create_user_command(username, display_name, roles, unit_names, password_stdin) -> None:
    """Create a staff account; the user sets up TOTP at first login."""
    from caseapp.accounts.services import AccountError, create_user
    from caseapp.extensions import db
    from caseapp.units.services import find_unit

    units = []
    for label in unit_names:
        unit = find_unit(db.session, label)
        if unit is None:
            raise click.ClickException(f"No unit called {label!r}.")
        units.append(unit)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(db.session, username=username, display_name=display_name or username,
                           roles=list(roles), units=units, password=password)
    except AccountError as exc:
        raise click.ClickException("; ".join(exc.messages)) from None
    db.session.commit()
    click.echo(f"Created user {user.username}; two-factor login is set up at first login.")


@cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check every row and report problems; save nothing.")
@with_appcontext
def import_command(path: Path, dry_run: bool) -> None:
    """Import participants and cases from a CSV or XLSX list (all rows or none).

    Columns: given_name, family_name, national_id, birth_date, programme, track, unit (as shown
    in the app), worker (username), start_date, end_date, outcome (code), outcome_date,
    minority_language (yes/no), consent_date, consent_method (consent or statutory) and, for
    statutory, statutory_reference. Dates as YYYY-MM-DD or DD.MM.YYYY."""
    from caseapp.clock import local_now, now
    from caseapp.extensions import db
    from caseapp.imports.reader import UnreadableFile
    from caseapp.imports.services import check_file, import_rows

    try:
        rows, problems = check_file(db.session, path, local_now().date())
    except UnreadableFile as exc:
        raise click.ClickException(str(exc)) from None
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        db.session.rollback()
        raise click.ClickException(f"{len(problems)} problem(s); nothing was imported. "
                                   f"/ {len(problems)} feil; ingenting ble importert.")
    if dry_run:
        db.session.rollback()
        click.echo(f"{len(rows)} rows are ready to import. / {len(rows)} rader er klare.")
        return
    count = import_rows(db.session, rows, source=path, at=now())
    db.session.commit()
    click.echo(f"Imported {count} participants with cases. / Importerte {count} deltakere med saker.")


@cli.command("run", with_appcontext=False)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=None, type=int, help="Default: gunicorn.conf.py (one per core).")
@click.option("--config", "config_file", default=None, type=click.Path(dir_okay=False),
              help="gunicorn settings file (default: gunicorn.conf.py beside the package).")
def run_command(host: str, port: int, workers: int | None, config_file: str | None) -> None:
    """Serve the app with gunicorn (settings from gunicorn.conf.py)."""
    import runpy

    from gunicorn.app.base import BaseApplication

    from caseapp import PROJECT_DIR

    app = _create_app()
    if not app.config["SESSION_COOKIE_SECURE"]:
        click.echo("Note: Secure cookies are OFF (CASEAPP_SESSION_COOKIE_SECURE=false) for "
                   "plain http on this machine. Never run like this on a network.")
    path = Path(config_file) if config_file else PROJECT_DIR / "gunicorn.conf.py"
    settings = {"workers": 2, "accesslog": None}
    if path.exists():
        settings.update({k: v for k, v in runpy.run_path(str(path)).items()
                         if not k.startswith("_")})

    class Server(BaseApplication):
        def load_config(self):
            for key, value in settings.items():
                if key in self.cfg.settings and value is not None:
                    self.cfg.set(key, value)
            self.cfg.set("bind", f"{host}:{port}")
            if workers:
                self.cfg.set("workers", workers)

        def load(self):
            return create_app()

    click.echo(f"caseapp is running at http://{host}:{port}/")
    Server().run()


@cli.group("consent")
def consent_group() -> None:
    """Consent records."""


@consent_group.command("expire")
@with_appcontext
def consent_expire_command() -> None:
    """Record an expiry event for every consent whose end date has passed (run daily)."""
    from caseapp.extensions import db
    from consent.services import record_expiries

    expired = record_expiries(db.session)
    db.session.commit()
    click.echo(f"{len(expired)} consent(s) expired.")


@cli.group("keys")
def keys_group() -> None:
    """Key-encryption keys, data keys and crypto-shredding."""


@keys_group.command("status")
@with_appcontext
def keys_status_command() -> None:
    """Show how many data keys each key-encryption key wraps."""
    from caseapp.crypto import keyring

    rows, erased = keyring.store().status()
    for row in rows:
        state = "active" if row["active"] else ("retired" if row["retired_at"] else "old")
        click.echo(f"{row['kek_id']:<20} {state:<8} wraps {row['deks']} data keys")
    click.echo(f"Erased (crypto-shredded) key owners: {erased}")


@keys_group.command("rotate")
@click.option("--to", "to", default=None, help="Use this KEK (from CASEAPP_KEKS) as the new one.")
@click.option("--batch", default=200, show_default=True, type=int)
@with_appcontext
def keys_rotate_command(to: str | None, batch: int) -> None:
    """Make a new key-encryption key and re-wrap every data key under it (resumable)."""
    from caseapp.crypto import keyring
    from caseapp.crypto.keystore import rotate

    store = keyring.store()
    with click.progressbar(length=max(store.pending(store.active_kek()), 1),
                           label="Re-wrapping data keys") as bar:
        state = {"done": 0}

        def progress(done: int, total: int) -> None:
            bar.length = max(total, 1)
            bar.update(done - state["done"])
            state["done"] = done

        try:
            active, done, retired = rotate(store, to=to, batch=batch, progress=progress)
        except ConfigError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"Active key-encryption key: {active}; re-wrapped {done} data keys.")
    for kek_id in retired:
        click.echo(f"Retired {kek_id} (no data key uses it any more).")


@keys_group.command("shred")
@click.argument("participant_id", type=click.UUID)
@click.option("--grounds", default="erasure_decision", show_default=True,
              help="The basis recorded in the audit log (a code, not free text).")
@click.confirmation_option(prompt="Erase this participant's data key for good?")
@with_appcontext
def keys_shred_command(participant_id, grounds: str) -> None:
    """Crypto-shred one participant: their encrypted data becomes unreadable everywhere."""
    from caseapp.crypto.services import shred_participant
    from caseapp.extensions import db

    erased = shred_participant(db.session, None, participant_id, grounds)
    db.session.commit()
    click.echo(f"Erased {erased} data key(s) of participant {participant_id}.")


@keys_group.command("reindex")
@with_appcontext
def keys_reindex_command() -> None:
    """Rebuild the blind indexes (after changing the index key or iterations)."""
    from caseapp.crypto.services import reindex_participants
    from caseapp.extensions import db

    count = reindex_participants(db.session)
    db.session.commit()
    click.echo(f"Re-indexed {count} participants.")
def _register_area_commands() -> None:
    from audit.cli import audit_cli, export_subject_command, retention_cli

    cli.add_command(audit_cli)
    cli.add_command(retention_cli)
    cli.add_command(export_subject_command)
    from caseapp.backup.cli import (backup_command, keys_backup_command, keys_restore_command,
                                    restore_command)

    cli.add_command(backup_command)
    cli.add_command(restore_command)
    keys_group.add_command(keys_backup_command)
    keys_group.add_command(keys_restore_command)
    from caseapp.reports.cli import report_command, research_extract_command

    cli.add_command(report_command)
    cli.add_command(research_extract_command)


_register_area_commands()


def main() -> None:
    cli(prog_name="caseapp")


@cli.group("caseload")
def caseload_group() -> None:
    """The coordinators' caseload dashboard."""


@caseload_group.command("reindex-goals")
@with_appcontext
def caseload_reindex_goals_command() -> None:
    """Rebuild the plain deadlines of open plan goals from each plan's current version (once,
    after upgrading to migration 0007_dash)."""
    from caseapp.caseload.models import reindex_deadlines
    from caseapp.extensions import db

    count = reindex_deadlines(db.session)
    db.session.commit()
    click.echo(f"{count} plan(s) indexed.")
@cli.command("bench-data")
@click.option("--participants", "-n", required=True, type=click.IntRange(1), help="How many.")
@click.option("--seed", default=2026, show_default=True, help="Same seed, same data.")
@click.option("--batch", default=250, show_default=True, type=click.IntRange(1),
              help="Participants per flush and commit.")
@click.option("--cases-per-worker", default=47, show_default=True, type=click.IntRange(1),
              help="47 gives ~40 active cases each; the load test uses 20 (more accounts).")
@click.option("--jobs", "-j", default=0, type=click.IntRange(0),
              help="Processes writing at once (one per CPU on PostgreSQL; SQLite has one "
                   "writer, so 1 there). 0: choose.")
@with_appcontext
def bench_data_command(participants: int, seed: int, batch: int, cases_per_worker: int,
                       jobs: int) -> None:
    """Fill an empty database with N synthetic participants for the benchmarks (benchmarks/)."""
    import os
    import time

    from caseapp.demo.bench import BenchDataExists, generate, write_info
    from caseapp.extensions import db

    if db.engine.dialect.name == "sqlite":
        jobs = 1
    elif jobs == 0:
        jobs = os.cpu_count() or 1
    started = time.perf_counter()
    with click.progressbar(length=participants, label="Participants") as bar:
        try:
            info = generate(db.session, participants, seed=seed, batch=batch,
                            progress=bar.update, commit=db.session.commit,
                            cases_per_worker=cases_per_worker, jobs=jobs,
                            instance_path=current_app.instance_path)
        except BenchDataExists:
            raise click.ClickException("The database already holds data; use an empty one.") from None
        except RuntimeError as error:  # a parallel job failed (its traceback is above)
            raise click.ClickException(str(error)) from None
    seconds = time.perf_counter() - started
    info.update(seed=seed, seconds=round(seconds, 1), jobs=jobs)
    path = write_info(current_app.instance_path, info)
    rows = info["participants"] + info["sessions"] * 2 + info["audit_events"]
    click.echo(f"{info['participants']} participants, {info['sessions']} sessions, "
               f"{info['audit_events']} audit events in {seconds:.0f} s "
               f"(~{rows / seconds:.0f} main rows/s); logins in {path}.")
