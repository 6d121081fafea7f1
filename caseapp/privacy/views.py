"""The privacy officer's pages: the audit log searched, flagged, verified and exported (metadata
only); access reports, the Art. 15 copy, erasure and restriction decisions."""
from __future__ import annotations

import uuid
from datetime import date

from flask import (Blueprint, Response, abort, current_app, flash, redirect, render_template,
                   request, url_for)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

import audit
from audit.labels import action_label, grounds_label
from audit.services import last_verification, verify_chain
from caseapp.auth.forms import PostForm
from caseapp.clock import now
from caseapp.extensions import db
from caseapp.participants.models import Participant
from caseapp.privacy import erasure, records, report, restriction, services, subject, workspace
from caseapp.privacy.forms import FLAG_LABELS, ErasureForm, LiftForm, SearchForm, SubjectForm
from roles import Perm, can
from roles.guards import requires

bp = Blueprint("privacy", __name__, url_prefix="/audit")  # the URLs bookmarked before the move
PAGE_SIZE = 50
LIFT_PREFIX = "lift"  # the lifting form shares the erasure page with the decision form
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
    users, actions, grounds = services.search_choices(db.session)
    form.user.choices = everyone + [SelectChoice(str(u.id), f"{u.username} – {u.display_name}")
                                    for u in users]
    form.action.choices = everyone + [SelectChoice(a, action_label(a)) for a in actions]
    form.grounds.choices = everyone + [SelectChoice(g, grounds_label(g)) for g in grounds]
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
    attempts = restriction.recent_attempts(db.session)
    return render_template("privacy/events.html", form=form, valid=valid, result=result,
                           attempts=attempts, attempt_actors=services.actors(db.session, attempts),
                           via_labels=restriction.VIA_LABELS,
                           hits=shown, page=page, pages=pages, query=query,
                           flag_labels=FLAG_LABELS, verification=last_verification(db.session),
                           problem_labels=PROBLEM_LABELS, verify_form=PostForm())


@bp.route("/verify", methods=["POST"])
@requires(Perm.AUDIT_VERIFY)
def verify():
    """Re-compute the chain from the last signed checkpoint, as the nightly check does (seconds
    at millions of events); the result is the verification event shown at the top of the
    workspace. The full check runs as a background job (``verify_full``)."""
    if PostForm().validate_on_submit():
        result = verify_chain(db.session, current_app.instance_path, actor=current_user,
                              grounds=can(current_user, Perm.AUDIT_VERIFY).grounds,
                              incremental=True)
        if result.ok:
            flash(_("The audit log has been verified: the chain is intact."), "success")
        else:
            flash(_("The audit log has been verified: the chain is BROKEN. See the details below."),
                  "error")
    return redirect(url_for("privacy.events") + "#verification-title")


@bp.route("/verify/full", methods=["POST"])
@requires(Perm.AUDIT_VERIFY)
def verify_full():
    """Queue the full re-computation of every event (a background job on the worker); its
    result appears here as the last verification when it is done."""
    from caseapp.jobs import queue

    if PostForm().validate_on_submit():
        try:
            queue.enqueue_full_verify(current_user.id)
        except queue.RedisError:
            flash(_("The scheduler is down: the full check could not be started."), "error")
        else:
            flash(_("The full check has started in the background. Its result is shown here "
                    "when it is done."), "success")
    return redirect(url_for("privacy.events") + "#verification-title")


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


def _language() -> str:
    """The language a letter to the young person is made in: bokmål unless ?lang=en."""
    return "en" if request.args.get("lang") == "en" else report.REPORT_LANGUAGE


def _participant(participant_id: uuid.UUID) -> Participant:
    participant = services.participant(db.session, participant_id)
    if participant is None:
        abort(404)
    return participant


@bp.route("/participants/<uuid:participant_id>/access-report.pdf")
@requires(Perm.AUDIT_ACCESS_REPORT)
def access_report(participant_id: uuid.UUID):
    participant = _participant(participant_id)
    pdf = report.access_report_pdf(db.session, current_user, participant,
                                   organisation=current_app.config["CASEAPP_ORGANISATION_NAME"],
                                   timezone=current_app.config["BABEL_DEFAULT_TIMEZONE"],
                                   language=_language())
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": "attachment; filename=innsyn-i-logg.pdf"})


