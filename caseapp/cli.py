"""The ``caseapp`` console script: Flask's CLI plus one group of commands per area.

Commands are thin: they parse options and call services, which do the work.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import FlaskGroup

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
        from consent.notice_texts import VERSION, ensure_default_texts

        if ensure_default_texts(db.session):
            click.echo(f"Stored the default consent information texts (version {VERSION}).")
        db.session.commit()
        if created:  # key operations belong in the audit log (names only, never key material)
            import audit

            for name in created:
                audit.record("key.create", actor=None, object_type="key", object_id=name)
            db.session.commit()
    click.echo(f"Instance {folder} is ready.")


@cli.command("run", with_appcontext=False)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=None, type=int, help="Default: gunicorn.conf.py (one per core).")
@click.option("--config", "config_file", default=None, type=click.Path(dir_okay=False),
              help="gunicorn settings file (default: gunicorn.conf.py beside the package).")
@click.option("--with-worker", is_flag=True,
              help="Also start `caseapp worker` (scheduled duties), stopped with the server.")
def run_command(host: str, port: int, workers: int | None, config_file: str | None,
                with_worker: bool) -> None:
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
    if not with_worker:
        Server().run()
        return
    from caseapp.jobs.worker import spawn_worker_process

    worker = spawn_worker_process()
    try:
        Server().run()
    finally:
        worker.terminate()
        worker.wait(15)


@cli.command("worker", with_appcontext=False)
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@click.option("--no-cron", is_flag=True, help="Run jobs only; no cron scheduler in this process.")
def worker_command(burst: bool, no_cron: bool) -> None:
    """Run scheduled duties: an RQ worker and RQ's cron scheduler (Redis: CASEAPP_REDIS_URL)."""
    from caseapp.jobs.worker import work

    if not work(_create_app(), burst=burst, cron=not no_cron) and not burst:
        sys.exit(1)


def _register_area_commands() -> None:
    """Each area's commands live in its own ``cli`` module; this adds them to the script."""
    from audit import cli as audit_cli
    from caseapp.accounts import cli as accounts_cli
    from caseapp.caseload import cli as caseload_cli
    from caseapp.crypto import cli as crypto_cli
    from caseapp.demo import cli as demo_cli
    from caseapp.imports import cli as imports_cli
    from caseapp.oidc import cli as oidc_cli
    from caseapp.privacy import cli as privacy_cli
    from caseapp.units import cli as units_cli
    from consent import cli as consent_cli

    for area in (demo_cli, oidc_cli, units_cli, accounts_cli, imports_cli, consent_cli,
                 crypto_cli, caseload_cli, audit_cli, privacy_cli):
        area.register(cli)
    from caseapp.backup.cli import (backup_command, keys_backup_command, keys_restore_command,
                                    restore_command)

    cli.add_command(backup_command)
    cli.add_command(restore_command)
    crypto_cli.keys_group.add_command(keys_backup_command)
    crypto_cli.keys_group.add_command(keys_restore_command)
    from caseapp.reports.cli import report_command, research_extract_command

    cli.add_command(report_command)
    cli.add_command(research_extract_command)


_register_area_commands()


def main() -> None:
    cli(prog_name="caseapp")
