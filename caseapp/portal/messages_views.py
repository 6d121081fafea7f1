"""Messages to and from the mentor (issue #17 item 6): the thread of the young person's current
case (or, once every case is closed, the latest one, to read) and a form to write."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from caseapp.extensions import db
from caseapp.messages import services
from caseapp.messages.forms import MessageForm
from caseapp.portal import me
from caseapp.portal.blueprint import bp
from roles.guards import young_person


@bp.route("/meldinger", methods=["GET", "POST"])
@young_person
def messages():
    person = me.current()
    case = person.thread_case
    form = MessageForm()
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            services.send_from_participant(db.session, person.participant, case, form.body.data)
        except services.MessageRefused as refused:
            errors = refused.messages
        else:
            flash(_("Your message is sent."), "success")
            return redirect(url_for("portal.messages", _anchor="latest"))
    thread = services.open_as_participant(db.session, person.participant, case)
    me.seen("case", case.id, services.CATEGORIES)
    return render_template("portal/messages.html", case=case, form=form, errors=errors,
                           messages=thread)
