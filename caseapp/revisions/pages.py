"""The correction page every correctable record shares: validate, save with the version the
user opened, and on a conflict show who saved in between while keeping the user's input."""
from __future__ import annotations

from typing import Callable

from flask import flash, redirect, render_template, url_for

from caseapp.editing import Refused, opened_version
from caseapp.extensions import db
from caseapp.revisions import services


def correction_page(record, form, template: str, save: Callable[[int], object], *,
                    saved: str, **context):
    """Render ``template`` with ``form`` for ``record``; on a valid post call ``save(version)``
    and go back to the case with the ``saved`` message. A stale version answers 409."""
    errors: list[str] = []
    if form.validate_on_submit():
        opened = opened_version(form.version.data)
        try:
            save(opened)
        except services.StaleRecord:
            conflict = services.newer_than(db.session, record, opened)
            form.version.data = str(record.version)
            return render_template(template, form=form, case=record.case, errors=[],
                                   conflict=conflict, **context), 409
        except Refused as exc:
            errors = exc.messages
        else:
            flash(saved, "success")
            return redirect(url_for("cases.detail", case_id=record.case_id))
    return render_template(template, form=form, case=record.case, errors=errors, **context)
