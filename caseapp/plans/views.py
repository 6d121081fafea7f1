from __future__ import annotations

import uuid

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from caseapp.cases.models import Case
from caseapp.clock import local_now
from caseapp.contacts.services import contacts_for_case, next_planned
from caseapp.editing import SpecialCategoryWarning, opened_version
from caseapp.extensions import db
from caseapp.plans import services
from caseapp.plans.forms import PlanForm
from caseapp.plans.pdf import render_plan
from roles import Perm
from roles.guards import has_caseload, load, object_decides

bp = Blueprint("plans", __name__, url_prefix="/cases/<uuid:case_id>")


@bp.route("/plan")
@object_decides  # read-only: break-glass opens it too
def show(case_id: uuid.UUID):
    case, decision = load(Case, case_id, Perm.CASE_NOTES_VIEW)
    plan = services.show_plan(db.session, current_user, case, grounds=decision.grounds)
    versions = list(reversed(plan.versions)) if plan else []
    history = [(v, services.changes(plan.versions[v.number - 2] if v.number > 1 else None, v))
               for v in versions]
    return render_template("plans/show.html", case=case, plan=plan, history=history,
                           today=local_now().date())


@bp.route("/plan/edit", methods=["GET", "POST"])
@has_caseload
def edit(case_id: uuid.UUID):
    case, decision = load(Case, case_id, Perm.PLAN_WRITE)
    plan = services.plan_for(db.session, case)
    form = PlanForm()
    errors: list[str] = []
    special: list[str] = []
    conflict = None
    if not form.is_submitted():
        if plan is not None:
            services.show_plan(db.session, current_user, case, grounds=decision.grounds)
            form.fill(plan.current.content)
            form.review_date.data = plan.current.review_date
        form.version.data = str(plan.current.number if plan else 0)
    elif form.validate():
        try:
            services.save_plan(db.session, current_user, case, form.content(services.new_goal_key),
                               review_date=form.review_date.data, agreed=form.agreed.data,
                               version=opened_version(form.version.data), grounds=decision.grounds,
                               confirmed=form.special_ok.data)
        except services.StalePlan:
            plan = services.plan_for(db.session, case)
            opened = opened_version(form.version.data)
            conflict = [v for v in plan.versions if v.number > opened]
            form.version.data = str(plan.current.number)
            return render_template("plans/edit.html", case=case, form=form, errors=errors,
                                   conflict=conflict), 409
        except SpecialCategoryWarning as warning:
            special = warning.categories
        except services.PlanError as exc:
            errors = exc.messages
        else:
            flash(_("The plan is saved as a new version."), "success")
            return redirect(url_for("plans.show", case_id=case.id))
    return render_template("plans/edit.html", case=case, form=form, errors=errors,
                           conflict=conflict, special=special)


@bp.route("/plan.pdf")
@object_decides  # read-only: break-glass opens it too
def pdf(case_id: uuid.UUID):
    case, decision = load(Case, case_id, Perm.CASE_NOTES_VIEW)
    plan = services.show_plan(db.session, current_user, case, action="plan.pdf",
                              grounds=decision.grounds)
    if plan is None:
        flash(_("The case has no plan yet."), "error")
        return redirect(url_for("plans.show", case_id=case.id))
    language = "en" if request.args.get("lang") == "en" else "nb"
    next_meeting = next_planned(contacts_for_case(db.session, case), local_now().date())
    body = render_plan(plan, organisation=current_app.config["CASEAPP_ORGANISATION_NAME"],
                       next_meeting=next_meeting, language=language)
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="plan-{plan.current.number}.pdf"'})

