"""The young person's login session: a random token in its own cookie (``COOKIE``, path
``/meg``, HttpOnly, SameSite=Lax), its SHA-256 in ``portal_sessions``, shorter timeouts than
staff sessions. Staff views never read this cookie, and the staff session never opens it."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app, g, request
from sqlalchemy import select
from sqlalchemy.orm import Session

import audit
from caseapp.clock import now
from caseapp.extensions import db
from caseapp.login_sessions import hash_token, new_token
from caseapp.participants.models import Participant
from caseapp.portal.models import PortalSession

COOKIE = "caseapp_meg"
PATH = "/meg"


def start(session: Session, participant: Participant) -> str:
    token = new_token()
    at = now()
    session.add(PortalSession(token_hash=hash_token(token), participant_id=participant.id,
                              created_at=at, last_seen_at=at))
    session.flush()
    return token


def set_cookie(response, token: str):
    response.set_cookie(COOKIE, token, path=PATH, httponly=True, samesite="Lax",
                        secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


def clear_cookie(response):
    response.delete_cookie(COOKIE, path=PATH)
    return response


def _resolve(session: Session, token: str | None) -> PortalSession | None:
    if not token:
        return None
    login = session.scalar(select(PortalSession).where(PortalSession.token_hash == hash_token(token)))
    if login is None or login.ended_at is not None:
        return None
    config = current_app.config
    at = now()
    reason = login.timeout(
        at, absolute=timedelta(minutes=config["CASEAPP_PORTAL_ABSOLUTE_TIMEOUT_MINUTES"]),
        idle=timedelta(minutes=config["CASEAPP_PORTAL_IDLE_TIMEOUT_MINUTES"]))
    if reason is None and barred(session, login.participant_id):
        reason = "restricted_or_erased"
    if reason:
        login.end(at, reason)
        audit.record("portal.session_expired", actor=None, object_type="participant",
                     object_id=login.participant_id, subject_id=login.participant_id,
                     details={"reason": reason})
        session.commit()  # the request goes on without a session and may not commit
        return None
    login.last_seen_at = at
    return login


def barred(session: Session, participant_id) -> bool:
    """The person's processing is restricted, or they were erased, since they signed in."""
    from caseapp.privacy.erasure import Outcome, restricted_ids
    from caseapp.privacy.models import ErasureDecision

    restricted = restricted_ids().where(ErasureDecision.participant_id == participant_id)
    shredded = select(ErasureDecision.id).where(
        ErasureDecision.participant_id == participant_id,
        ErasureDecision.outcome == Outcome.CRYPTO_SHRED.value)
    return bool(session.scalar(select(restricted.exists() | shredded.exists())))


def current() -> PortalSession | None:
    """The young person's live session of this request (from the portal cookie), or None."""
    if "_portal_session" not in g:
        g._portal_session = _resolve(db.session, request.cookies.get(COOKIE))
    return g._portal_session


def end(session: Session, login: PortalSession, reason: str = "logout") -> None:
    login.end(now(), reason)
    session.flush()
