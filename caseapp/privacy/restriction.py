"""Restriction of processing (GDPR art. 18) that holds where people meet it.

A restricted person is hidden from every user's queries (``caseapp.privacy.erasure``). Registering the
same national ID again — by the form, the import or by handing their case over — would open a
second way to the person, so each of those paths asks ``refuse_if_restricted`` first: the
attempt is refused with the words any person the worker may not see gets, and recorded as
``participant.register_restricted`` (actor, time, which path), which the privacy officer's
workspace flags. The person's national-ID index stays while they are restricted (restriction is
not erasure: storing is still allowed, art. 18(2)), and is used for nothing but this refusal.

The privacy officer lifts a restriction (art. 18(3)) with a reason (``lift``): the case is
visible again to those with need-to-know, and a letter tells the person (``lifted_letter_pdf``,
bokmål or English).
"""
from __future__ import annotations

import io
import uuid
from datetime import datetime
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer
from sqlalchemy import select
from sqlalchemy.orm import Session

import audit
from caseapp.privacy.erasure import GROUNDS, LIFT, ErasureError, Outcome, check_reason, restricted_ids
from audit.models import AuditEvent
from caseapp.privacy.models import ErasureDecision
from audit.services import DENIED
from caseapp import transaction
from caseapp.clock import now
from caseapp.participants.models import Participant

ATTEMPT = "participant.register_restricted"
FLAG = "restricted_registration"
RECENT = 20
VIA_LABELS = {
    "form": _l("with the registration form"),
    "import": _l("in an import from a file"),
    "handover": _l("by handing the case over"),
}


def is_restricted(session: Session, participant_id: uuid.UUID) -> bool:
    """Is the person's processing restricted now (a restriction not lifted since)?"""
    return bool(session.scalar(select(restricted_ids().where(
        ErasureDecision.participant_id == participant_id).exists())))


def refuse_if_restricted(session: Session, actor, participant_id: uuid.UUID, *, via: str) -> bool:
    """True (and the attempt recorded) when ``participant_id`` is restricted. The record stays
    when the caller's refusal rolls the transaction back (``caseapp.transaction.keep``)."""
    if not is_restricted(session, participant_id):
        return False
    transaction.keep(session, lambda kept: audit.record(
        ATTEMPT, actor=actor, object_type="participant", object_id=participant_id,
        subject_id=participant_id, categories=["national_id"], outcome=DENIED,
        grounds="restriction", details={"via": via}, session=kept))
    return True


def recent_attempts(session: Session, limit: int = RECENT) -> list[AuditEvent]:
    """The newest registration attempts on restricted persons, for the workspace."""
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == ATTEMPT)
                                .order_by(AuditEvent.seq.desc()).limit(limit)))


# --- lifting a restriction (art. 18(3)) --------------------------------------------------------


def lift(session: Session, actor, participant: Participant, reason: str) -> ErasureDecision:
    """Lift the person's restriction, with a reason (written in the letter to them); audited."""
    if not is_restricted(session, participant.id):
        raise ErasureError([_("This person's data is not restricted.")])
    decision = ErasureDecision(participant_id=participant.id, outcome=LIFT,
                               reason=check_reason(reason),
                               decided_by_id=getattr(actor, "id", None), decided_at=now())
    session.add(decision)
    session.flush()
    audit.record("erasure.lift_restriction", actor=actor, object_type="participant",
                 object_id=participant.id, subject_id=participant.id, grounds=GROUNDS,
                 details={"decision_id": str(decision.id)})
    return decision


def current_lift(session: Session, participant_id: uuid.UUID) -> ErasureDecision | None:
    """The decision that lifted the person's restriction, unless restricted again since."""
    if is_restricted(session, participant_id):
        return None
    return session.scalars(select(ErasureDecision).where(
        ErasureDecision.participant_id == participant_id, ErasureDecision.outcome == LIFT)
        .order_by(ErasureDecision.decided_at.desc()).limit(1)).first()


def _restricted_at(session: Session, lifted: ErasureDecision) -> datetime | None:
    return session.scalar(select(ErasureDecision.decided_at).where(
        ErasureDecision.participant_id == lifted.participant_id,
        ErasureDecision.outcome == Outcome.RESTRICT.value,
        ErasureDecision.decided_at <= lifted.decided_at)
        .order_by(ErasureDecision.decided_at.desc()).limit(1))


def lifted_letter_pdf(session: Session, actor, participant: Participant,
                      lifted: ErasureDecision, *, organisation: str, timezone: str,
                      language: str) -> bytes:
    """The letter to the person that their restriction is lifted (PDF); making it is audited."""
    audit.record("erasure.lift_letter", actor=actor, object_type="participant",
                 object_id=participant.id, subject_id=participant.id, categories=["identity"],
                 grounds=GROUNDS, details={"language": language})
    zone = ZoneInfo(timezone)

    def day(at: datetime) -> str:
        return format_date(at.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone).date(), "long")

    restricted = _restricted_at(session, lifted)
    with force_locale(language):
        return _letter(participant.full_name, organisation, lifted.reason, day(now()),
                       day(restricted) if restricted else None, day(lifted.decided_at))


def _letter(name: str, organisation: str, reason: str, today: str, restricted: str | None,
            lifted: str) -> bytes:
    styles = getSampleStyleSheet()

    def para(text: str, style: str = "BodyText") -> Paragraph:
        return Paragraph(escape(text), styles[style])

    title = _("The restriction on your data is lifted")
    story = [para(organisation, "Normal"), para(today, "Normal"), Spacer(1, 6 * mm),
             para(_("To %(name)s", name=name), "Normal"), Spacer(1, 4 * mm),
             para(title, "Title")]
    if restricted:
        story.append(para(_("On %(date)s we restricted the use of your data (GDPR article 18). "
                            "Since then nobody at work could see or use your case, except in "
                            "an emergency and with a written reason.", date=restricted)))
    story += [
        para(_("From %(date)s the restriction is lifted. The people who follow you up can see "
               "your case and use your data again, as before.", date=lifted)),
        para(_("Why the restriction is lifted:"), "Heading4"), para(reason),
        para(_("You have the right to get a copy of your data, to have wrong data corrected, "
               "to ask for your data to be erased or restricted again, and to complain to the "
               "Norwegian Data Protection Authority (Datatilsynet). If you have questions, "
               "contact the privacy officer.")),
        Spacer(1, 6 * mm),
        para(_("Kind regards")), para(_("The privacy officer, %(organisation)s",
                                        organisation=organisation)),
    ]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm,
                      topMargin=20 * mm, bottomMargin=20 * mm, title=title,
                      author=organisation).build(story)
    return buffer.getvalue()
