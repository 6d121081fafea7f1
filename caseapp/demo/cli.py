"""The demo dataset, its local OpenID provider and the benchmarks' synthetic data."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("demo")
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


@click.command("demo-provider")
@click.option("--out", required=True, type=click.Path(dir_okay=False),
              help="Where to write the provider's configuration (tools/oidc_provider/server.mjs).")
@click.option("--app-url", default="http://127.0.0.1:5000", show_default=True)
@click.option("--port", default=9400, show_default=True, help="The provider's port.")
@with_appcontext
def demo_provider_command(out: str, app_url: str, port: int) -> None:
    """The demo's local OpenID provider: write its configuration (demo staff with and without
    MFA, a few demo young people) and print the matching CASEAPP_OIDC_PROVIDERS (JSON)."""
    import json

    from caseapp.demo.generate import read_logins
    from caseapp.extensions import db
    from caseapp.oidc import demo

    logins = read_logins(current_app.instance_path)
    if not logins:
        raise click.ClickException("Only for the demo: run `caseapp demo` first.")
    provider, relying_party, lines = demo.build(db.session, logins, app_url, port)
    demo.write_private(Path(out), provider)
    db.session.commit()
    for line in lines:
        click.echo(line, err=True)
    click.echo(json.dumps(relying_party))


@click.command("bench-data")
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


@click.command("demo-reset")
def demo_reset_command() -> None:
    """Set the demo's data aside so the next `caseapp init` and `caseapp demo` load it dated
    today (stop the server first; keys stay, old files go to instance/previous/)."""
    from caseapp import instance_path
    from caseapp.clock import now
    from caseapp.demo.reset import ResetRefused, set_aside

    try:
        folder = set_aside(instance_path(), now())
    except ResetRefused as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"The demo's data was moved to {folder}; `make run` loads it again, dated today.")


def register(cli: click.Group) -> None:
    """Add this area's commands to the ``caseapp`` console script."""
    cli.add_command(demo_command)
    cli.add_command(demo_reset_command)
    cli.add_command(demo_provider_command)
    cli.add_command(bench_data_command)
