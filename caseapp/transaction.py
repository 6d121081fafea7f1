"""The one owner of the database transaction.

A request's work is committed after the view when its response succeeds (status < 400) and
rolled back otherwise (``register``). A refusal or conflict (``caseapp.refusals``) created
during a request rolls the transaction back at once: nothing a service flushed before it
refused is stored, even when the form is shown again with status 200, and the page that says
so reads what is stored (a conflict page shows the winner's version). What the request does
after that — the audit event of what that page shows — is committed as on any page. Services
and views never roll back themselves; commands own their transaction with ``commit`` and
``rollback``.

An audit event that must stay although its transaction is rolled back (an attempt on a person
whose processing is restricted) is written with ``keep``: in the transaction at once (if that
write fails, nothing happens), and written again and committed by ``rollback``.

What happens outside the database because of a change (a job handed to Redis) is registered with
``on_commit``: it is done after the transaction, with its audit event, is committed, and dropped
if the transaction is rolled back — so the outside effect never happens without its record.
"""
from __future__ import annotations

from typing import Callable

from flask import Flask, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from caseapp.extensions import db

KEPT = "caseapp.kept_writes"
AFTER_COMMIT = "caseapp.after_commit"


def keep(session: Session, write: Callable[[Session], object]) -> None:
    """Do ``write`` now, in the transaction, and again after ``rollback`` rolls it back."""
    write(session)
    session.info.setdefault(KEPT, []).append(write)


def on_commit(session: Session, action: Callable[[], object]) -> None:
    """Do ``action`` once the transaction is committed; never if it is rolled back."""
    session.info.setdefault(AFTER_COMMIT, []).append(action)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    session.info.pop(KEPT, None)  # committed with the rest
    for action in session.info.pop(AFTER_COMMIT, []):
        action()


@event.listens_for(Session, "after_rollback")
def _drop_after_commit(session: Session) -> None:
    session.info.pop(AFTER_COMMIT, None)


def rollback(session: Session) -> None:
    """Roll the transaction back; the writes made with ``keep`` are made again and committed."""
    session.info.pop(AFTER_COMMIT, None)  # even when no statement had begun a transaction
    kept = session.info.pop(KEPT, [])
    session.rollback()
    if kept:
        for write in kept:
            write(session)
        session.commit()


def commit(session: Session) -> None:
    session.commit()


def refused() -> None:
    """A refusal or conflict was raised: in a request, what was flushed is rolled back now."""
    if has_request_context():
        rollback(db.session)


def register(app: Flask) -> None:
    """One commit per request: a change and its audit events are stored together or not at all."""

    @app.after_request
    def commit_or_rollback(response):
        if response.status_code < 400:
            commit(db.session)
        else:
            rollback(db.session)
        return response
