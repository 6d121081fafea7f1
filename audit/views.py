from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l

from audit.services import count_events, last_verification, recent_events
from caseapp.extensions import db
from roles import Perm
from roles.guards import requires

bp = Blueprint("audit", __name__, url_prefix="/audit")
PAGE_SIZE = 50
PROBLEM_LABELS = {
    "changed": _l("an event was changed or forged"),
    "missing": _l("an event was deleted"),
    "out_of_order": _l("an event was inserted or reordered"),
    "broken_link": _l("an event was inserted or reordered"),
    "head_mismatch": _l("the chain head does not match the last event"),
    "checkpoint_mismatch": _l("the chain does not match a signed checkpoint"),
    "checkpoint_beyond_head": _l("events were removed from the end"),
    "checkpoint_signature": _l("a checkpoint's signature is not valid"),
}


@bp.route("/")
@requires(Perm.AUDIT_VIEW)
def events():
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    total = count_events(db.session)
    rows = recent_events(db.session, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    return render_template("audit/events.html", events=rows, page=page, pages=pages, total=total,
                           verification=last_verification(db.session),
                           problem_labels=PROBLEM_LABELS)
