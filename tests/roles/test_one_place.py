"""Access is decided in ``roles/`` only (issue 19).

Outside ``roles/`` no module compares role names: a rule about who may do something is named
in ``roles/`` and called. And every ``can()`` outside ``roles/`` asks for the permission of
the thing it shows or offers, never for another permission as a stand-in for a role (as the
consent overview once asked ``audit.view`` to mean "the privacy officer").
"""
from __future__ import annotations

import re
from pathlib import Path

from roles import Perm

ROOT = Path(__file__).resolve().parents[2]

# Where role names may still appear outside roles/, and why. Nothing here decides access.
ROLE_NAMES_ALLOWED = {
    "caseapp/accounts/": "the role grants themselves, and the administrator who assigns them",
    "caseapp/demo/": "demo and benchmark users are created with their roles",
    "audit/services.py": "an audit event records the actor's roles",
}
ROLE_WORDS = re.compile(
    r"\bhas_role\(|\brole_set\b(?!\|sort)|\bRole\.[A-Z_]+|\bWORKER_ROLES\b|\bRoleGrant\.role\b"
    r"""|(==|!=)\s*["'](coordinator|privacy_officer|admin)["']"""
    r"""|["'](coordinator|privacy_officer)["']\s*(==|!=|\bin\b)""")

# Pages that show each area's link or section to whoever may open it: any permission, asked
# without an object.
NAVIGATION = {"templates/base.html", "caseapp/main/views.py"}
# Every other can() outside roles/: the file, and the permissions it asks (what for).
ASKED = {
    "caseapp/cases/page.py": {Perm.CASE_NOTES_VIEW,  # the case page's protected parts
                               Perm.OUTCOME_WRITE, Perm.CONTACT_WRITE, Perm.CASE_UPDATE,  # buttons
                               Perm.MESSAGE_WRITE},  # the messages with the young person
    "templates/cases/detail.html": {Perm.CASE_REASSIGN, Perm.CONSENT_MANAGE,
                                    Perm.PARTICIPANT_REGISTER},  # buttons to those pages
    "templates/cases/mine.html": {Perm.PARTICIPANT_REGISTER},  # "Register a young person"
    "templates/plans/show.html": {Perm.PLAN_WRITE},  # "New version of the plan"
    "templates/admin/units.html": {Perm.UNITS_MANAGE},  # new unit, rename
    "caseapp/breakglass/views.py": {Perm.CASE_VIEW,  # no break-glass needed: straight to it
                                    Perm.BREAK_GLASS},
    "caseapp/participants/services.py": {Perm.CASE_VIEW},  # the person's case the user may open
    "caseapp/privacy/views.py": {Perm.AUDIT_VERIFY},  # the verification's grounds
    "templates/privacy/_verification.html": {Perm.AUDIT_VERIFY},  # the "verify" button
}
CAN = re.compile(r"\bcan\(\s*[\w.]+\s*,\s*Perm\.([A-Z_]+)")


def _sources():
    for folder in ("caseapp", "audit", "consent", "templates"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix in {".py", ".html"} and "migrations" not in path.parts:
                yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")


def test_no_module_outside_roles_compares_role_names():
    found = [f"{name}:{text.count(chr(10), 0, match.start()) + 1}: {match.group(0)}"
             for name, text in _sources() for match in ROLE_WORDS.finditer(text)
             if not any(name.startswith(allowed) for allowed in ROLE_NAMES_ALLOWED)]
    assert found == [], "name the rule in roles/ and call it"


def test_every_can_outside_roles_asks_for_what_it_shows():
    asked: dict[str, set[Perm]] = {}
    for name, text in _sources():
        if name in NAVIGATION:
            assert "can(current_user, Perm." in text or name.endswith(".py")
            continue
        for match in CAN.finditer(text):
            asked.setdefault(name, set()).add(Perm[match.group(1)])
    assert asked == ASKED, "ask for the thing's own permission, or name the rule in roles/"


def test_the_scans_see_the_code():
    """The patterns match what they are meant to (so the tests above can fail)."""
    assert ROLE_WORDS.search('if "privacy_officer" in {str(r) for r in user.role_set}:')
    assert ROLE_WORDS.search("if not user.has_role(Role.COORDINATOR):")
    assert not ROLE_WORDS.search("{% for role in user.role_set|sort %}{{ role.label }}")
    assert CAN.search("if not can(current_user, Perm.AUDIT_VIEW):").group(1) == "AUDIT_VIEW"
