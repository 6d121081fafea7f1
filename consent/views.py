"""Consent pages: a participant's records, recording, withdrawal, receipts, overview."""
from __future__ import annotations

import base64
import uuid
from datetime import datetime, timedelta

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

import audit
from caseapp.cases.models import Case, CaseStatus
from caseapp.clock import now
from caseapp.extensions import db
from caseapp.participants.models import Participant
from caseapp.units.models import Organisation
from consent import services
from consent.forms import ConsentForm, WithdrawForm
from consent.purposes import CHANNEL_LABELS, GIVEN_BY_LABELS, METHOD_LABELS, PURPOSE_LABELS, Purpose
from roles import Perm, can
from roles.guards import authorize, requires

bp = Blueprint("consent", __name__, url_prefix="/consent")
LABELS = {"purposes": PURPOSE_LABELS, "given_by": GIVEN_BY_LABELS, "methods": METHOD_LABELS,
          "channels": CHANNEL_LABELS}


def _participant(participant_id: str) -> Participant | None:
    try:
        return db.session.get(Participant, uuid.UUID(participant_id))
    except ValueError:
        return None


def _record_and_participant(consent_id: str):
    record = services.get_record(db.session, consent_id)
    participant = db.session.get(Participant, record.participant_id) if record else None
    return record, participant


@bp.route("/participant/<participant_id>")
@requires(Perm.START_VIEW)
def records(participant_id: str):
    participant = _participant(participant_id)
    decision = authorize(Perm.CONSENT_MANAGE, participant)
    audit.record("consent.view", object_type="participant", object_id=participant.id,
                 subject_id=participant.id, categories=["identity", "consent"],
                 grounds=decision.grounds)
    return render_template("consent/records.html", participant=participant,
                           records=services.records_for(db.session, participant.id),
                           withdraw_form=WithdrawForm(formdata=None), at=now(), labels_=LABELS)


def _organisation_choices():
    organisations = db.session.scalars(select(Organisation).order_by(Organisation.name))
    return [SelectChoice("", "–")] + [SelectChoice(str(o.id), o.name) for o in organisations]


@bp.route("/participant/<participant_id>/new", methods=["GET", "POST"])
@requires(Perm.START_VIEW)
def new(participant_id: str):
    participant = _participant(participant_id)
    decision = authorize(Perm.CONSENT_MANAGE, participant)
    form = ConsentForm()
    form.organisation.choices = _organisation_choices()
    if request.method == "GET":
        form.valid_from.data = now().date()
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            organisation_id = uuid.UUID(form.organisation.data) if form.organisation.data else None
        except ValueError:
            organisation_id = None
        evidence = form.evidence.data.read() if form.evidence.data else None
        guardians = [{"name": form.guardian1_name.data, "relation": form.guardian1_relation.data},
                     {"name": form.guardian2_name.data, "relation": form.guardian2_relation.data}]
        texts = services.current_notice_texts(db.session, "nb")
        notice = texts.get(form.purpose.data)
        start = datetime.combine(form.valid_from.data, datetime.min.time())
        if form.valid_from.data == now().date():
            start = now()
        try:
            services.grant(
                db.session, participant_id=participant.id, purpose=form.purpose.data,
                actor=current_user, legal_basis=form.legal_basis.data,
                organisation_id=organisation_id, statutory_reference=form.statutory_reference.data,
                valid_from=start,
                valid_until=(datetime.combine(form.valid_until.data, datetime.min.time())
                             if form.valid_until.data else None),
                given_by=form.given_by.data, guardians=guardians,
                maturity_reason=form.maturity_reason.data,
                data_categories=form.data_categories.data, method=form.method.data,
                witness=form.witness.data, evidence=evidence,
                notice_text_id=notice.id if notice else None)
        except services.ConsentError as exc:
            errors = exc.messages
        else:
            flash(_("The consent is recorded."), "success")
            return redirect(url_for("consent.records", participant_id=participant.id))
    return render_template("consent/new.html", participant=participant, form=form, errors=errors,
                           grounds=decision.grounds)


@bp.route("/<consent_id>/withdraw", methods=["POST"])
@requires(Perm.START_VIEW)
def withdraw(consent_id: str):
    record, participant = _record_and_participant(consent_id)
    authorize(Perm.CONSENT_MANAGE, participant)
    form = WithdrawForm()
    if form.validate_on_submit():
        services.withdraw(db.session, record, actor=current_user, channel=form.channel.data,
                          reason=form.reason.data)
        flash(_("The consent is withdrawn. It took effect at once."), "success")
    else:
        flash(_("The withdrawal could not be recorded: choose how it reached you."), "error")
    return redirect(url_for("consent.records", participant_id=participant.id))


@bp.route("/<consent_id>/receipt.pdf")
@requires(Perm.START_VIEW)
def receipt(consent_id: str):
    from consent.receipt import build_receipt

    record, participant = _record_and_participant(consent_id)
    decision = authorize(Perm.CONSENT_MANAGE, participant)
    language = request.args.get("lang", "nb")
    if language not in ("nb", "en"):
        abort(404)
    audit.record("consent.receipt_pdf", object_type="consent", object_id=record.id,
                 subject_id=participant.id, categories=["identity", "consent"],
                 grounds=decision.grounds)
    with force_locale(language):
        pdf = build_receipt(record, participant, current_user.display_name)
    response = make_response(pdf)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = 'attachment; filename="samtykke-kvittering.pdf"'
    return response


@bp.route("/<consent_id>/evidence")
@requires(Perm.START_VIEW)
def evidence(consent_id: str):
    """The stored evidence file, always as a download of the type found when it was checked
    (never rendered by the browser: attachment, nosniff)."""
    record, participant = _record_and_participant(consent_id)
    decision = authorize(Perm.CONSENT_MANAGE, participant)
    if not record.evidence_mimetype:
        abort(404)
    audit.record("consent.evidence_download", object_type="consent", object_id=record.id,
                 subject_id=participant.id, categories=["consent_evidence"],
                 grounds=decision.grounds)
    response = make_response(base64.b64decode(record.evidence))
    response.headers["Content-Type"] = record.evidence_mimetype
    extension = services.EVIDENCE_TYPES[record.evidence_mimetype]
    response.headers["Content-Disposition"] = f'attachment; filename="samtykke-bevis.{extension}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/overview")
@requires(Perm.CONSENT_OVERVIEW)
def overview():
    """Expiring, coming-of-age, missing and withdrawn consents — metadata only."""
    cases = select(Case).where(Case.status != CaseStatus.CLOSED.value)
    if not can(current_user, Perm.AUDIT_VIEW):  # coordinators: their own units only
        cases = cases.where(Case.unit_id.in_(current_user.unit_ids or {uuid.uuid4()}))
    active = list(db.session.scalars(cases))
    ids = {c.participant_id for c in active}
    expiring = services.expiring_soon(db.session, ids)
    coming_of_age = services.expiring_soon(db.session, ids, days=365)
    coming_of_age = [r for r in coming_of_age if r.valid_until_event == "turns_adult"]
    covered = services.participants_with_basis(db.session, ids, Purpose.FOLLOW_UP)
    lacking = [c for c in active if c.participant_id not in covered]
    withdrawn = services.withdrawals_between(db.session, now() - timedelta(days=30), now(), ids)
    by_participant = {c.participant_id: c for c in active}
    return render_template("consent/overview.html", expiring=expiring, coming_of_age=coming_of_age,
                           lacking=lacking, withdrawn=withdrawn, cases=by_participant,
                           labels_=LABELS)
