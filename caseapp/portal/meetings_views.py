"""My meetings (/meg/meetings): the next meeting (date, place, with whom) and the past
sessions by date and type, with the summaries the worker shared (``caseapp.meetings.own``)."""
from __future__ import annotations

from flask import render_template

from caseapp.clock import local_now
from caseapp.contacts.services import NOTE_CATEGORIES
from caseapp.extensions import db
from caseapp.meetings.own import next_meeting, past_sessions
from caseapp.portal import me
from caseapp.portal.blueprint import bp
from roles.guards import young_person


@bp.route("/meetings")
@young_person
def meetings():
    person = me.current()
    past = past_sessions(db.session, person.cases)
    case = person.case or person.cases[0]
    me.seen("case", case.id, NOTE_CATEGORIES if any(s.summary for s in past) else ())
    return render_template("portal/meetings.html", case=case, past=past,
                           upcoming=next_meeting(db.session, person.case, local_now().date()))
