"""The registry of audit action names. Recording a name that is not registered raises.

An action is registered by one line in ``ACTION_LABELS`` (audit/labels.py): its name and its
label in words. Names built at run time (``f"erasure.{outcome}"``) are registered one by one,
like any other. The log's column holds at most ``MAX_LENGTH`` characters.
"""
from __future__ import annotations

from audit.labels import ACTION_LABELS

MAX_LENGTH = 60  # audit_events.action


class UnknownAuditAction(LookupError):
    pass


def registered() -> frozenset[str]:
    return frozenset(ACTION_LABELS)


def check(name: str) -> str:
    """Return ``name`` if it is a registered action; an unknown name is a programming error."""
    if name not in ACTION_LABELS:
        raise UnknownAuditAction(
            f"No audit action is registered as {name!r}. Register it with one line in "
            f"ACTION_LABELS in audit/labels.py: the name and its label in words "
            f"(then `make messages` and the bokmål translation).")
    return name
