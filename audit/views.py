from __future__ import annotations

from flask import Blueprint, render_template, request

from audit.services import count_events, recent_events
from caseapp.extensions import db
from roles import Perm
from roles.guards import requires

bp = Blueprint("audit", __name__, url_prefix="/audit")
PAGE_SIZE = 50


@bp.route("/")
@requires(Perm.AUDIT_VIEW)
def events():
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    total = count_events(db.session)
    rows = recent_events(db.session, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    pages = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    return render_template("audit/events.html", events=rows, page=page, pages=pages, total=total)
