"""Matching a young person who signed in with the citizen provider to a participant: the
national ID from the provider's claim, looked up through the blind index (never a plaintext
lookup), at the required level of assurance. No match, a restricted or an erased person all
get the same neutral answer."""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from caseapp.oidc.client import OIDCError, Settings
from caseapp.participants.lookup import find_by_national_id
from caseapp.participants.models import Participant


def assurance_ok(claims: dict[str, Any], settings: Settings) -> bool:
    """``acr`` is the required level of assurance or a higher one (``acr_levels``, lowest first)."""
    levels = settings.options["acr_levels"]
    acr = claims.get("acr")
    return acr in levels and levels.index(acr) >= levels.index(settings.options["minimum_acr"])


def match(session: Session, claims: dict[str, Any], settings: Settings) -> Participant:
    if not assurance_ok(claims, settings):
        raise OIDCError("acr_too_low")
    pid = claims.get(settings.options["pid_claim"])
    if not isinstance(pid, str) or len(pid) != 11 or not pid.isdigit():
        raise OIDCError("no_pid")
    try:
        participant = find_by_national_id(session, pid)  # restricted persons are not found
    except ValueError:  # not a valid national ID
        participant = None
    if participant is None or participant.erased:
        raise OIDCError("no_match")
    return participant
