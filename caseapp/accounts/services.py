"""Creating, finding and deactivating staff accounts."""
from __future__ import annotations

import re
import uuid

from sqlalchemy import select, update
from sqlalchemy.orm import Session

import audit
from caseapp.accounts.models import RoleGrant, User
from caseapp.accounts.passwords import hash_password, password_problems
from caseapp.auth.models import LoginSession
from caseapp.clock import now
from caseapp.refusals import Refusal
from caseapp.units.models import Unit
from roles.definitions import Role

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,78}[a-z0-9]$")
PHONE_RE = re.compile(r"^\+?[0-9 ]{8,20}$")


class AccountError(Refusal):
    """A request to create or change an account was refused; ``messages`` say why."""


def normalise_username(username: str) -> str:
    return username.strip().lower()


def find_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == normalise_username(username)))


def get_user(session: Session, user_id: uuid.UUID) -> User | None:
    return session.get(User, user_id)


def normalise_email(email: str | None) -> str | None:
    """The address as stored and compared: trimmed and lowercased, or None when empty."""
    email = (email or "").strip().lower()
    return email or None


def normalise_phone(phone: str | None) -> str | None:
    phone = " ".join((phone or "").split())
    return phone or None


def find_user_by_email(session: Session, email: str) -> User | None:
    address = normalise_email(email)
    if address is None:
        return None
    return session.scalar(select(User).where(User.email == address))


def contact_problems(session: Session, email: str | None, work_phone: str | None,
                     user: User | None = None) -> list[str]:
    """What is wrong with a staff member's work e-mail and phone (already normalised)."""
    from email_validator import EmailNotValidError, validate_email
    from flask_babel import gettext as _

    problems: list[str] = []
    if email is not None:
        try:
            validate_email(email, check_deliverability=False)
        except EmailNotValidError:
            problems.append(_("Enter a valid e-mail address, like name@kommune.no."))
        else:
            other = find_user_by_email(session, email)
            if other is not None and other is not user:
                problems.append(_("The e-mail address belongs to another account."))
    if work_phone is not None and not PHONE_RE.match(work_phone):
        problems.append(_("Enter the work phone as 8 to 20 digits, like 12 34 56 78."))
    return problems


def _role_values(roles: list[str], problems: list[str]) -> list[str]:
    """The chosen roles as sorted codes; appends to ``problems`` when none or unknown."""
    from flask_babel import gettext as _

    try:
        values = sorted({Role(role).value for role in roles})
    except ValueError:
        problems.append(_("Unknown role."))
        return []
    if not values and not problems:
        problems.append(_("Choose at least one role."))
    return values


def create_user(session: Session, *, username: str, display_name: str, roles: list[str],
                units: list[Unit], password: str, totp_secret: str | None = None,
                email: str | None = None, work_phone: str | None = None,
                actor=None, password_change_required: bool = False) -> User:
    """Create an account. A ``totp_secret`` enrols the second factor now (demo, import);
    without it the user is asked to enrol at first login. ``password_change_required``: the
    password was chosen by an administrator, and the user replaces it at the first login."""
    from flask_babel import gettext as _

    username = normalise_username(username)
    email, work_phone = normalise_email(email), normalise_phone(work_phone)
    problems: list[str] = []
    if not USERNAME_RE.match(username):
        problems.append(_("The username must be 3–80 characters: lowercase letters, digits, "
                          "dot, dash or underscore."))
    elif find_user(session, username) is not None:
        problems.append(_("The username is already taken."))
    role_values = _role_values(roles, problems)
    display_name = " ".join(display_name.split())
    if not display_name:
        problems.append(_("The name is required."))
    problems += password_problems(password, [username, display_name])
    problems += contact_problems(session, email, work_phone)
    if problems:
        raise AccountError(problems)
    user = User(username=username, display_name=display_name, email=email, work_phone=work_phone,
                password_hash=hash_password(password), units=list(units),
                role_grants=[RoleGrant(role=role) for role in role_values],
                password_change_required=password_change_required)
    if totp_secret:
        user.totp_secret = totp_secret
        user.totp_enrolled_at = now()
    session.add(user)
    session.flush()
    audit.record("user.create", actor=actor, object_type="user", object_id=user.id,
                 details={"roles": role_values, "units": [str(u.id) for u in units]},
                 grounds="administration", session=session)
    return user


