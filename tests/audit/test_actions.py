"""The registry of audit action names (audit/actions.py): a misspelt action fails loudly
instead of writing an event no label, filter or report knows."""
from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale

import audit
from audit.actions import MAX_LENGTH, UnknownAuditAction, registered
from caseapp.privacy.erasure import Outcome
from audit.labels import ACTION_LABELS
from audit.services import count_events, record_now
from caseapp.extensions import db
from caseapp.revisions.models import Revised
from tests.test_i18n import CATALOGUE

NAME = re.compile(r"[a-z_]+(\.[a-z_]+)?")


@pytest.mark.parametrize("write", [audit.record, record_now])
def test_an_unknown_action_raises_and_writes_nothing(app, write):
    with pytest.raises(UnknownAuditAction, match=r"'case\.veiw'.*audit/labels\.py"):
        write("case.veiw", actor=None, object_type="case")
    db.session.commit()
    assert count_events(db.session) == 0


def test_a_registered_action_is_recorded(app):
    event = audit.record("case.view", actor=None, object_type="case")
    db.session.commit()
    assert event.seq == 1 and event.action == "case.view"


def test_every_registered_action_has_a_bokmal_label(app):
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    untranslated = []
    for name in sorted(registered()):
        assert NAME.fullmatch(name) and len(name) <= MAX_LENGTH, name
        with force_locale("en"):
            english = str(ACTION_LABELS[name])
        message = catalogue.get(english)
        if message is None or not message.string or message.fuzzy:
            untranslated.append(f"{name}: {english}")
    assert not untranslated, untranslated


def test_the_names_built_at_run_time_are_registered(app):
    """``f"erasure.{outcome}"`` for every decision the privacy officer can make, and
    ``f"{record.object_type}.history_view"`` for every record kept with its history."""
    assert {f"erasure.{outcome}" for outcome in Outcome} <= registered()
    revised = {kind.object_type for kind in Revised.__subclasses__()}
    assert revised == {"outcome", "transition", "placement"}
    assert {f"{kind}.history_view" for kind in revised} <= registered()
    assert {"transition.correct", "placement.correct", "placement.end"} <= registered()
