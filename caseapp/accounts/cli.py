"""Creating staff accounts from the command line."""
from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext


@click.command("create-user")
@click.option("--username", required=True)
@click.option("--name", "display_name", help="Full name (defaults to the username).")
@click.option("--role", "roles", multiple=True, required=True,
              type=click.Choice(["youth_mentor", "work_leader", "coordinator",
                                 "privacy_officer", "admin"]))
@click.option("--unit", "unit_names", multiple=True, help='Unit as shown, e.g. "Nav Kristiansand".')
@click.option("--email", help="Work e-mail (notices; may link the organisation's sign-in).")
@click.option("--work-phone", help="Work phone, shown on plan PDFs.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--password-final", is_flag=True,
              help="The password is the user's own: do not ask for a new one at first login.")
@with_appcontext
def create_user_command(username, display_name, roles, unit_names, email, work_phone,
                        password_stdin, password_final) -> None:
    """Create a staff account; the user sets up TOTP at first login and, unless
    --password-final, replaces the password given here (as after an administrator's)."""
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
                           roles=list(roles), units=units, password=password, email=email,
                           work_phone=work_phone, password_change_required=not password_final)
    except AccountError as exc:
        raise click.ClickException("; ".join(exc.messages)) from None
    db.session.commit()
    click.echo(f"Created user {user.username}; two-factor login is set up at first login"
               + ("." if password_final else ", and the password is replaced then."))


def register(cli: click.Group) -> None:
    """Add this area's commands to the ``caseapp`` console script."""
    cli.add_command(create_user_command)