def update_user(session: Session, user: User, *, display_name: str, email: str | None,
                roles: list[str], units: list[Unit], actor) -> None:
    """An administrator's change of a user's name, work e-mail, roles and units (audited with
    what changed; roles and units as codes and ids)."""
    from flask_babel import gettext as _

    email = normalise_email(email)
    display_name = " ".join(display_name.split())
    problems: list[str] = []
    if not display_name:
        problems.append(_("The name is required."))
    role_values = _role_values(roles, problems)
    if user.id == getattr(actor, "id", None) and Role.ADMIN.value not in role_values:
        problems.append(_("You cannot take the administrator role from yourself."))
    problems += contact_problems(session, email, None, user)
    if problems:
        raise AccountError(problems)
    before_roles = sorted(g.role for g in user.role_grants)
    before_units = sorted(str(u.id) for u in user.units)
    after_units = sorted(str(u.id) for u in units)
    changed = [name for name, old, new in (
        ("display_name", user.display_name, display_name), ("email", user.email, email),
        ("roles", before_roles, role_values), ("units", before_units, after_units)) if old != new]
    if not changed:
        return
    user.display_name, user.email = display_name, email
    if before_roles != role_values:
        user.role_grants = [RoleGrant(role=role) for role in role_values]
    user.units = list(units)
    session.flush()
    details: dict = {"fields": changed}
    if "roles" in changed:
        details["roles"] = {"before": before_roles, "after": role_values}
    if "units" in changed:
        details["units"] = {"before": before_units, "after": after_units}
    audit.record("user.update", actor=actor, object_type="user", object_id=user.id,
                 details=details, grounds="administration", session=session)


def reset_second_factor(session: Session, user: User, actor) -> None:
    """Forget the user's authenticator: they set up a new one at their next login (a lost
    phone). Their login sessions end at once."""
    user.totp_secret = None
    user.totp_enrolled_at = None
    user.totp_last_step = None
    ended = end_login_sessions(session, user, "second_factor_reset")
    session.flush()
    audit.record("user.reset_totp", actor=actor, object_type="user", object_id=user.id,
                 details={"sessions_ended": ended}, grounds="administration", session=session)


def reactivate_user(session: Session, user: User, actor) -> None:
    """Let a deactivated user log in again (with their password and second factor)."""
    if user.active:
        return
    user.active = True
    user.deactivated_at = None
    user.failed_logins = 0
    user.locked_until = None
    session.flush()
    audit.record("user.reactivate", actor=actor, object_type="user", object_id=user.id,
                 grounds="administration", session=session)


def change_password(session: Session, user: User, password: str, repeated: str) -> None:
    """The user's own new password (at the first login after an administrator set one)."""
    from flask_babel import gettext as _

    from caseapp.accounts.passwords import verify_password

    problems = []
    if password != repeated:
        problems.append(_("The two passwords are not the same."))
    else:
        problems += password_problems(password, [user.username, user.display_name])
        if not problems and verify_password(user.password_hash, password)[0]:
            problems.append(_("Choose a password other than the one you were given."))
    if problems:
        raise AccountError(problems)
    user.password_hash = hash_password(password)
    user.password_change_required = False
    session.flush()
    audit.record("user.change_password", actor=user, object_type="user", object_id=user.id,
                 grounds="own_account", session=session)


def update_work_phone(session: Session, user: User, work_phone: str | None) -> None:
    """The user's own change of their work phone (shown on plan PDFs as how to reach them)."""
    work_phone = normalise_phone(work_phone)
    problems = contact_problems(session, None, work_phone, user)
    if problems:
        raise AccountError(problems)
    if work_phone == user.work_phone:
        return
    user.work_phone = work_phone
    session.flush()
    audit.record("user.update_contact", actor=user, object_type="user", object_id=user.id,
                 details={"fields": ["work_phone"]}, grounds="own_account", session=session)


def update_digest(session: Session, user: User, frequency: str, language: str) -> None:
    """The user's own choice of e-mail digest: how often (never, daily, weekly), which language."""
    from flask_babel import gettext as _

    from caseapp.jobs.mail import FREQUENCIES

    if frequency not in FREQUENCIES or language not in ("nb", "en"):
        raise AccountError([_("Choose how often and in which language.")])
    changed = [name for name, value in (("digest_frequency", frequency),
                                        ("digest_language", language))
               if getattr(user, name) != value]
    if not changed:
        return
    user.digest_frequency, user.digest_language = frequency, language
    session.flush()
    audit.record("user.update_contact", actor=user, object_type="user", object_id=user.id,
                 details={"fields": changed}, grounds="own_account", session=session)


def end_login_sessions(session: Session, user: User, reason: str) -> int:
    """End every open login session of ``user``; return how many were ended."""
    result = session.execute(
        update(LoginSession)
        .where(LoginSession.user_id == user.id, LoginSession.ended_at.is_(None))
        .values(ended_at=now(), end_reason=reason))
    return result.rowcount or 0


def deactivate_user(session: Session, user: User, actor=None) -> None:
    """Deactivate ``user``: their sessions end at once; their history stays."""
    if not user.active:
        return
    user.active = False
    user.deactivated_at = now()
    ended = end_login_sessions(session, user, "deactivated")
    session.flush()
    audit.record("user.deactivate", actor=actor, object_type="user", object_id=user.id,
                 grounds="administration", details={"sessions_ended": ended}, session=session)


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))
