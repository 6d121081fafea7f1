from __future__ import annotations

import uuid
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from caseapp.clock import now
from caseapp.crypto.fields import EncryptedText
from caseapp.extensions import db
from caseapp.units.models import Unit
from roles.definitions import Role


class RoleGrant(db.Model):
    __tablename__ = "role_grants"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(30), primary_key=True)


class Membership(db.Model):
    __tablename__ = "memberships"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), primary_key=True)
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("units.id"), primary_key=True)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __encryption_owner__ = "system"  # staff secrets: the system data key (caseapp.crypto)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    # Work contact details (staff, not young people: plain). The e-mail is entered by an
    # administrator (it may identify the account to the organisation's identity provider and
    # receives digests); the work phone the user keeps up to date on their profile page.
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    work_phone: Mapped[str | None] = mapped_column(String(40))
    # The stable identifier the organisation's identity provider gives this person (Entra ID's
    # `oid`, or `sub`), linked at the first sign-in through it (caseapp/oidc/staff.py).
    oidc_subject: Mapped[str | None] = mapped_column(String(255), unique=True, index=True)
    # The e-mail digest (caseapp/jobs/mail.py): never, daily or weekly; in bokmål or English.
    digest_frequency: Mapped[str] = mapped_column(String(10), default="weekly",
                                                  server_default="weekly")
    digest_language: Mapped[str] = mapped_column(String(5), default="nb", server_default="nb")
    password_hash: Mapped[str] = mapped_column(String(255))
    # A first password set by an administrator: the user must choose their own at the next
    # login with password and code (not when signing in through the organisation's provider).
    password_change_required: Mapped[bool] = mapped_column(default=False, server_default=false())
    # Deferred: read at login only, so loading the user on every request needs no key-store
    # query or decryption for it.
    totp_secret: Mapped[str | None] = mapped_column(EncryptedText("users.totp_secret"), deferred=True)
    totp_enrolled_at: Mapped[datetime | None]
    totp_last_step: Mapped[int | None]
    active: Mapped[bool] = mapped_column(default=True)
    deactivated_at: Mapped[datetime | None]
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=now)

    role_grants: Mapped[list[RoleGrant]] = relationship(
        lazy="selectin", cascade="all, delete-orphan")
    units: Mapped[list[Unit]] = relationship(secondary="memberships", lazy="selectin")

    # Flask-Login
    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.active

    def get_id(self) -> str:
        return str(self.id)

    @property
    def role_set(self) -> set[Role]:
        return {Role(grant.role) for grant in self.role_grants}

    @property
    def unit_ids(self) -> set[uuid.UUID]:
        return {unit.id for unit in self.units}

    def has_role(self, role: Role) -> bool:
        return role in self.role_set

    @property
    def totp_enrolled(self) -> bool:
        return self.totp_enrolled_at is not None
