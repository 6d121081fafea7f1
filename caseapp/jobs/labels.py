"""A duty's result in words on the operations page. The database keeps the counts under their
codes (``JobRun.summary``, also in the log line of each run); an administrator reads these
labels. A code without a label is shown as it is rather than hidden."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

COUNT_LABELS = {
    # consent_expiry
    "expired": _l("consents expired"),
    # retention (caseapp/privacy/retention.py)
    "login_session": _l("login sessions deleted"),
    "break_glass_reason": _l("emergency access reasons erased"),
    "closed_case": _l("people with only closed cases erased"),
    "withdrawn_consent": _l("withdrawn consents flagged for the privacy officer"),
    # audit_verify
    "events": _l("events verified"),
    "checkpoint": _l("signed up to event"),
    "alerted": _l("privacy officers alerted"),
    # digests (caseapp/jobs/mail.py)
    "sent": _l("e-mails sent"),
    "already_sent": _l("already sent"),
    "nothing_to_say": _l("users with nothing new"),
    "no_email": _l("users without an e-mail address"),
    "no_email_users": _l("without an e-mail address"),
}


def summary_text(summary: dict | None) -> str:
    """``{"ok": 1, "events": 52}`` → "the audit log is whole, events verified: 52"."""
    parts = []
    order = ["mail_off", "ok", *COUNT_LABELS]  # the same order on SQLite and PostgreSQL (jsonb)
    for key, value in sorted((summary or {}).items(),
                             key=lambda item: (order.index(item[0]) if item[0] in order
                                               else len(order), item[0])):
        if key == "mail_off":
            parts.append(_("e-mail is not set up: nothing sent"))
        elif key == "ok":
            parts.append(_("the audit log is whole") if value else _("the audit log is BROKEN"))
        elif key in COUNT_LABELS:
            parts.append(f"{COUNT_LABELS[key]}: {value}")
        else:
            parts.append(f"{key}: {value}")
    return ", ".join(parts)
