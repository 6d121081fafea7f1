"""My plan (/meg/plan): the current plan version in plain words — what the person works
towards, who does what, by when — and their own answer: "Jeg er enig", or not with a comment
that goes to the worker (``caseapp.plans.answers``)."""
from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import Length, Optional

from caseapp.cases.models import CaseStatus
from caseapp.clock import local_now
from caseapp.extensions import db
from caseapp.plans import answers
from caseapp.plans.models import PlanVersion
from caseapp.plans.services import PLAN_CATEGORIES, PlanError, plan_for
from caseapp.portal import me
from caseapp.portal.blueprint import bp
from roles.guards import young_person

TEMPLATE = "portal/plan.html"


class AnswerForm(FlaskForm):
    version = HiddenField()  # the plan version the person read (its id)
    comment = TextAreaField(_l("What do you want changed?"), validators=[Optional(), Length(
        max=answers.COMMENT_MAX, message=_l("Write at most %(max)d characters."))],
        description=_l("Your contact person reads this and talks with you about it."))


def _page(form: AnswerForm, errors=(), status: int = 200):
    person = me.current()
    case = person.case or person.cases[0]
    plan = plan_for(db.session, case)
    version = plan.current if plan else None
    if plan is not None:
        me.seen("plan", plan.id, PLAN_CATEGORIES)
        form.version.data = str(version.id)
    return render_template(TEMPLATE, case=case, version=version, form=form, errors=list(errors),
                           open=case.status != CaseStatus.CLOSED.value,
                           today=local_now().date()), status


@bp.route("/plan")
@young_person
def plan():
    return _page(AnswerForm())


@bp.route("/plan/answer", methods=["POST"])
@young_person
def answer_plan():
    """The buttons "Jeg er enig" (``agree``) and "Send" with a comment (``disagree``)."""
    form = AnswerForm()
    if not form.validate():
        return _page(form, status=400)
    version = me.own(PlanVersion, form.version.data)
    person = me.current().participant
    try:
        if "agree" in request.form:
            answers.agree(db.session, person, version)
        else:
            answers.disagree(db.session, person, version, form.comment.data)
    except PlanError as refused:
        return _page(form, refused.messages, status=409)
    return redirect(url_for("portal.plan", _anchor="answer"))
