"""Staff sign-in through the organisation's provider: the provider authenticates, caseapp
authorises. A sign-in matches an existing account by the provider's stable subject claim; the
first time, by the work e-mail an administrator entered on the account (only when the provider
says the address is verified). Accounts and roles are never created from claims."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import audit
from caseapp.accounts.models import User
from caseapp.accounts.services import find_user_by_email
from caseapp.oidc.client import OIDCError, Settings


def has_mfa(claims: dict[str, Any], settings: Settings) -> bool:
    """The provider asserted a second factor: ``amr`` holds "mfa", or ``acr`` is one of the
    configured values."""
    amr = claims.get("amr")
    if isinstance(amr, list) and "mfa" in amr:
        return True
    return claims.get("acr") in settings.options["mfa_acr_values"]


def _subject(claims: dict[str, Any], settings: Settings) -> str:
    subject = claims.get(settings.options["subject_claim"])
    if not isinstance(subject, str) or not subject or len(subject) > 255:
        raise OIDCError("no_subject")
    return subject


def find_account(session: Session, claims: dict[str, Any], settings: Settings) -> User | None:
    """The account linked to the subject, else the one whose administrator-entered e-mail the
    provider vouches for (not yet linked to another subject), else None."""
    subject = _subject(claims, settings)
    user = session.scalar(select(User).where(User.oidc_subject == subject))
    if user is not None:
        return user
    options = settings.options
    email = claims.get(options["email_claim"])
    if not isinstance(email, str):
        return None
    if options["email_must_be_verified"] and claims.get("email_verified") is not True:
        return None
    user = find_user_by_email(session, email)
    if user is None or user.oidc_subject is not None:
        return None
    return user


INVITATION_SALT = "caseapp.oidc.invitation"
INVITATION_DAYS = 7


def invitation_token(secret_key: bytes, user: User) -> str:
    """A signed invitation (``caseapp oidc-invite``) to link ``user`` at their first sign-in
    through the provider; it works until it is used (the account is then linked) or for
    ``INVITATION_DAYS``."""
    from itsdangerous import URLSafeTimedSerializer

    return URLSafeTimedSerializer(secret_key, salt=INVITATION_SALT).dumps(str(user.id))


def invited_user_id(secret_key: bytes, token: str) -> str | None:
    from itsdangerous import BadSignature, URLSafeTimedSerializer

    try:
        return URLSafeTimedSerializer(secret_key, salt=INVITATION_SALT).loads(
            token, max_age=INVITATION_DAYS * 86400)
    except BadSignature:
        return None


def invited_account(session: Session, user_id: str | None, claims: dict[str, Any],
                    settings: Settings) -> User | None:
    """The invited account, when it is not linked yet and no account has this subject."""
    import uuid

    if not user_id:
        return None
    _subject(claims, settings)
    user = session.get(User, uuid.UUID(user_id))
    return user if user is not None and user.oidc_subject is None else None


def link(session: Session, user: User, claims: dict[str, Any], settings: Settings,
         by: str = "verified_email") -> None:
    """Remember the subject on the account (first sign-in through the provider)."""
    if user.oidc_subject is not None:
        return
    user.oidc_subject = _subject(claims, settings)
    session.flush()
    audit.record("user.oidc_linked", actor=user, object_type="user", object_id=user.id,
                 grounds="own_account", details={"by": by}, session=session)
