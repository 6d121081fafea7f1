from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, jsonify, redirect, render_template, session, url_for
from flask_login import current_user

from caseapp.privacy import workspace
from caseapp.privacy.forms import FLAG_LABELS
from caseapp.accounts.services import list_users
from caseapp.cases.services import caseload_for_units
from caseapp.cases.overview import worker_overview
from caseapp.clock import local_now
from caseapp.extensions import db
from caseapp.outcomes.services import due_checkpoints
from caseapp.main.forms import LanguageForm
from caseapp.operations import health_problems
from caseapp.security import safe_next
from caseapp.units.services import all_units
from roles import Perm, can
from roles.guards import public, requires

bp = Blueprint("main", __name__)
STATEMENT_REVIEWED = date(2026, 11, 27)  # update with the accessibility statement


@bp.route("/")
@requires(Perm.START_VIEW)
def start():
    """One page, with a section for each role the user holds."""
    sections = {}
    if can(current_user, Perm.CASE_LIST_OWN):
        sections["cases"] = worker_overview(db.session, current_user)
    if can(current_user, Perm.CASE_LIST_OWN) or can(current_user, Perm.CASELOAD_VIEW):
        sections["checkpoints"] = due_checkpoints(db.session, current_user, local_now().date())
    if can(current_user, Perm.CASELOAD_VIEW):
        sections["caseload"] = caseload_for_units(db.session, list(current_user.units))
    if can(current_user, Perm.AUDIT_VIEW):
        sections["audit"] = workspace.search(db.session, workspace.Filters(),
                                             workspace.Rules.from_config(current_app.config), limit=10)
    if can(current_user, Perm.USERS_MANAGE):
        sections["admin"] = {"users": len(list_users(db.session)),
                             "units": len(all_units(db.session))}
    return render_template("main/start.html", sections=sections, flag_labels=FLAG_LABELS,
                           today=local_now().date())


@bp.route("/language", methods=["POST"])
@public
def language():
    form = LanguageForm()
    if form.validate_on_submit() and form.language.data in current_app.config["CASEAPP_LANGUAGES"]:
        session["language"] = form.language.data
    return redirect(safe_next(form.next.data) or url_for("main.start"))


@bp.route("/tilgjengelighet")
@public
def accessibility():
    """The accessibility statement (tilgjengelighetserklæring): what is tested, known gaps."""
    return render_template("main/accessibility.html", reviewed=STATEMENT_REVIEWED)


@bp.route("/health")
@public
def health():
    """For load balancers: database, key store and audit chain head reachable? 200 or 503,
    JSON naming each component; no session, no personal data (docs/monitoring.md). The
    scheduler's state is reported beside them: without it the app still serves."""
    from caseapp.jobs.queue import health as scheduler_health

    components = health_problems()
    failing = sorted(name for name, state in components.items() if state != "ok")
    response = jsonify(status="unavailable" if failing else "ok", components=components,
                       failing=failing, scheduler=scheduler_health())
    response.status_code = 503 if failing else 200
    return response
