"""Data subject rights: finding a person by national ID and the Art. 15 export (JSON, PDF and
an accessible HTML page).

The export holds *everything* stored about the participant: the participant row and every row
of every table with a ``participant_id`` column (cases, consent records, break-glass accesses
and whatever later areas add under the same convention), decrypted, plus the access log (audit
events whose subject is the participant). Producing it is audited.
"""
from __future__ import annotations

import base64
import io
import json
import uuid
from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import escape

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

import audit
from caseapp.privacy import subject_copy
from audit.models import AuditEvent
from caseapp.privacy.records import participant_tables
from caseapp.clock import now
from caseapp.participants.lookup import find_by_national_id
from caseapp.participants.models import Participant

FORMAT = "caseapp-art15-v1"
GROUNDS = "data_subject_request"
ACCESS_LOG_FIELDS = ("at", "action", "actor_id", "actor_roles", "actor_units", "object_type",
                     "object_id", "categories", "grounds", "outcome")


def find_subject(session: Session, actor, national_id: str) -> Participant | None:
    """The participant with ``national_id`` (raises ``InvalidNationalId``); the look-up is audited."""
    participant = find_by_national_id(session, national_id)
    if participant is not None:
        audit.record("participant.lookup", actor=actor, object_type="participant",
                     object_id=participant.id, subject_id=participant.id,
                     categories=["identity", "national_id"], grounds=GROUNDS)
    return participant


def _value(value: Any) -> Any:
    if isinstance(value, (uuid.UUID,)):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (bytes, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _row(obj) -> dict[str, Any]:
    mapper = inspect(obj).mapper
    return {attr.key: _value(getattr(obj, attr.key)) for attr in mapper.column_attrs}


def collect(session: Session, participant: Participant) -> dict[str, Any]:
    records = {}
    for model in participant_tables():
        rows = session.scalars(select(model).where(model.participant_id == participant.id))
        records[model.__tablename__] = [_row(r) for r in rows]
    events = session.scalars(select(AuditEvent).where(AuditEvent.subject_id == participant.id)
                             .order_by(AuditEvent.seq))
    return {
        "format": FORMAT,
        "generated_at": _value(now()),
        "participant": _row(participant),
        "records": records,
        "access_log": [{k: _value(getattr(e, k)) for k in ACCESS_LOG_FIELDS} for e in events],
    }


def collect_audited(session: Session, actor, participant: Participant, fmt: str) -> dict[str, Any]:
    """``collect``, audited as an export in ``fmt`` with every category it holds."""
    data = collect(session, participant)
    audit.record("participant.export", actor=actor, object_type="participant",
                 object_id=participant.id, subject_id=participant.id,
                 categories=["identity", "national_id", *data["records"]], grounds=GROUNDS,
                 details={"format": fmt})
    return data


def export(session: Session, actor, participant: Participant, fmt: str,
           language: str = "nb") -> bytes:
    """The Art. 15 export as JSON or PDF bytes; audited with every category it holds. The PDF
    is the copy written for the young person (``caseapp.privacy.subject_copy``) in ``language``."""
    data = collect_audited(session, actor, participant, fmt)
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")
    with force_locale(language):
        return _pdf(participant, sections(session, participant), current_app.config[
            "CASEAPP_ORGANISATION_NAME"])


def sections(session: Session, participant: Participant) -> list[subject_copy.Section]:
    """The copy for the young person in the current locale, with this installation's settings."""
    return subject_copy.sections(session, participant,
                                 organisation=current_app.config["CASEAPP_ORGANISATION_NAME"],
                                 retention=current_app.config["CASEAPP_RETENTION_DAYS"])


def _pdf(person: Participant, parts: list[subject_copy.Section], organisation: str) -> bytes:
    styles = getSampleStyleSheet()
    body = styles["BodyText"]
    small = body.clone("small", fontSize=9, leading=11)

    def para(text: str, style=body) -> Paragraph:
        return Paragraph(escape(text), style)

    title = _("Everything we have stored about you")
    story = [para(organisation, styles["Normal"]), para(title, styles["Title"]),
             para(_("Dear %(name)s. You asked what we have stored about you. This is a copy of "
                    "all of it (GDPR article 15), made %(when)s.", name=person.full_name,
                    when=subject_copy.when(now())))]
    for part in parts:
        story += [para(part.heading, styles["Heading2"])]
        story += [para(text) for text in ([part.intro] if part.intro else []) + part.paragraphs]
        for item in part.items:
            facts = "<br/>".join(f"<b>{escape(label)}:</b> {escape(value)}"
                                 for label, value in item.facts)
            story += [Paragraph(f"<b>{escape(item.title)}</b>" + (f"<br/>{facts}" if facts else ""),
                                small), Spacer(1, 2 * mm)]
        if not part.items and part.empty:
            story.append(para(part.empty, small))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                      title=title, author=organisation).build(story)
    return buffer.getvalue()
