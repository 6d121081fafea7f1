from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.extensions import db
from caseapp.login_sessions import TokenSession


class PortalSession(TokenSession, db.Model):
    """A young person's login session (caseapp/portal/sessions.py). Like a staff login
    session the browser holds only a random token (its own cookie, path /meg) and the database
    its SHA-256; it is never a staff session and carries no staff permission."""

    __tablename__ = "portal_sessions"

    participant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("participants.id"), index=True)
