"""What a staff login session (``caseapp/auth``) and the young person's session on My pages
(``caseapp/portal``) share: the browser holds a random token, the database only its SHA-256,
and a session ends at an absolute or an idle timeout. Each side keeps its own table, owner,
cookie, timeouts and audit actions."""
from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import datetime, timedelta

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column


def new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


class TokenSession:
    """The columns of a login session table but its owner's foreign key (the table's own;
    ``sort_order`` keeps it between ``token_hash`` and ``created_at``, as the migrations made
    the tables), and the timeout rule."""

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4, sort_order=-1)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, sort_order=-1)
    created_at: Mapped[datetime] = mapped_column(sort_order=1)
    last_seen_at: Mapped[datetime] = mapped_column(sort_order=1)
    ended_at: Mapped[datetime | None] = mapped_column(sort_order=1)
    end_reason: Mapped[str | None] = mapped_column(String(30), sort_order=1)

    def timeout(self, at: datetime, *, absolute: timedelta, idle: timedelta) -> str | None:
        """Why the session is over at ``at`` ("absolute_timeout", "idle_timeout"), or None."""
        if at - self.created_at > absolute:
            return "absolute_timeout"
        if at - self.last_seen_at > idle:
            return "idle_timeout"
        return None

    def end(self, at: datetime, reason: str) -> None:
        self.ended_at, self.end_reason = at, reason
