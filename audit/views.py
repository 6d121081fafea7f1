"""The privacy officer's workspace: the audit log searched, flagged and exported (metadata only)."""
from __future__ import annotations

import uuid
from datetime import date

from flask import (Blueprint, Response, abort, current_app, flash, redirect, render_template,
                   request, url_for)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

import audit
from audit import erasure, report, subject, workspace
from audit.forms import FLAG_LABELS, ErasureForm, SearchForm, SubjectForm
from audit.models import AuditEvent
from audit.services import last_verification, verify_chain
from caseapp.accounts.models import User
from caseapp.auth.forms import PostForm
from caseapp.clock import now
from caseapp.extensions import db
from caseapp.participants.models import Participant
from roles import Perm, can
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


def _search_form() -> SearchForm:
    """The search form over the query string, with today's users, actions and grounds."""
    form = SearchForm(request.args)
    everyone = [SelectChoice("", _l("All"))]
    users = db.session.scalars(select(User).order_by(User.username))
    form.user.choices = everyone + [SelectChoice(str(u.id), f"{u.username} – {u.display_name}")
                                    for u in users]
    form.action.choices = everyone + [SelectChoice(a, a) for a in workspace.distinct_values(
        db.session, AuditEvent.action)]
    form.grounds.choices = everyone + [SelectChoice(g, g) for g in workspace.distinct_values(
        db.session, AuditEvent.grounds)]
    for select_field in (form.user, form.action, form.grounds, form.flag):
        select_field.data = select_field.data or ""
    return form


def _filters(form: SearchForm) -> workspace.Filters:
    def opt(value):
        return (value or "").strip() or None

    participant, start, end = opt(form.participant.data), opt(form.date_from.data), opt(form.date_to.data)
    return workspace.Filters(
        actor_id=uuid.UUID(form.user.data) if form.user.data else None,
        subject_id=uuid.UUID(participant) if participant else None,
        action=opt(form.action.data), grounds=opt(form.grounds.data),
        date_from=date.fromisoformat(start) if start else None,
        date_to=date.fromisoformat(end) if end else None, flag=opt(form.flag.data))


