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
from caseapp.units.models import Unit
from roles.definitions import Role

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,78}[a-z0-9]$")


class AccountError(ValueError):
    """A request to create or change an account was refused; ``messages`` say why."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


def normalise_username(username: str) -> str:
    return username.strip().lower()


def find_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == normalise_username(username)))


def get_user(session: Session, user_id: uuid.UUID) -> User | None:
    return session.get(User, user_id)


def create_user(session: Session, *, username: str, display_name: str, roles: list[str],
                units: list[Unit], password: str, totp_secret: str | None = None,
                actor=None) -> User:
    """Create an account. A ``totp_secret`` enrols the second factor now (demo, import);
    without it the user is asked to enrol at first login."""
    from flask_babel import gettext as _

    username = normalise_username(username)
    problems: list[str] = []
    if not USERNAME_RE.match(username):
        problems.append(_("The username must be 3–80 characters: lowercase letters, digits, "
                          "dot, dash or underscore."))
    elif find_user(session, username) is not None:
        problems.append(_("The username is already taken."))
    try:
        role_values = sorted({Role(role).value for role in roles})
    except ValueError:
        role_values = []
        problems.append(_("Unknown role."))
    if not role_values and not problems:
        problems.append(_("Choose at least one role."))
    display_name = " ".join(display_name.split())
    if not display_name:
        problems.append(_("The name is required."))
    problems += password_problems(password, [username, display_name])
    if problems:
        raise AccountError(problems)
    user = User(username=username, display_name=display_name,
                password_hash=hash_password(password), units=list(units),
                role_grants=[RoleGrant(role=role) for role in role_values])
    if totp_secret:
        user.totp_secret = totp_secret
        user.totp_enrolled_at = now()
    session.add(user)
    session.flush()
    audit.record("user.create", actor=actor, object_type="user", object_id=user.id,
                 details={"roles": role_values, "units": [str(u.id) for u in units]},
                 grounds="administration", session=session)
    return user


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
