"""Granting, checking and reviewing break-glass access."""
from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import case as sql_case
from sqlalchemy import select
from sqlalchemy.orm import Session

import audit
from caseapp.accounts.models import User
from caseapp.breakglass.models import BreakGlassAccess, Review
from caseapp.cases.models import Case
from caseapp.clock import now
from caseapp.refusals import Refusal

GROUNDS = "break_glass"
MIN_REASON = 20


class BreakGlassError(Refusal):
    """The request or review could not be recorded; ``messages`` say why (translated)."""


def check_reason(reason: str | None) -> str:
    """The stripped reason; ``BreakGlassError`` when it is too short."""
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise BreakGlassError([_("Describe why you need access now, in at least %(num)d "
                                 "characters.", num=MIN_REASON)])
    return reason


def open_with_reason(session: Session, actor: User, case: Case, reason: str,
                     minutes: int) -> BreakGlassAccess:
    """Give ``actor`` access to ``case`` for ``minutes``, on a written reason; audited."""
    reason = check_reason(reason)
    at = now()
    access = BreakGlassAccess(user_id=actor.id, case_id=case.id, participant_id=case.participant_id,
                              reason=reason, granted_at=at, expires_at=at + timedelta(minutes=minutes))
    session.add(access)
    session.flush()
    audit.record("break_glass.open", actor=actor, object_type="case", object_id=case.id,
                 subject_id=case.participant_id, grounds=GROUNDS,
                 details={"break_glass_id": str(access.id), "minutes": minutes})
    return access


def active_access(session: Session, user: User, case: Case) -> BreakGlassAccess | None:
    """The user's break-glass access to ``case`` that has not yet expired, if any."""
    return session.scalars(
        select(BreakGlassAccess).where(BreakGlassAccess.user_id == user.id,
                                       BreakGlassAccess.case_id == case.id,
                                       BreakGlassAccess.expires_at > now())
        .order_by(BreakGlassAccess.expires_at.desc()).limit(1)).first()


def review_list(session: Session) -> list[BreakGlassAccess]:
    """Every break-glass access: the ones not reviewed first, newest first."""
    pending_first = sql_case((BreakGlassAccess.review == Review.PENDING.value, 0), else_=1)
    return list(session.scalars(select(BreakGlassAccess)
                                .order_by(pending_first, BreakGlassAccess.granted_at.desc())))


def open_for_review(session: Session, actor: User, access: BreakGlassAccess) -> BreakGlassAccess:
    """The privacy officer reads the written reason: that is recorded like any other view."""
    audit.record("break_glass.reason_view", actor=actor, object_type="break_glass",
                 object_id=access.id, subject_id=access.participant_id,
                 categories=["break_glass_reason"], grounds="privacy_oversight")
    return access


def decide(session: Session, actor: User, access: BreakGlassAccess, decision: str,
           comment: str | None) -> BreakGlassAccess:
    """The privacy officer marks an access reviewed or questioned (a question needs a comment)."""
    comment = (comment or "").strip() or None
    if decision not in (Review.REVIEWED, Review.QUESTIONED):
        raise BreakGlassError([_("Choose reviewed or questioned.")])
    if decision == Review.QUESTIONED and not comment:
        raise BreakGlassError([_("Write what you question, so it can be followed up.")])
    access.review = decision
    access.review_comment = comment
    access.reviewed_by_id = actor.id
    access.reviewed_at = now()
    session.flush()
    audit.record("break_glass.review", actor=actor, object_type="break_glass",
                 object_id=access.id, subject_id=access.participant_id,
                 grounds="privacy_oversight", details={"decision": decision})
    return access
