"""The access report: "who has looked at my data", in plain language, as PDF for the young person.

Built from the audit log alone: who (name, role and unit at the time), when, what and why. It
never shows case content; it names the young person so it can be handed to the right person.
"""
from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from datetime import datetime
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from flask_babel import format_datetime, force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from sqlalchemy import select
from sqlalchemy.orm import Session

import audit
from audit.models import AuditEvent
from audit.models import PARTICIPANT_ACTOR
from caseapp.accounts.models import User
from caseapp.clock import now
from caseapp.participants.models import Participant
from roles.definitions import ROLE_LABELS, Role

REPORT_LANGUAGE = "nb"  # handed to the young person in plain bokmål (English on request)

ACTIONS = {
    "case.view": _l("Opened your case"),
    "break_glass.open": _l("Got emergency access to your case"),
    "break_glass.reason_view": _l("Checked an emergency access to your case"),
    "break_glass.review": _l("Checked an emergency access to your case"),
    "access.denied": _l("Tried to open your case, but was not allowed"),
    "consent.grant": _l("Registered a consent from you"),
    "consent.withdraw": _l("Registered that you withdrew a consent"),
    "audit.access_report": _l("Made a report like this one"),
    "message.send": _l("Answered your message"),
    "message.view": _l("Read your messages"),
    "case.calendar": _l("Put the time of your next meeting in their own calendar"),
    "participant.lookup": _l("Looked you up to answer your request"),
    "participant.export": _l("Made a copy of your data"),
    "research.extract": _l("Included you, without your name, in an extract for research"),
    "erasure.restrict": _l("Restricted the use of your data"),
    "erasure.lift_restriction": _l("Lifted the restriction on your data"),
    "erasure.lift_letter": _l("Wrote you a letter that the restriction is lifted"),
    "portal.login": _l("Signed in to My pages"),
    "portal.logout": _l("Signed out of My pages"),
    "portal.view": _l("Looked at My pages"),
    "plan.agree": _l("Said you agree with your plan"),
    "plan.disagree": _l("Said you do not agree with your plan, with a comment"),
    "contact.share": _l("Shared the summary of a meeting with you"),
    "contact.unshare": _l("Stopped sharing the summary of a meeting with you"),
    "participant.register_restricted": _l("Tried to register you again, but was refused "
                                          "because your data is restricted"),
}
GROUNDS = {
    "own_caseload": _l("Follows you up"),
    "coordinator_review": _l("Leader who reviews the cases in the unit"),
    "break_glass": _l("Emergency access with a written reason"),
    "privacy_oversight": _l("The privacy officer's control"),
    "research_consent": _l("Your consent to research"),
    "data_subject_request": _l("Your request about your data"),
    "own_data": _l("Your own pages"),
}


@dataclass
class Line:
    at: datetime
    who: str
    role: str
    unit: str
    what: str
    why: str
    reason: str = ""  # the written reason of an emergency (break-glass) opening

    @property
    def organisations(self) -> str:
        """The organisations of ``unit`` ("Org / Unit; Org / Unit" as the log keeps it), each
        once: what the young person needs to know, without every school of a worker. No unit or
        organisation name holds " / " or ";" (``caseapp.units.services.SEPARATORS``)."""
        names = [part.split(" / ")[0].strip() for part in self.unit.split(";") if part.strip()]
        return ", ".join(dict.fromkeys(names))


def lines_for(session: Session, participant_id: uuid.UUID, include_own: bool = False, *,
              with_reasons: bool = False) -> list[Line]:
    """Every event by a person about ``participant_id``, oldest first, in plain words; with
    ``include_own`` also what the young person did on their own pages (My pages, /meg);
    ``with_reasons``: with the written reason of each emergency opening (for the young person
    themselves; the privacy officer reads reasons through the audited break-glass review)."""
    by_someone = AuditEvent.actor_id.is_not(None)
    if include_own:
        by_someone = by_someone | (AuditEvent.actor_roles == PARTICIPANT_ACTOR)
    events = session.scalars(select(AuditEvent).where(AuditEvent.subject_id == participant_id,
                                                      by_someone)
                             .order_by(AuditEvent.seq)).all()
    people = {u.id: u for u in session.scalars(
        select(User).where(User.id.in_({e.actor_id for e in events})))} if events else {}
    reasons = _break_glass_reasons(session, events) if with_reasons else {}
    lines = []
    for event in events:
        if event.actor_roles == PARTICIPANT_ACTOR:
            lines.append(Line(at=event.at, who=_("You yourself"), role="", unit="",
                              what=str(ACTIONS.get(event.action, _l("Handled your data"))),
                              why=str(GROUNDS["own_data"])))
            continue
        person = people.get(event.actor_id)
        roles = [str(ROLE_LABELS[Role(r)]) for r in (event.actor_roles or "").split(",") if r]
        lines.append(Line(
            at=event.at, who=person.display_name if person else _("Unknown user"),
            role=", ".join(roles), unit=event.actor_units or "",
            what=str(ACTIONS.get(event.action, _l("Handled your data"))),
            why=str(GROUNDS.get(event.grounds or "", "")) or "–",
            reason=reasons.get((event.details or {}).get("break_glass_id"), "")))
    return lines