@bp.route("/participants/<uuid:participant_id>/access-report")
@requires(Perm.AUDIT_ACCESS_REPORT)
def access_report_html(participant_id: uuid.UUID):
    """The access report as an accessible HTML page (bokmål, or English with ?lang=en),
    beside the (untagged) PDF."""
    participant = _participant(participant_id)
    language = _language()
    rows = report.access_report_html_lines(db.session, current_user, participant,
                                           timezone=current_app.config["BABEL_DEFAULT_TIMEZONE"],
                                           language=language)
    with force_locale(language):  # the whole page in the chosen language, like the PDF
        return render_template("privacy/access_report.html", participant=participant, rows=rows,
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
    return render_template("privacy/subjects.html", form=form, participant=found)


@bp.route("/participants/<uuid:participant_id>/export.<fmt>")
@requires(Perm.SUBJECT_REQUESTS)
def subject_export(participant_id: uuid.UUID, fmt: str):
    if fmt not in ("json", "pdf"):
        abort(404)
    participant = _participant(participant_id)
    body = subject.export(db.session, current_user, participant, fmt, language=_language())
    return Response(body, mimetype="application/json" if fmt == "json" else "application/pdf",
                    headers={"Content-Disposition": f"attachment; filename=innsyn.{fmt}"})


@bp.route("/participants/<uuid:participant_id>/export")
@requires(Perm.SUBJECT_REQUESTS)
def subject_export_html(participant_id: uuid.UUID):
    """The Art. 15 copy written for the young person as an accessible HTML page (bokmål, or
    English with ?lang=en), beside the PDF and the JSON."""
    participant = _participant(participant_id)
    subject.collect_audited(db.session, current_user, participant, "html")
    language = _language()
    with force_locale(language):  # the whole page in the chosen language, like the PDF
        return render_template("privacy/subject_export.html", participant=participant,
                               sections=subject.sections(db.session, participant), made=now(),
                               language=language)


def _erasure_form(formdata=None) -> ErasureForm:
    form = ErasureForm() if formdata is None else ErasureForm(formdata=formdata)
    form.outcome.choices = [SelectChoice(o.value, label) for o, label in erasure.OUTCOME_LABELS.items()]
    return form


@bp.route("/participants/<uuid:participant_id>/erasure", methods=["GET", "POST"])
@requires(Perm.SUBJECT_REQUESTS)
def erasure_decision(participant_id: uuid.UUID):
    """A request for erasure: restrict, crypto-shred or keep for the archive, with a reason."""
    participant = _participant(participant_id)
    form = _erasure_form()
    if form.validate_on_submit():
        try:
            erasure.check(form.outcome.data, form.reason.data)
            if form.outcome.data == erasure.Outcome.CRYPTO_SHRED and not erasure.confirms(
                    participant, form.case_reference.data):
                return _confirm_erasure(form, participant)
            erasure.decide(db.session, current_user, participant, form.outcome.data, form.reason.data)
        except erasure.ErasureError as exc:
            form.reason.errors = [*form.reason.errors, *exc.messages]
        else:
            flash(_("The decision is recorded."), "success")
            return redirect(url_for("privacy.erasure_decision", participant_id=participant.id))
    return _erasure_page(participant, form, LiftForm(formdata=None, prefix=LIFT_PREFIX))


def _erasure_page(participant: Participant, form: ErasureForm, lift_form: LiftForm):
    return render_template("privacy/erasure.html", form=form, lift_form=lift_form,
                           participant=participant,
                           reference=erasure.case_reference(participant.id),
                           decisions=erasure.decisions_for(db.session, participant.id),
                           labels=erasure.DECISION_LABELS,
                           restricted=restriction.is_restricted(db.session, participant.id),
                           lifted=restriction.current_lift(db.session, participant.id))


def _confirm_erasure(form: ErasureForm, participant: Participant):
    """The step before a crypto-shredding: what will be destroyed (counts per record type,
    never content) and the case reference the privacy officer types to go on."""
    reference = erasure.case_reference(participant.id)
    form.case_reference.description = _("Write %(reference)s exactly as shown above.",
                                        reference=reference)
    if form.confirm.data:
        form.case_reference.errors = [_("Type the case reference exactly as shown to confirm "
                                        "the erasure.")]
    return render_template("privacy/erasure_confirm.html", form=form, participant=participant,
                           reference=reference,
                           counts=records.counts(db.session, participant.id))


@bp.route("/participants/<uuid:participant_id>/restriction/lift", methods=["POST"])
@requires(Perm.SUBJECT_REQUESTS)
def lift_restriction(participant_id: uuid.UUID):
    """Lift a restriction (art. 18(3)) with a reason; the letter to the person is then ready."""
    participant = _participant(participant_id)
    lift_form = LiftForm(prefix=LIFT_PREFIX)
    if lift_form.validate_on_submit():
        try:
            restriction.lift(db.session, current_user, participant, lift_form.reason.data)
        except erasure.ErasureError as exc:
            lift_form.reason.errors = [*lift_form.reason.errors, *exc.messages]
        else:
            flash(_("The restriction is lifted. Send the letter below to the young person."),
                  "success")
            return redirect(url_for("privacy.erasure_decision", participant_id=participant.id))
    return _erasure_page(participant, _erasure_form(formdata=None), lift_form)


@bp.route("/participants/<uuid:participant_id>/restriction-lifted.pdf")
@requires(Perm.SUBJECT_REQUESTS)
def lifted_letter(participant_id: uuid.UUID):
    """The letter to the person that the restriction is lifted, in bokmål or English."""
    participant = _participant(participant_id)
    lifted = restriction.current_lift(db.session, participant.id)
    if lifted is None:
        abort(404)
    language = _language()
    pdf = restriction.lifted_letter_pdf(
        db.session, current_user, participant, lifted, language=language,
        organisation=current_app.config["CASEAPP_ORGANISATION_NAME"],
        timezone=current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f"attachment; filename=sperring-opphevet-{language}.pdf"})
