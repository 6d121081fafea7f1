from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.extensions import db
from caseapp.login_sessions import TokenSession


class LoginSession(TokenSession, db.Model):
    """A server-side login session. The browser holds only a random token (in the signed
    session cookie); the database holds its SHA-256, so logout, deactivation and timeouts end
    the session for real, and a stolen database does not yield usable tokens."""

    __tablename__ = "login_sessions"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
