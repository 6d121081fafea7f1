"""Consent pages: a participant's records, recording, withdrawal, receipts, overview."""
from __future__ import annotations

import base64
import uuid
from datetime import datetime

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

import audit
from caseapp.clock import now
from caseapp.extensions import db
from caseapp.participants.models import Participant
from caseapp.units.services import organisations
from consent import services
from consent.forms import ConsentForm, WithdrawForm
from consent.models import ConsentRecord
from consent.overview import overview as consent_overview
from consent.purposes import CHANNEL_LABELS, GIVEN_BY_LABELS, METHOD_LABELS, PURPOSE_LABELS, Purpose
from roles import Perm
from roles.guards import authorize, load, object_decides, requires
from roles.oversight import sees_every_unit

bp = Blueprint("consent", __name__, url_prefix="/consent")
LABELS = {"purposes": PURPOSE_LABELS, "given_by": GIVEN_BY_LABELS, "methods": METHOD_LABELS,
          "channels": CHANNEL_LABELS}


def _record_and_participant(consent_id: uuid.UUID, permission: Perm):
    """The consent record and its participant, on whom ``permission`` is checked (404)."""
    record = db.session.get(ConsentRecord, consent_id)
    participant = db.session.get(Participant, record.participant_id) if record else None
    return record, participant, authorize(permission, participant)


@bp.route("/participant/<uuid:participant_id>")
@object_decides
def records(participant_id: uuid.UUID):
    participant, decision = load(Participant, participant_id, Perm.CONSENT_MANAGE)
    audit.record("consent.view", object_type="participant", object_id=participant.id,
                 subject_id=participant.id, categories=["identity", "consent"],
                 grounds=decision.grounds)
    return render_template("consent/records.html", participant=participant,
                           records=services.records_for(db.session, participant.id),
                           withdraw_form=WithdrawForm(formdata=None), at=now(), labels_=LABELS,
                           back_case=_case_to_return_to())


def _case_to_return_to() -> uuid.UUID | None:
    """?case=<id>: the case the worker came from, for "Back to the case" (only a link; the
    case page checks access itself)."""
    try:
        return uuid.UUID(request.args.get("case", ""))
    except ValueError:
        return None


def _organisation_choices():
    return [SelectChoice("", "–")] + [SelectChoice(str(o.id), o.name)
                                      for o in organisations(db.session)]


@bp.route("/participant/<uuid:participant_id>/new", methods=["GET", "POST"])
@object_decides
def new(participant_id: uuid.UUID):
    participant, decision = load(Participant, participant_id, Perm.CONSENT_MANAGE)
    form = ConsentForm()
    form.organisation.choices = _organisation_choices()
    if request.method == "GET":
        form.valid_from.data = now().date()
        # Prefilled from a refused handover: ?purpose=share&organisation=<id>
        if request.args.get("purpose") in {p.value for p in Purpose}:
            form.purpose.data = request.args["purpose"]
        if request.args.get("organisation") in {c.value for c in form.organisation.choices}:
            form.organisation.data = request.args["organisation"]
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
            return redirect(url_for("consent.records", participant_id=participant.id,
                                    case=_case_to_return_to()))
    return render_template("consent/new.html", participant=participant, form=form, errors=errors,
                           grounds=decision.grounds, back_case=_case_to_return_to())


@bp.route("/<uuid:consent_id>/withdraw", methods=["POST"])
@object_decides
def withdraw(consent_id: uuid.UUID):
    record, participant, _decision = _record_and_participant(consent_id, Perm.CONSENT_MANAGE)
    form = WithdrawForm()
    if form.validate_on_submit():
        services.withdraw(db.session, record, actor=current_user, channel=form.channel.data,
                          reason=form.reason.data)
        flash(_("The consent is withdrawn. It took effect at once."), "success")
    else:
        flash(_("The withdrawal could not be recorded: choose how it reached you."), "error")
    return redirect(url_for("consent.records", participant_id=participant.id))


@bp.route("/<uuid:consent_id>/receipt.pdf")
@object_decides
def receipt(consent_id: uuid.UUID):
    from consent.receipt import build_receipt

    record, participant, decision = _record_and_participant(consent_id, Perm.CONSENT_MANAGE)
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


@bp.route("/<uuid:consent_id>/evidence")
@object_decides
def evidence(consent_id: uuid.UUID):
    """The stored evidence file, always as a download of the type found when it was checked
    (never rendered by the browser: attachment, nosniff)."""
    record, participant, decision = _record_and_participant(consent_id, Perm.CONSENT_MANAGE)
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
    # coordinators: their own units only
    units = None if sees_every_unit(current_user) else set(current_user.unit_ids)
    return render_template("consent/overview.html", labels_=LABELS,
                           **consent_overview(db.session, units))