def _break_glass_reasons(session: Session, events: list[AuditEvent]) -> dict[str, str]:
    """The written reason of each emergency opening among ``events``, by its id (decrypted)."""
    from caseapp.breakglass.models import BreakGlassAccess

    ids = {uuid.UUID(e.details["break_glass_id"]) for e in events
           if e.action == "break_glass.open" and (e.details or {}).get("break_glass_id")}
    if not ids:
        return {}
    return {str(a.id): a.reason for a in session.scalars(
        select(BreakGlassAccess).where(BreakGlassAccess.id.in_(ids)))}


def _local(at: datetime, zone: str) -> str:
    return format_datetime(at.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo(zone)),
                           "d.M.yyyy 'kl.' HH:mm")


def _record_report(actor: User, participant: Participant) -> None:
    """Making the report is itself recorded (it shows the person's name)."""
    audit.record("audit.access_report", actor=actor, object_type="participant",
                 object_id=participant.id, subject_id=participant.id,
                 categories=["identity", "audit_log"], grounds="privacy_oversight")


def access_report_pdf(session: Session, actor: User, participant: Participant, *,
                      organisation: str, timezone: str, language: str = REPORT_LANGUAGE) -> bytes:
    """The report as PDF bytes (untagged: the HTML version beside it is the accessible one)."""
    _record_report(actor, participant)
    with force_locale(language):
        return _render(participant, lines_for(session, participant.id), organisation, timezone)


def access_report_html_lines(session: Session, actor: User, participant: Participant,
                             timezone: str, language: str = REPORT_LANGUAGE) -> list[tuple[str, Line]]:
    """The same report for the accessible HTML page: (local time, line) pairs, recorded."""
    _record_report(actor, participant)
    with force_locale(language):
        return [(_local(line.at, timezone), line) for line in lines_for(session, participant.id)]


def _render(participant: Participant, lines: list[Line], organisation: str, zone: str) -> bytes:
    styles = getSampleStyleSheet()
    body, small = styles["BodyText"], styles["BodyText"].clone("small", fontSize=8, leading=10)

    def para(text: str, style=body) -> Paragraph:
        return Paragraph(escape(text), style)

    story = [
        para(organisation, styles["Normal"]),
        Paragraph(escape(_("Who has looked at your data?")), styles["Title"]),
        para(_("This report is for %(name)s, born %(year)d.", name=participant.full_name,
               year=participant.birth_year)),
        para(_("Every time someone at work opens or changes your data, it is written down in a "
               "log. Here you can see who did it, when, and why. The log cannot be changed "
               "afterwards.")),
        Spacer(1, 4 * mm),
    ]
    if lines:
        header = [para(t, small) for t in (_("When"), _("Who"), _("Role and workplace"),
                                           _("What was done"), _("Why"))]
        rows = [[para(_local(l.at, zone), small), para(l.who, small),
                 para(f"{l.role} – {l.unit}" if l.unit else l.role, small),
                 para(l.what, small), para(l.why, small)] for l in lines]
        table = Table([header, *rows], colWidths=[26 * mm, 30 * mm, 48 * mm, 36 * mm, 40 * mm],
                      repeatRows=1)
        table.setStyle(TableStyle([
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6ebf1")),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.grey),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]))
        story.append(table)
    else:
        story.append(para(_("Nobody has opened your data yet.")))
    story += [
        Spacer(1, 6 * mm),
        para(_("If something here looks wrong to you, or you have questions, contact the "
               "privacy officer. You can also complain to the Norwegian Data Protection "
               "Authority (Datatilsynet).")),
        para(_("Made %(when)s.", when=_local(now(), zone)), small),
    ]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm,
                            topMargin=15 * mm, bottomMargin=15 * mm,
                            title=_("Who has looked at your data?"), author=organisation)
    doc.build(story)
    return buffer.getvalue()
