"""Audit actions and grounds in words, for the staff who read the log (the privacy officer's
workspace and start page). The log keeps the codes; pages show these labels and keep the code
in a tooltip. ``ACTION_LABELS`` is also the registry of action names (``audit.actions``):
``audit.record`` refuses a name that has no line here. A code in the log that is no longer
registered is shown as it is rather than hidden.

The data subject's access report words the same events in the second person
(caseapp/privacy/report.py). The actor's roles are worded by ``roles.definitions.roles_label``.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    "access.denied": _l("Access refused"),
    "audit.access_report": _l("Made an access report"),
    "audit.checkpoint": _l("Signed an audit checkpoint"),
    "audit.export": _l("Exported the audit log"),
    "audit.verify": _l("Verified the audit log"),
    "backup.create": _l("Made a backup"),
    "backup.restore": _l("Restored a backup"),
    "break_glass.open": _l("Opened a case with emergency access"),
    "break_glass.reason_view": _l("Read the reason for an emergency access"),
    "break_glass.review": _l("Assessed an emergency access"),
    "case.calendar": _l("Downloaded a calendar invitation for the next meeting"),
    "case.close": _l("Closed a case"),
    "case.create": _l("Created a case"),
    "case.handover": _l("Handed a case over to another organisation"),
    "case.pause": _l("Paused a follow-up"),
    "case.reassign": _l("Reassigned a case"),
    "case.resume": _l("Resumed a follow-up"),
    "case.view": _l("Looked at a case"),
    "consent.evidence_download": _l("Downloaded the evidence for a consent"),
    "consent.expire": _l("A consent expired"),
    "consent.grant": _l("Registered a consent"),
    "consent.receipt_pdf": _l("Made a consent receipt (PDF)"),
    "consent.renew": _l("Renewed a consent"),
    "consent.view": _l("Looked at consents"),
    "consent.withdraw": _l("Registered that a consent was withdrawn"),
    "contact.create": _l("Registered a session"),
    "contact.delete": _l("Deleted a session"),
    "contact.edit": _l("Changed a session"),
    "contact.history_view": _l("Looked at the history of a session"),
    "contact.share": _l("Shared a session summary with the young person"),
    "contact.unshare": _l("Stopped sharing a session summary with the young person"),
    "contact.view": _l("Looked at a session"),
    "demo.load": _l("Loaded the demo data"),
    "demo.provider_account": _l("Made a demo sign-in account at the test provider"),
    "duty.run_again": _l("Queued a scheduled duty to run again"),
    "erasure.archive": _l("Decided a request for erasure: archive"),
    "erasure.crypto_shred": _l("Decided a request for erasure: erase"),
    "erasure.lift_letter": _l("Made the letter that a restriction is lifted"),
    "erasure.lift_restriction": _l("Lifted a restriction"),
    "erasure.restrict": _l("Decided a request for erasure: restrict"),
    "key.create": _l("Created a key"),
    "keys.backup": _l("Backed up the keys"),
    "login.failed": _l("Login failed (wrong password)"),
    "login.lockout": _l("Account locked after failed logins"),
    "login.oidc_failed": _l("Sign-in with the identity provider failed"),
    "login.refused_locked": _l("Login refused: the account is locked"),
    "login.refused_mfa": _l("Login refused: the identity provider did not confirm a second factor"),
    "login.success": _l("Logged in"),
    "login.totp_failed": _l("Login failed (wrong code)"),
    "logout": _l("Logged out"),
    "logout.provider": _l("Logged out at the identity provider"),
    "message.send": _l("Sent a message in a case"),
    "message.view": _l("Read the messages in a case"),
    "outcome.correct": _l("Corrected an outcome"),
    "outcome.history_view": _l("Looked at the history of an outcome"),
    "outcome.record": _l("Recorded an outcome"),
    "participant.export": _l("Exported a person's data"),
    "participant.import": _l("Imported people"),
    "participant.lookup": _l("Searched for a person"),
    "participant.register": _l("Registered a young person"),
    "participant.register_duplicate": _l("Tried to register a person who is already registered"),
    "participant.register_restricted": _l("Tried to register a person whose processing is restricted"),
    "participant.shred": _l("Erased a person's data (crypto-shredding)"),
    "participant.update": _l("Changed a person's details"),
    "placement.correct": _l("Corrected a workplace placement"),
    "placement.create": _l("Recorded a workplace placement"),
    "placement.end": _l("Ended a workplace placement"),
    "placement.history_view": _l("Looked at the history of a workplace placement"),
    "plan.agree": _l("The young person agreed to the follow-up plan"),
    "plan.disagree": _l("The young person did not agree to the follow-up plan"),
    "plan.pdf": _l("Made the follow-up plan as PDF"),
    "plan.save": _l("Saved the follow-up plan"),
    "plan.view": _l("Looked at the follow-up plan"),
    "portal.login": _l("The young person signed in"),
    "portal.view": _l("The young person looked at a page of My pages"),
    "portal.login_refused": _l("A young person's sign-in was refused"),
    "portal.logout": _l("The young person signed out"),
    "portal.session_expired": _l("The young person was signed out after inactivity"),
    "report.generate": _l("Made a statistics report"),
    "research.extract": _l("Included a person, without name, in a research extract"),
    "research.extract_created": _l("Made a research extract"),
    "retention.delete": _l("Deleted data past its retention period"),
    "retention.dry_run": _l("Checked what the retention rules would delete"),
    "retention.erase_reason": _l("Erased an emergency-access reason past its retention period"),
    "retention.flag_withdrawn": _l("Flagged a withdrawn consent past its retention period"),
    "session.expired": _l("Logged out after inactivity"),
    "totp.enrolled": _l("Set up the second login factor"),
    "transition.correct": _l("Corrected a school transition"),
    "transition.create": _l("Recorded a school transition"),
    "transition.history_view": _l("Looked at the history of a school transition"),
    "unit.create": _l("Created a unit"),
    "unit.update": _l("Renamed or changed a unit"),
    "user.change_password": _l("Chose their own password"),
    "user.create": _l("Created a user"),
    "user.deactivate": _l("Deactivated a user"),
    "user.oidc_invite": _l("Invited a user to sign in with the identity provider"),
    "user.oidc_linked": _l("Linked a user to the identity provider"),
    "user.reactivate": _l("Reactivated a user"),
    "user.reset_totp": _l("Reset a user's two-factor login"),
    "user.update": _l("Changed a user's name, e-mail, roles or units"),
    "user.update_contact": _l("Changed work contact details"),
}

GROUNDS_LABELS = {
    "administration": _l("Administration"),
    "authenticated": _l("Logged-in user"),
    "break_glass": _l("Emergency access with a written reason"),
    "consent_management": _l("Managing consents"),
    "coordinator_review": _l("Coordinator's review of the unit's cases"),
    "data_subject_request": _l("A person's request about their data"),
    "demo": _l("Demo data"),
    "handover_sender": _l("Handed the case over"),
    "import": _l("Import"),
    "own_account": _l("Own account"),
    "own_caseload": _l("Own case"),
    "own_data": _l("The person's own data"),
    "privacy_oversight": _l("The privacy officer's control"),
    "research_consent": _l("Consent to research"),
    "restriction": _l("Restricted processing"),
    "scheduled_report": _l("Scheduled report"),
    "worker_left": _l("The worker has left"),
}


OBJECT_LABELS = {  # the kinds of object an event is about: codes and table names
    "audit_log": _l("Audit log"),
    "backup": _l("Backup"),
    "break_glass": _l("Emergency access"),
    "break_glass_accesses": _l("Emergency access"),
    "case": _l("Case"),
    "cases": _l("Case"),
    "checkpoints": _l("Checkpoint"),
    "consent": _l("Consent"),
    "consent_records": _l("Consent"),
    "contact": _l("Session"),
    "contacts": _l("Session"),
    "duty": _l("Scheduled duty"),
    "erasure_decisions": _l("Erasure decision"),
    "guardians": _l("Guardian"),
    "handovers": _l("Handover"),
    "key": _l("Key"),
    "login_session": _l("Login session"),
    "message": _l("Message"),
    "messages": _l("Message"),
    "outcome": _l("Result"),
    "outcomes": _l("Result"),
    "participant": _l("Person"),
    "participants": _l("Person"),
    "placement": _l("Placement"),
    "placements": _l("Placement"),
    "plan": _l("Follow-up plan"),
    "plan_versions": _l("Follow-up plan"),
    "plans": _l("Follow-up plan"),
    "portal_session": _l("Login session on My pages"),
    "report": _l("Report"),
    "research_extract": _l("Research extract"),
    "transition": _l("Transition"),
    "transitions": _l("Transition"),
    "unit": _l("Unit"),
    "units": _l("Unit"),
    "user": _l("User"),
    "users": _l("User"),
}


def object_label(code: str | None) -> str:
    """The kind of object in words; an unknown code as it is."""
    return str(OBJECT_LABELS[code]) if code in OBJECT_LABELS else (code or "–")


def action_label(code: str | None) -> str:
    """The action in words; an unknown code as it is."""
    return str(ACTION_LABELS[code]) if code in ACTION_LABELS else (code or "–")


def grounds_label(code: str | None) -> str:
    return str(GROUNDS_LABELS[code]) if code in GROUNDS_LABELS else (code or "–")


def register_filters(app) -> None:
    app.add_template_filter(action_label, "audit_action")
    app.add_template_filter(grounds_label, "audit_grounds")
    app.add_template_filter(object_label, "audit_object")
