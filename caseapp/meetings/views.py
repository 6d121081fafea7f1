"""``/meetings/<session>.ics``: the next meeting a session set, for the worker's calendar."""
from __future__ import annotations

import uuid
from datetime import time

from flask import Blueprint, Response, abort, request, url_for
from flask_babel import gettext as _

import audit
from caseapp.clock import now
from caseapp.contacts.models import Contact
from caseapp.extensions import db
from caseapp.meetings.ics import meeting_ics
from roles import Perm
from roles.guards import authorize, has_caseload

bp = Blueprint("meetings", __name__, url_prefix="/meetings")


def _start(raw: str | None) -> time:
    try:
        hour, minute = (int(part) for part in (raw or "09:00").split(":", 1))
        return time(hour, minute)
    except ValueError:
        abort(400)


@bp.route("/<uuid:contact_id>.ics")
@has_caseload
def invitation(contact_id: uuid.UUID):
    """Add, update (?time=HH:MM&minutes=N) or cancel (?cancel=1) the meeting in one's own
    calendar. Only the case's worker; audited like any read of the case."""
    contact = db.session.get(Contact, contact_id)
    if contact is None or contact.deleted or contact.next_date is None:
        abort(404)
    case = contact.case
    decision = authorize(Perm.CONTACT_WRITE, case)
    minutes = request.args.get("minutes", 60, type=int)
    if not 5 <= minutes <= 8 * 60:
        abort(400)
    cancel = request.args.get("cancel") == "1"
    reference = str(case.id)[:8]
    audit.record("case.calendar", object_type="contact", object_id=contact.id,
                 subject_id=case.participant_id, grounds=decision.grounds,
                 details={"cancel": cancel})
    body = meeting_ics(
        uid=f"meeting-{contact.id}@caseapp", reference=reference,
        link=url_for("cases.detail", case_id=case.id, _external=True),
        day=contact.next_date, start=_start(request.args.get("time")), minutes=minutes,
        stamp=now(), summary=_("Session, case %(reference)s", reference=reference),
        cancel=cancel)
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="samtale-{reference}.ics"',
        "Cache-Control": "no-store"})
