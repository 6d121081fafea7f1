"""How views ask ``roles``: a decorator for the view and a loader for objects.

Every view function is marked either ``@requires(Perm.X)`` or ``@public``; the URL × role test
fails for a view with neither. Denials are written to the audit log.
"""
from __future__ import annotations

import uuid
from functools import wraps
from typing import Any, Callable

from flask import abort
from flask_login import current_user

from audit.services import DENIED, record_now
from caseapp.extensions import db, login_manager
from roles.permissions import Perm, lookup
from roles.policy import Decision, can


def _deny(perm: Perm, obj: Any, status: int) -> None:
    record_now("access.denied", object_type=getattr(obj, "__tablename__", None),
               object_id=getattr(obj, "id", None), outcome=DENIED,
               subject_id=getattr(obj, "participant_id", None),
               details={"permission": perm.value})
    abort(status)


def requires(permission: str | Perm) -> Callable:
    """The view needs ``permission`` (without an object). Anonymous users go to the login."""
    perm = lookup(permission)

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not can(current_user, perm):
                _deny(perm, None, 403)
            return view(*args, **kwargs)

        wrapped.required_permission = perm  # type: ignore[attr-defined]
        return wrapped

    return decorator


def has_caseload(view: Callable) -> Callable:
    """The view acts on a case in one's own caseload (youth mentors and work leaders): other
    roles are refused with 403 before anything is loaded; the object check in the view
    (``load``) then decides for the one case."""
    return requires(Perm.CASE_LIST_OWN)(view)


def object_decides(view: Callable) -> Callable:
    """Any signed-in staff member may ask; the object check in the view (``load``) alone
    decides, answering 404 to whoever may not see that object (a break-glass access opens it
    like the worker's own)."""
    return requires(Perm.START_VIEW)(view)


def public(view: Callable) -> Callable:
    """The view is open to everyone (login page, health check, language switch)."""
    view.public = True  # type: ignore[attr-defined]
    return view


def authorize(permission: str | Perm, obj: Any) -> Decision:
    """Object-level check. A denied object answers 404 so its existence is not revealed."""
    perm = lookup(permission)
    if obj is None:
        abort(404)
    decision = can(current_user, perm, obj)
    if not decision:
        _deny(perm, obj, 404)
    return decision


def load(model: type, object_id: uuid.UUID, permission: str | Perm, *,
         via: str | None = None) -> tuple[Any, Decision]:
    """The ``model`` row called ``object_id`` (a ``<uuid:…>`` URL argument, so a malformed id
    never reaches the view) and the decision that the current user may ``permission`` on it,
    or on its ``via`` attribute (an outcome is checked through its ``case``). A missing or
    denied object answers 404; a denial is audited (``authorize``)."""
    obj = db.session.get(model, object_id)
    target = getattr(obj, via) if via and obj is not None else obj
    return obj, authorize(permission, target)


def own_units(permission: str | Perm, requested: str | None = None) -> list:
    """The current user's units, sorted, or only ``requested`` (a ``?unit=`` value) when it is
    one of them. Any other value answers 404, audited like every denial; a value that is not
    an id is not written to the log."""
    perm = lookup(permission)
    units = sorted(current_user.units, key=lambda unit: unit.display_name)
    if not requested:
        return units
    try:
        wanted = uuid.UUID(str(requested))
    except ValueError:
        wanted = None
    chosen = [unit for unit in units if unit.id == wanted]
    if not chosen:
        record_now("access.denied", object_type="unit", object_id=wanted, outcome=DENIED,
                   details={"permission": perm.value})
        abort(404)
    return chosen


def young_person(view: Callable) -> Callable:
    """The view belongs to the young person's own pages (caseapp/portal): it needs the young
    person's login session (its own cookie), never a staff one; without it, the sign-in page.
    It loads the person and their own cases (``caseapp.portal.me``: a neutral page when there
    is nothing to show); the view reaches objects only through ``me.own`` (``roles.own``).
    Staff views never accept that session (tests/portal: every staff URL is refused with it)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        from flask import redirect, url_for

        from caseapp.portal import me
        from caseapp.portal.sessions import current

        login = current()
        if login is None:
            return redirect(url_for("portal.signin"))
        me.load(login.participant_id)
        return view(*args, **kwargs)

    wrapped.young_person = True  # type: ignore[attr-defined]
    return wrapped