@bp.route("/")
@requires(Perm.AUDIT_VIEW)
def events():
    form = _search_form()
    valid = form.validate()
    result = (workspace.search(db.session, _filters(form), workspace.Rules.from_config(current_app.config))
              if valid else workspace.Result([], False, {}))
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    pages = max((len(result.hits) + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    shown = result.hits[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]
    query = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("audit/events.html", form=form, valid=valid, result=result,
                           hits=shown, page=page, pages=pages, query=query,
                           flag_labels=FLAG_LABELS, verification=last_verification(db.session),
                           problem_labels=PROBLEM_LABELS, verify_form=PostForm())


@bp.route("/verify", methods=["POST"])
@requires(Perm.AUDIT_VERIFY)
def verify():
    """Re-compute the chain against the signed checkpoints, as `caseapp audit verify` does; the
    result is the verification event shown at the top of the workspace."""
    if PostForm().validate_on_submit():
        result = verify_chain(db.session, current_app.instance_path, actor=current_user,
                              grounds=can(current_user, Perm.AUDIT_VERIFY).grounds)
        if result.ok:
            flash(_("The audit log has been verified: the chain is intact."), "success")
        else:
            flash(_("The audit log has been verified: the chain is BROKEN. See the details below."),
                  "error")
    return redirect(url_for("audit.events") + "#verification-title")


@bp.route("/export.csv")
@requires(Perm.AUDIT_EXPORT)
def export():
    form = _search_form()
    if not form.validate():
        return events()
    filters = _filters(form)
    result = workspace.search(db.session, filters, workspace.Rules.from_config(current_app.config))
    audit.record("audit.export", object_type="audit_log", grounds="privacy_oversight",
                 details={"filters": workspace.as_filter_details(filters), "rows": len(result.hits)})
    return Response(workspace.to_csv(result), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=audit-events.csv"})


def _participant(participant_id: str) -> Participant:
    try:
        participant = db.session.get(Participant, uuid.UUID(participant_id))
    except ValueError:
        participant = None
    if participant is None:
        abort(404)
    return participant


@bp.route("/participants/<participant_id>/access-report.pdf")
@requires(Perm.AUDIT_ACCESS_REPORT)
def access_report(participant_id: str):
    participant = _participant(participant_id)
    pdf = report.access_report_pdf(db.session, current_user, participant,
                                   organisation=current_app.config["CASEAPP_ORGANISATION_NAME"],
                                   timezone=current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": "attachment; filename=innsyn-i-logg.pdf"})


@bp.route("/participants/<participant_id>/access-report")
@requires(Perm.AUDIT_ACCESS_REPORT)
def access_report_html(participant_id: str):
    """The access report as an accessible HTML page in bokmål, beside the (untagged) PDF."""
    participant = _participant(participant_id)
    rows = report.access_report_html_lines(db.session, current_user, participant,
                                           timezone=current_app.config["BABEL_DEFAULT_TIMEZONE"])
    with force_locale(report.REPORT_LANGUAGE):  # the whole page in bokmål, like the PDF
        return render_template("audit/access_report.html", participant=participant, rows=rows,
                               made=now())


@bp.route("/subjects", methods=["GET", "POST"])
@requires(Perm.SUBJECT_REQUESTS)
def subjects():
    """Data subject requests: find the person by national ID, then report or export."""
    form = SubjectForm()
    found = None
    if form.validate_on_submit():
        found = subject.find_subject(db.session, current_user, form.national_id.data.replace(" ", ""))
        if found is None:
            form.national_id.errors = [*form.national_id.errors,
                                       _l("No participant has this national ID number.")]
    return render_template("audit/subjects.html", form=form, participant=found)


@bp.route("/participants/<participant_id>/export.<fmt>")
@requires(Perm.SUBJECT_REQUESTS)
def subject_export(participant_id: str, fmt: str):
    if fmt not in ("json", "pdf"):
        abort(404)
    participant = _participant(participant_id)
    body = subject.export(db.session, current_user, participant, fmt)
    return Response(body, mimetype="application/json" if fmt == "json" else "application/pdf",
                    headers={"Content-Disposition": f"attachment; filename=innsyn.{fmt}"})


@bp.route("/participants/<participant_id>/export")
@requires(Perm.SUBJECT_REQUESTS)
def subject_export_html(participant_id: str):
    """The Art. 15 copy as an accessible HTML page in bokmål, beside the PDF and the JSON."""
    participant = _participant(participant_id)
    data = subject.collect_audited(db.session, current_user, participant, "html")
    with force_locale(report.REPORT_LANGUAGE):  # the whole page in bokmål, like the PDF
        return render_template("audit/subject_export.html", participant=participant,
                               sections=subject.html_sections(data), made=now())


@bp.route("/participants/<participant_id>/erasure", methods=["GET", "POST"])
@requires(Perm.SUBJECT_REQUESTS)
def erasure_decision(participant_id: str):
    """A request for erasure: restrict, crypto-shred or keep for the archive, with a reason."""
    participant = _participant(participant_id)
    form = ErasureForm()
    form.outcome.choices = [SelectChoice(o.value, label) for o, label in erasure.OUTCOME_LABELS.items()]
    if form.validate_on_submit():
        try:
            erasure.decide(db.session, current_user, participant, form.outcome.data, form.reason.data)
        except erasure.ErasureError as exc:
            form.reason.errors = [*form.reason.errors, *exc.messages]
        else:
            flash(_("The decision is recorded."), "success")
            return redirect(url_for("audit.erasure_decision", participant_id=participant.id))
    return render_template("audit/erasure.html", form=form, participant=participant,
                           decisions=erasure.decisions_for(db.session, participant.id),
                           labels=erasure.OUTCOME_LABELS)
