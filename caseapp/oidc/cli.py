"""Linking a staff account to the organisation's sign-in."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("oidc-invite")
@click.option("--username", required=True)
@click.option("--base-url", default="https://127.0.0.1:5000", show_default=True,
              help="The address staff use to reach caseapp.")
@with_appcontext
def oidc_invite_command(username: str, base_url: str) -> None:
    """Print an invitation link that links USERNAME's account to whoever signs in with the
    organisation's provider through it (once; valid 7 days). Send it to the person only."""
    import audit
    from caseapp.accounts.services import find_user
    from caseapp.extensions import db
    from caseapp.oidc.staff import invitation_token

    user = find_user(db.session, username)
    if user is None or not user.active:
        raise click.ClickException("No active account with that username.")
    if user.oidc_subject is not None:
        raise click.ClickException("The account is already linked to an organisation account.")
    audit.record("user.oidc_invite", actor=None, object_type="user", object_id=user.id,
                 grounds="administration")
    db.session.commit()
    token = invitation_token(current_app.secret_key, user)
    click.echo(f"{base_url.rstrip('/')}/login/oidc/invitation/{token}")


def register(cli: click.Group) -> None:
    """Add this area's commands to the ``caseapp`` console script."""
    cli.add_command(oidc_invite_command)
