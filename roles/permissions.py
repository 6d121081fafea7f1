"""The registry of named permissions. Asking for a name that is not here raises."""
from __future__ import annotations

from enum import StrEnum


class UnknownPermission(LookupError):
    pass


class Perm(StrEnum):
    START_VIEW = "start.view"  # one's own start page
    PROFILE_OWN = "profile.own"  # one's own account: work contact details
    CASE_LIST_OWN = "case.list_own"  # "Mine saker"
    CASE_VIEW = "case.view"  # open one case (object-level)
    BREAK_GLASS = "case.break_glass"  # open a case outside need-to-know, with a reason
    BREAK_GLASS_REVIEW = "audit.break_glass_review"  # the privacy officer's review list
    CASE_NOTES_VIEW = "case.notes_view"  # contact details, guardians and session notes (object)
    PARTICIPANT_REGISTER = "participant.register"  # register a person and open a case
    CASE_UPDATE = "case.update"  # transitions, placements, handover of one's own case (object)
    CASE_REASSIGN = "case.reassign"  # coordinator: another worker in the same unit (object)
    PLAN_WRITE = "plan.write"  # save a new version of a case's follow-up plan (object-level)
    OUTCOME_WRITE = "outcome.write"  # record outcomes, close a case, answer checkpoints (object)
    CONTACT_WRITE = "contact.write"  # log, edit and delete sessions in a case (object-level)
    MESSAGE_WRITE = "message.write"  # read and answer the young person's messages (object: case)
    CASELOAD_VIEW = "caseload.view"  # coordinator's units, metadata only
    AUDIT_VIEW = "audit.view"  # the audit log (metadata only)
    AUDIT_EXPORT = "audit.export"  # a search of the audit log as CSV (metadata only)
    AUDIT_VERIFY = "audit.verify"  # re-compute the audit log's hash chain from the workspace
    AUDIT_ACCESS_REPORT = "audit.access_report"  # "who has looked at my data" for one person
    SUBJECT_REQUESTS = "audit.subject_requests"  # Art. 15 exports and other data subject rights
    USERS_MANAGE = "users.manage"
    UNITS_VIEW = "units.view"
    OPERATIONS = "operations.manage"  # scheduled duties: last/next run, errors, run again
    UNITS_MANAGE = "units.manage"  # create and rename units (no data about young people)
    CONSENT_MANAGE = "consent.manage"  # record, withdraw, print receipts (object: participant)
    CONSENT_OVERVIEW = "consent.overview"  # expiring/missing consents (metadata)
    REPORTS_VIEW = "reports.view"  # outcome statistics and Nøkkeltall for own units (suppressed)
    REPORTS_EXACT = "reports.exact"  # the privacy officer's unperturbed statistics (audited)
    RESEARCH_EXTRACT = "reports.research_extract"  # pseudonymised extract, research consent only


def lookup(name: str | Perm) -> Perm:
    """Return the permission called ``name``; an unknown name is a programming error."""
    try:
        return Perm(name)
    except ValueError:
        raise UnknownPermission(f"No permission is registered as {name!r}.") from None
