"""Who has seen my data (/meg/innsyn): the access report, live and in plain words, with the
reason of every emergency (break-glass) opening, and the Art. 15 copy to download — the same
documents the privacy officer produces (issue #17 item 5)."""
from __future__ import annotations

from flask import make_response, render_template
from flask_babel import get_locale

from caseapp.extensions import db
from caseapp.portal import me
from caseapp.portal.blueprint import bp
from caseapp.privacy import report, subject
from roles.guards import young_person

COPY_TYPES = {"pdf": "application/pdf", "json": "application/json"}


def _language() -> str:
    return "en" if str(get_locale()) == "en" else "nb"


@bp.route("/innsyn")
@young_person
def access():
    person = me.current().participant
    me.seen("participant", person.id, ["audit_log", "break_glass_reason"])
    lines = report.lines_for(db.session, person.id, with_reasons=True)
    return render_template("portal/access.html", lines=list(reversed(lines)))


@bp.route("/innsyn/kopi.pdf")
@young_person
def copy_pdf():
    """The Art. 15 copy written for the young person (the privacy officer's PDF)."""
    return _copy("pdf")


@bp.route("/innsyn/kopi.json")
@young_person
def copy_json():
    """The machine-readable Art. 15 copy of every stored value (the privacy officer's JSON)."""
    return _copy("json")


def _copy(fmt: str):
    """Producing the copy is audited with the young person as actor (``subject.export``)."""
    person = me.current().participant
    me.seen("participant", person.id, ["identity"])
    data = subject.export(db.session, person, person, fmt, _language())
    response = make_response(data)
    response.headers["Content-Type"] = COPY_TYPES[fmt]
    response.headers["Content-Disposition"] = f'attachment; filename="mine-opplysninger.{fmt}"'
    return response
