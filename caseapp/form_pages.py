"""The form page most changes share: validate, save, and either go on or show the refusal."""
from __future__ import annotations

from typing import Callable

from flask import flash, redirect, render_template

from caseapp.refusals import Refusal


def save_or_render(form, save: Callable[[], object], template: str, *, saved: str, then: str,
                   refusal: type[Refusal] = Refusal, **context):
    """On a valid post call ``save()``: done, flash ``saved`` and redirect to ``then``; refused
    (``refusal``, nothing saved), show its messages. Otherwise (and then) render ``template``
    with ``form``, ``errors`` and ``context``."""
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            save()
        except refusal as exc:
            errors = exc.messages
        else:
            flash(saved, "success")
            return redirect(then)
    return render_template(template, form=form, errors=errors, **context)
