"""Who is signed in on /meg, and what is theirs: the one way portal views load data.

``current()`` gives the signed-in young person and their own cases (loaded once per request by
the ``@young_person`` guard); ``own()`` loads an object by id only when it is theirs
(``roles.own``), else 404 — audited, with the same page for a foreign and an unknown id;
``seen()`` adds what a page showed to the audit event every shown portal page gets
(``portal.view``, the young person as actor: ``audit.models.PARTICIPANT_ACTOR``)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, Iterable

from flask import abort, g, make_response, render_template, request
from sqlalchemy import case as sql_case
from sqlalchemy import select

import audit
from audit.services import DENIED
from caseapp.cases.models import Case, CaseStatus
from caseapp.extensions import db
from caseapp.participants.models import Participant
from roles.own import is_own

VIEW_ACTION = "portal.view"
NEUTRAL_TEMPLATE = "portal/neutral.html"


@dataclass
class Me:
    """The signed-in young person and their cases: the active or paused ones first, then the
    closed ones, newest first. ``case`` is the current one (None when all are closed)."""

    participant: Participant
    cases: list[Case]
    shown: dict[str, Any] = field(default_factory=dict)

    @property
    def case(self) -> Case | None:
        first = self.cases[0] if self.cases else None
        return first if first is not None and first.status != CaseStatus.CLOSED.value else None

    @property
    def thread_case(self) -> Case:
        """The case whose pages are shown: the current one, or once every case is closed the
        latest one (to read)."""
        return self.case or self.cases[0]

    @property
    def case_ids(self) -> set[uuid.UUID]:
        return {c.id for c in self.cases}


def own_cases(session, participant_id: uuid.UUID) -> list[Case]:
    """The person's cases. A handed-over case is the same row with its new unit and worker, so
    ``case.unit.organisation`` is always the organisation that follows the person up now."""
    closed_last = sql_case((Case.status == CaseStatus.CLOSED.value, 1), else_=0)
    return list(session.scalars(select(Case).where(Case.participant_id == participant_id)
                                .order_by(closed_last, Case.started_on.desc(), Case.created_at.desc())))


def neutral():
    """The same page for a person with nothing to show, restricted or erased: it says nothing
    about why (the words of the sign-in refusal)."""
    abort(make_response(render_template(NEUTRAL_TEMPLATE), 200))


def load(participant_id: uuid.UUID) -> Me:
    """Called by ``roles.guards.young_person`` for every portal view, once per request."""
    participant = db.session.get(Participant, participant_id)
    if participant is None or participant.erased:
        neutral()
    cases = own_cases(db.session, participant.id)
    if not cases:
        neutral()
    g.portal_me = Me(participant, cases)
    return g.portal_me


def current() -> Me:
    """The signed-in young person of this request (only inside a ``@young_person`` view)."""
    return g.portal_me


def own(model: type, object_id: Any):
    """``model`` with ``object_id`` when it is the signed-in person's own (``roles.own``),
    else 404 — the same answer for a foreign id, an unknown id and a malformed one, with an
    ``access.denied`` event for a foreign one."""
    me = current()
    try:
        key = object_id if isinstance(object_id, uuid.UUID) else uuid.UUID(str(object_id))
    except ValueError:
        abort(404)
    obj = db.session.get(model, key)
    if obj is None:
        abort(404)
    if not is_own(me.participant.id, obj):
        audit.services.record_now("access.denied", actor=me.participant,
                                  object_type=model.__tablename__, object_id=key,
                                  outcome=DENIED, details={"page": request.endpoint})
        abort(404)
    return obj


def seen(object_type: str | None = None, object_id: Any = None,
         categories: Iterable[str] = ()) -> None:
    """What this page shows, for its ``portal.view`` event (call it in the view; optional)."""
    me = current()
    me.shown.update(object_type=object_type, object_id=object_id)
    me.shown.setdefault("categories", set()).update(categories)


def record_view(response):
    """After a portal view: one ``portal.view`` event for a page shown (GET, 200), in the
    request's transaction, with the young person as actor."""
    me = g.get("portal_me")
    if me is None or request.method != "GET" or response.status_code != 200:
        return response
    case = me.case or me.cases[0]
    audit.record(VIEW_ACTION, actor=me.participant,
                 object_type=me.shown.get("object_type") or "case",
                 object_id=me.shown.get("object_id") or case.id,
                 categories=me.shown.get("categories", ()), grounds="own_data",
                 details={"page": request.endpoint})
    return response
