"""Authentication: password step, second-factor step, lockout and login sessions.

Each function takes the database session, does its work and flushes; the request commits.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

import audit
from caseapp.accounts.models import User
from caseapp.accounts.passwords import dummy_verify, verify_password
from caseapp.accounts.services import find_user
from caseapp.auth import totp
from caseapp.auth.models import LoginSession
from caseapp.clock import now
from caseapp.login_sessions import hash_token, new_token


class Failure(StrEnum):
    BAD_CREDENTIALS = "bad_credentials"
    LOCKED = "locked"
    BAD_CODE = "bad_code"


@dataclass
class Attempt:
    user: User | None
    failure: Failure | None = None

    @property
    def ok(self) -> bool:
        return self.failure is None


def _is_locked(user: User) -> bool:
    return user.locked_until is not None and user.locked_until > now()


def _register_failure(user: User, action: str) -> Failure:
    """Count a failed step against the account; lock it at the threshold."""
    config = current_app.config
    user.failed_logins += 1
    audit.record(action, actor=None, object_type="user", object_id=user.id, outcome=audit.services.DENIED,
                 details={"failed_logins": user.failed_logins})
    if user.failed_logins >= config["CASEAPP_LOCKOUT_THRESHOLD"]:
        user.locked_until = now() + timedelta(minutes=config["CASEAPP_LOCKOUT_MINUTES"])
        user.failed_logins = 0
        audit.record("login.lockout", actor=None, object_type="user", object_id=user.id,
                     outcome=audit.services.DENIED,
                     details={"minutes": config["CASEAPP_LOCKOUT_MINUTES"]})
        return Failure.LOCKED
    return Failure.BAD_CREDENTIALS


def check_password(session: Session, username: str, password: str) -> Attempt:
    """First step. Unknown users, wrong passwords and inactive accounts look the same."""
    user = find_user(session, username)
    if user is None:
        dummy_verify()
        audit.record("login.failed", actor=None, outcome=audit.services.DENIED,
                     details={"reason": "unknown_user"})
        return Attempt(None, Failure.BAD_CREDENTIALS)
    if _is_locked(user):
        audit.record("login.refused_locked", actor=None, object_type="user", object_id=user.id,
                     outcome=audit.services.DENIED)
        return Attempt(None, Failure.LOCKED)
    ok, new_hash = verify_password(user.password_hash, password)
    if not ok:
        return Attempt(None, _register_failure(user, "login.failed"))
    if not user.active:
        audit.record("login.failed", actor=None, object_type="user", object_id=user.id,
                     outcome=audit.services.DENIED, details={"reason": "inactive"})
        return Attempt(None, Failure.BAD_CREDENTIALS)
    if new_hash:
        user.password_hash = new_hash
    session.flush()
    return Attempt(user)


def check_code(session: Session, user: User, code: str) -> Attempt:
    """Second step: a TOTP code not used before, while the account is not locked."""
    if not user.active:
        return Attempt(None, Failure.BAD_CREDENTIALS)
    if _is_locked(user):
        audit.record("login.refused_locked", actor=None, object_type="user", object_id=user.id,
                     outcome=audit.services.DENIED)
        return Attempt(None, Failure.LOCKED)
    step = totp.matching_step(user.totp_secret or "", code, now(), user.totp_last_step)
    if step is None:
        failure = _register_failure(user, "login.totp_failed")
        return Attempt(None, Failure.LOCKED if failure == Failure.LOCKED else Failure.BAD_CODE)
    user.totp_last_step = step
    if not user.totp_enrolled:
        user.totp_enrolled_at = now()
        audit.record("totp.enrolled", actor=user, object_type="user", object_id=user.id)
    session.flush()
    return Attempt(user)


def begin_enrolment(session: Session, user: User) -> str:
    """Give a not-yet-enrolled user a fresh secret (any earlier QR code stops working)."""
    if user.totp_enrolled:
        raise ValueError("user already has a second factor")
    user.totp_secret = totp.new_secret()
    user.totp_last_step = None
    session.flush()
    return user.totp_secret


def start_login_session(session: Session, user: User, method: str = "password") -> str:
    """Both factors passed: open a login session and return its token for the cookie.
    ``method``: "password" (password and TOTP) or "oidc" (the organisation's provider)."""
    token = new_token()
    at = now()
    session.add(LoginSession(token_hash=hash_token(token), user_id=user.id,
                             created_at=at, last_seen_at=at))
    user.failed_logins = 0
    user.locked_until = None
    audit.record("login.success", actor=user, object_type="user", object_id=user.id,
                 details={"method": method} if method != "password" else None)
    session.flush()
    return token


def resolve_login_session(session: Session, token: str | None, user_id: str | None) -> User | None:
    """The user of a live login session, or None. Ends sessions that have timed out."""
    if not token or not user_id:
        return None
    # The login session and its user in one query (the user's roles and units follow, as
    # whenever a user is loaded).
    found = session.execute(select(LoginSession, User)
                            .outerjoin(User, User.id == LoginSession.user_id)
                            .where(LoginSession.token_hash == hash_token(token))).first()
    login = found[0] if found else None
    if login is None or login.ended_at is not None or str(login.user_id) != user_id:
        return None
    config = current_app.config
    at = now()
    reason = login.timeout(at, absolute=timedelta(hours=config["CASEAPP_ABSOLUTE_TIMEOUT_HOURS"]),
                           idle=timedelta(minutes=config["CASEAPP_IDLE_TIMEOUT_MINUTES"]))
    user = found[1]
    if reason is None and (user is None or not user.active):
        reason = "deactivated"
    if reason:
        login.end(at, reason)
        audit.record("session.expired", actor=None, object_type="user", object_id=login.user_id,
                     details={"reason": reason})
        session.commit()  # the request goes on as anonymous and may not commit
        return None
    login.last_seen_at = at
    return user


def end_login_session(session: Session, token: str | None, reason: str = "logout") -> None:
    if not token:
        return
    login = session.scalar(select(LoginSession).where(LoginSession.token_hash == hash_token(token)))
    if login is not None and login.ended_at is None:
        login.end(now(), reason)
        session.flush()


def pending_user(session: Session, user_id: str | None, started: str | None) -> User | None:
    """The user who passed the password step within the allowed minutes, or None."""
    if not user_id or not started:
        return None
    try:
        started_at = float(started)
        uid = uuid.UUID(user_id)
    except ValueError:
        return None
    limit = current_app.config["CASEAPP_PENDING_LOGIN_MINUTES"] * 60
    if now().timestamp() - started_at > limit:
        return None
    user = session.get(User, uid)
    return user if user is not None and user.active else None
