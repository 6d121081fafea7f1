"""The administrator's operations page: the scheduler, and each duty's last and next run.
Counts and error kinds only: nothing about young people."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from caseapp.auth.forms import PostForm
from caseapp.clock import oslo_now
from caseapp.extensions import db
from caseapp.jobs import queue, services
from caseapp.jobs.duties import DUTIES
from caseapp.jobs.models import JobRun
from caseapp.jobs.runner import done_periods
from roles import Perm
from roles.guards import requires

bp = Blueprint("operations", __name__, url_prefix="/admin/operations")


def duty_rows() -> list[dict]:
    local = oslo_now()
    gave_up = set(queue.failed_duty_jobs())
    rows = []
    for duty in DUTIES.values():
        last = db.session.scalar(select(JobRun).where(JobRun.duty == duty.name)
                                 .order_by(JobRun.started_at.desc(), JobRun.id.desc()).limit(1))
        rows.append({"duty": duty, "last": last,
                     "next": duty.next_due(local, done_periods(db.session, duty.name)),
                     "gave_up": last is not None and (duty.name, last.period) in gave_up})
    return rows


@bp.route("/")
@requires(Perm.OPERATIONS)
def overview():
    return render_template("admin/operations.html", state=queue.scheduler_state(),
                           rows=duty_rows(), form=PostForm())


@bp.route("/<name>/<period>/run", methods=["POST"])
@requires(Perm.OPERATIONS)
def run_again(name: str, period: str):
    if name not in DUTIES or len(period) > 16:
        abort(404)
    if PostForm().validate_on_submit():
        try:
            services.run_again(db.session, current_user, name, period)
        except services.SchedulerDown as down:
            for message in down.messages:
                flash(message, "error")
        else:
            flash(_("The duty is queued to run again."), "success")
    return redirect(url_for("operations.overview"))
