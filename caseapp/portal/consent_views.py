"""My consents (/meg/samtykker): every consent and waiver in plain words, one-tap withdrawal,
a new waiver to a named organisation and the receipts (issue #17 item 4).

What the young person may do alone is decided in ``consent.own`` (the age rules); these views
load the person's own records (``me.own``), call it and render."""
from __future__ import annotations

import uuid

from flask import flash, make_response, redirect, render_template, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _

from caseapp.clock import now
from caseapp.extensions import db
from caseapp.portal import me
from caseapp.portal.blueprint import bp
from caseapp.units.models import Organisation
from consent import own, services
from consent.forms import OwnWaiverForm, OwnWithdrawForm
from consent.models import ConsentRecord
from consent.purposes import DATA_CATEGORIES
from consent.receipt import build_receipt
from roles.guards import young_person

TEMPLATE = "portal/consents.html"


def _language() -> str:
    return "en" if str(get_locale()) == "en" else "nb"


def _waiver_form(**kwargs) -> OwnWaiverForm:
    """The form for a new waiver (``formdata=None``: blank, else from the request)."""
    form = OwnWaiverForm(**kwargs)
    choices = own.organisations_to_choose(db.session, me.current().participant)
    form.organisation.choices = [("", _("Choose an organisation"))] + [
        (str(o.id), o.name) for o in choices]
    return form


def _page(form: OwnWaiverForm, errors: list[str] = ()):
    person = me.current().participant
    me.seen("participant", person.id, ["consent"])
    return render_template(
        TEMPLATE, person=person, records=services.records_for(db.session, person.id), at=now(),
        form=form,
        errors=list(errors), withdraw_form=OwnWithdrawForm(formdata=None),
        may_grant=own.may_grant_alone(person), may_withdraw=own.may_withdraw_alone,
        notice=own.notice_text(db.session, _language()), categories=DATA_CATEGORIES,
        plain_categories=own.WAIVER_CATEGORIES)


@bp.route("/samtykker")
@young_person
def consents():
    return _page(_waiver_form(formdata=None))


@bp.route("/samtykker/<uuid:consent_id>/trekk", methods=["POST"])
@young_person
def consent_withdraw(consent_id: uuid.UUID):
    record = me.own(ConsentRecord, consent_id)
    if not OwnWithdrawForm().validate_on_submit():
        flash(_("Nothing was changed. Please try again."), "error")
        return redirect(url_for("portal.consents"))
    try:
        own.withdraw(db.session, me.current().participant, record)
    except services.ConsentError as refused:
        for message in refused.messages:
            flash(message, "error")
    else:
        flash(_("Your consent is withdrawn. It applies from now on."), "success")
    return redirect(url_for("portal.consents", _anchor=f"consent-{record.id}"))


@bp.route("/samtykker/ny", methods=["POST"])
@young_person
def waiver_new():
    form = _waiver_form()
    person = me.current().participant
    if not form.validate_on_submit():
        return _page(form, [_("Nothing was changed. Please try again.")])
    organisation = _chosen(form.organisation.data, person)
    if organisation is None:
        return _page(form, [_("Choose who may see it.")])
    try:
        record = own.grant_waiver(db.session, person, organisation=organisation,
                                  categories=form.categories.data or [],
                                  duration=form.duration.data or "",
                                  notice=own.notice_text(db.session, _language()))
    except services.ConsentError as refused:
        return _page(form, refused.messages)
    flash(_("%(organisation)s may now see what you chose.", organisation=organisation.name),
          "success")
    return redirect(url_for("portal.consents", _anchor=f"consent-{record.id}"))


def _chosen(value: str | None, person) -> Organisation | None:
    """The organisation chosen, when it is one the person may name now."""
    return next((o for o in own.organisations_to_choose(db.session, person)
                 if str(o.id) == value), None)


@bp.route("/samtykker/<uuid:consent_id>/kvittering.pdf")
@young_person
def consent_receipt(consent_id: uuid.UUID):
    record = me.own(ConsentRecord, consent_id)
    mine = me.current()
    me.seen("consent", record.id, ["identity", "consent"])
    worker = mine.case.worker.display_name if mine.case else _("your contact person")
    with force_locale(_language()):
        pdf = build_receipt(record, mine.participant, worker)
    response = make_response(pdf)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = 'attachment; filename="samtykke-kvittering.pdf"'
    return response
