"""The worker's side of the messages: the case's thread and a reply form."""
from __future__ import annotations

import uuid

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from caseapp.cases.models import Case
from caseapp.extensions import db
from caseapp.messages import services
from caseapp.messages.forms import MessageForm
from roles import Perm
from roles.guards import has_caseload, load
from roles.handover import hidden_before

bp = Blueprint("messages", __name__)


@bp.route("/cases/<uuid:case_id>/messages", methods=["GET", "POST"])
@has_caseload
def thread(case_id: uuid.UUID):
    case, decision = load(Case, case_id, Perm.MESSAGE_WRITE)
    form = MessageForm()
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            services.send_from_worker(db.session, current_user, case, form.body.data,
                                      decision.grounds)
        except services.MessageRefused as refused:
            errors = refused.messages
        else:
            flash(_("The message is sent."), "success")
            return redirect(url_for("messages.thread", case_id=case.id, _anchor="latest"))
    messages = services.open_as_worker(db.session, current_user, case, decision.grounds,
                                       hidden_before(case, current_user))
    return render_template("messages/thread.html", case=case, form=form, errors=errors,
                           messages=messages)
