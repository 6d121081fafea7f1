"""Every audit action the code records has a label in words (audit/labels.py)."""
from __future__ import annotations

import re
from pathlib import Path

from audit.labels import ACTION_LABELS, GROUNDS_LABELS, OBJECT_LABELS, action_label

ROOT = Path(__file__).resolve().parents[2]
# The first string argument of the functions that pass an action on to audit.record, and the
# two branches of "a" if … else "b" in such a call.
CALL = re.compile(r"\b(?:record|record_now|_audit|_save|_register_failure|show_plan)\("
                  r"(?:[^()]|\([^()]*\))*?\"([a-z_]+(?:\.[a-z_]+)?)\"(?: if [^\n]* else \"([a-z_.]+)\")?")
ACTION_KW = re.compile(r"\baction=\"([a-z_]+\.[a-z_]+)\"")
CONSTANT = re.compile(r"^([A-Z_]+) = \"([a-z_]+\.[a-z_]+)\"", re.M)
OBJECT = re.compile(r"\bobject_type\s*=\s*\"([a-z_]+)\"")
GROUNDS = re.compile(r"(?:grounds=|_allow\(|_any_user\()\"([a-z_]+)\"")


def _sources():
    for package in ("caseapp", "audit", "consent", "roles"):
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts and "demo" not in path.parts:
                yield path.read_text(encoding="utf-8")


def recorded_actions() -> set[str]:
    found = set()
    for text in _sources():
        for match in CALL.finditer(text):
            found.update(a for a in match.groups() if a and "." in a or a == "logout")
        found.update(ACTION_KW.findall(text))
        # An action named by a constant: ATTEMPT = "…", then record(ATTEMPT, …).
        found.update(value for name, value in CONSTANT.findall(text)
                     if re.search(rf"\brecord(?:_now)?\({name}\b", text))
    return found


def test_every_recorded_action_has_a_label():
    actions = recorded_actions()
    assert {"case.view", "login.success", "transition.create", "case.resume", "audit.verify"} <= actions
    missing = sorted(actions - set(ACTION_LABELS))
    assert not missing, f"audit actions without a label in audit/labels.py: {missing}"


def test_every_grounds_has_a_label():
    grounds = {g for text in _sources() for g in GROUNDS.findall(text)}
    assert {"own_caseload", "break_glass", "privacy_oversight"} <= grounds
    assert not sorted(grounds - set(GROUNDS_LABELS))


def test_every_kind_of_object_has_a_label():
    kinds = {kind for text in _sources() for kind in OBJECT.findall(text)}
    assert {"case", "participant", "user", "transition", "placement"} <= kinds
    assert not sorted(kinds - set(OBJECT_LABELS))


def test_unknown_action_is_shown_as_its_code(app):
    assert action_label("something.new") == "something.new"
    assert action_label(None) == "–"
