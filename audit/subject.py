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

from flask_babel import force_locale
from flask_babel import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

import audit
from audit.models import AuditEvent
from caseapp.clock import now
from caseapp.extensions import db
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


def _participant_tables() -> list[type]:
    """Every mapped class with a ``participant_id`` column, by table name."""
    classes = [m.class_ for m in db.Model.registry.mappers
               if "participant_id" in m.columns and m.class_ is not AuditEvent]
    return sorted(classes, key=lambda c: c.__tablename__)


def collect(session: Session, participant: Participant) -> dict[str, Any]:
    records = {}
    for model in _participant_tables():
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


def export(session: Session, actor, participant: Participant, fmt: str) -> bytes:
    """The Art. 15 export as JSON or PDF bytes; audited with every category it holds."""
    data = collect_audited(session, actor, participant, fmt)
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")
    with force_locale("nb"):
        return _pdf(data)


def _text(value: Any) -> str:
    """A stored value as the HTML page shows it: text as it is, nothing as "–", the rest
    (lists, objects, numbers, yes/no) as JSON, as in the PDF."""
    if value is None or value == "":
        return "–"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def html_sections(data: dict[str, Any]) -> list[tuple[str, list[list[tuple[str, str]]]]]:
    """The export as (heading, records) for the accessible HTML page, in the PDF's order: the
    person, each table's rows, the access log; each record a list of (field, value)."""
    def records(rows):
        return [[(str(k), _text(v)) for k, v in sorted(row.items())] for row in rows]

    return ([(_("About you"), records([data["participant"]]))]
            + [(table, records(rows)) for table, rows in data["records"].items()]
            + [(_("Who has looked at your data"), records(data["access_log"]))])


def _pdf(data: dict[str, Any]) -> bytes:
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=8, leading=10)
    person = data["participant"]

    def block(title: str, rows: list[dict[str, Any]]) -> list:
        out = [Paragraph(escape(title), styles["Heading2"])]
        if not rows:
            out.append(Paragraph(escape(_("Nothing recorded.")), small))
        for row in rows:
            text = "<br/>".join(f"<b>{escape(str(k))}</b>: {escape(json.dumps(v, ensure_ascii=False))}"
                                for k, v in sorted(row.items()))
            out += [Paragraph(text, small), Spacer(1, 2 * mm)]
        return out

    story = [Paragraph(escape(_("Everything we have stored about you")), styles["Title"]),
             Paragraph(escape(_("This is a copy of all data about %(name)s (GDPR article 15), "
                                "made %(when)s.", name=f"{person['given_name']} {person['family_name']}",
                                when=data["generated_at"][:16].replace("T", " "))), styles["BodyText"])]
    story += block(_("About you"), [person])
    for table, rows in data["records"].items():
        story += block(table, rows)
    story += block(_("Who has looked at your data"), data["access_log"])
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm,
                      title=_("Everything we have stored about you")).build(story)
    return buffer.getvalue()
