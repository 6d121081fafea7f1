"""The local OpenID provider of the demo (`make run`): a configuration for
tools/oidc_provider/server.mjs holding the demo staff (each with and without MFA) and a few
demo young people (their synthetic national IDs), and the matching relying-party settings."""
from __future__ import annotations

import json
import os
import secrets
import uuid
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

import audit
from audit.models import AuditEvent
from caseapp.accounts.models import User
from caseapp.cases.models import Case
from caseapp.participants.models import Participant

YOUNG_PEOPLE = 3
NO_MFA_SUFFIX = ".uten-mfa"
YOUNG_PASSWORD = "demo-ung-2026"


def build(session: Session, logins: list[dict], app_url: str, port: int) -> tuple[dict, dict, list]:
    """(provider configuration, relying-party settings, lines to print)."""
    issuer = f"http://127.0.0.1:{port}"
    staff_secret, citizen_secret = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    accounts, lines = {}, []
    emails = dict(session.execute(select(User.username, User.email)).all())
    for login in logins:
        username = login["username"]
        claims = {"oid": f"demo-oid-{username}", "email": emails.get(username),
                  "email_verified": True, "name": username}
        accounts[username] = {"password": login["password"], "amr": ["pwd", "mfa"],
                              "claims": claims}
        accounts[username + NO_MFA_SUFFIX] = {"password": login["password"], "amr": ["pwd"],
                                              "claims": claims}
    lines.append(f"Organisation account (local provider {issuer}): the demo usernames and "
                 f"passwords above; '<username>{NO_MFA_SUFFIX}' has no MFA and is refused.")
    people = young_people(session)
    for number, person in enumerate(people, 1):
        accounts[f"ung{number}"] = {"password": YOUNG_PASSWORD, "amr": ["TestID"],
                                    "acr": "idporten-loa-substantial",
                                    "claims": {"pid": person.national_id}}
        audit.record("demo.provider_account", actor=None, object_type="participant",
                     object_id=person.id, subject_id=person.id, categories=["national_id"],
                     grounds="demo", session=session)
    if people:
        lines.append(f"Young people at {app_url}/meg: ung1 … ung{len(people)}, password "
                     f"{YOUNG_PASSWORD} (synthetic national IDs from the demo data).")
    bases = sorted({app_url.rstrip("/"), app_url.rstrip("/").replace("127.0.0.1", "localhost")})
    clients = [
        {"client_id": "caseapp-staff", "client_secret": staff_secret,
         "redirect_uris": [f"{b}/login/oidc/callback" for b in bases],
         "post_logout_redirect_uris": [f"{b}/login" for b in bases],
         "token_endpoint_auth_method": "client_secret_basic",
         "response_types": ["code"], "grant_types": ["authorization_code"]},
        {"client_id": "caseapp-citizen", "client_secret": citizen_secret,
         "redirect_uris": [f"{b}/meg/login/callback" for b in bases],
         "post_logout_redirect_uris": [f"{b}/meg/logged-out" for b in bases],
         "token_endpoint_auth_method": "client_secret_basic",
         "response_types": ["code"], "grant_types": ["authorization_code"]},
    ]
    provider = {"issuer": issuer, "port": port, "clients": clients, "accounts": accounts}
    relying_party = {
        "staff": {"issuer": issuer, "client_id": "caseapp-staff", "client_secret": staff_secret,
                  "subject_claim": "oid"},
        "citizen": {"issuer": issuer, "client_id": "caseapp-citizen",
                    "client_secret": citizen_secret},
    }
    return provider, relying_party, lines


def young_people(session: Session) -> list[Participant]:
    """The demo's young people who can sign in (``caseapp.demo.portal``, named in the
    ``demo.load`` event), else the first ``YOUNG_PEOPLE`` with an active case."""
    details = session.scalar(select(AuditEvent.details).where(AuditEvent.action == "demo.load")
                             .order_by(AuditEvent.seq.desc()).limit(1)) or {}
    chosen = [session.get(Participant, uuid.UUID(i)) for i in details.get("young_people", [])]
    if chosen:
        return [p for p in chosen if p is not None]
    return list(session.scalars(select(Participant).join(Case, Case.participant_id == Participant.id)
                                .where(Case.status == "active")
                                .order_by(Participant.created_at, Participant.id)
                                .limit(YOUNG_PEOPLE)))


def write_private(path: Path, data: dict) -> None:
    """Owner-only: the file holds the demo passwords and client secrets."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False, indent=2)
