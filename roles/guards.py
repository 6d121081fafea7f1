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
from caseapp.extensions import login_manager
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
