"""E-mail through SMTP: the digests for workers and coordinators and the privacy officer's
alerts. **No personal data in any message**: counts and a link only, never a young person's
name, national ID, case reference or note (tests/jobs/test_mail.py scans every message the
demo sends). Each user chooses how often (never, daily, weekly) and the language on their
profile page. Sent by the scheduled duties ``digest_daily`` and ``digest_weekly``.
"""
from __future__ import annotations

import smtplib
import ssl
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app, url_for
from flask_babel import force_locale, gettext as _, ngettext
from sqlalchemy import case as sql_case, func, or_, select
from sqlalchemy.orm import Session

from caseapp.accounts.models import RoleGrant, User
from caseapp.clock import now, oslo_now
from caseapp.jobs.models import MailDelivery
from roles.notices import Section, alert_grant, digest_grant, digest_sections

FREQUENCIES = ("never", "daily", "weekly")


class MailNotConfigured(RuntimeError):
    """CASEAPP_SMTP_HOST is not set (the duties check first and send nothing then)."""


@dataclass
class Digest:
    """What one user is told: lines of counts and the links. Empty lines: nothing to send."""

    lines: list[str] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)


# --- the counts ----------------------------------------------------------------------------------

def _limits():
    from caseapp.caseload.dashboard import Limits

    return Limits.from_config(current_app.config, today=oslo_now().date(), at=now())


def worker_counts(session: Session, user: User, days: int) -> dict[str, int]:
    """The worker's own cases: checkpoints due, no session lately, overdue goals, new cases."""
    from caseapp.cases.models import Case, CaseStatus
    from caseapp.caseload.dashboard import conditions
    from caseapp.handovers.models import Handover

    conds = conditions(_limits())
    keys = ("checkpoints", "no-contact", "overdue-goals")
    sums = session.execute(
        select(*(func.coalesce(func.sum(sql_case((conds[k], 1), else_=0)), 0) for k in keys))
        .where(Case.worker_id == user.id,
               or_(Case.status != CaseStatus.CLOSED.value, conds["checkpoints"]))).one()
    since = now() - timedelta(days=days)
    new = session.scalar(select(func.count(func.distinct(Case.id))).where(
        Case.worker_id == user.id, Case.status == CaseStatus.ACTIVE.value,
        or_(Case.created_at >= since, Case.id.in_(
            select(Handover.case_id).where(Handover.to_worker_id == user.id,
                                           Handover.created_at >= since)))))
    return {**dict(zip(keys, (int(v) for v in sums))), "new": int(new or 0)}


def coordinator_counts(session: Session, user: User) -> dict[str, int]:
    """The flags of the coordinator's units, as on the caseload dashboard."""
    from caseapp.caseload.dashboard import dashboard

    totals: dict[str, int] = {}
    for board in dashboard(session, list(user.units), _limits()):
        for key, value in board.totals.items():
            totals[key] = totals.get(key, 0) + value
    return totals


def privacy_counts(session: Session, days: int = 7) -> dict[str, int]:
    """For the privacy officer: break-glass accesses to review, staff flagged for bulk access
    in the last ``days`` days (as the audit workspace flags them), and whether the last
    verification of the audit chain failed."""
    from audit.services import last_verification
    from caseapp.privacy.workspace import Filters, Rules, search
    from caseapp.breakglass.models import BreakGlassAccess, Review

    since = oslo_now().date() - timedelta(days=days)
    bulk = search(session, Filters(date_from=since, flag="bulk"),
                  Rules.from_config(current_app.config))

    pending = session.scalar(select(func.count()).select_from(BreakGlassAccess)
                             .where(BreakGlassAccess.review == Review.PENDING.value))
    last = last_verification(session)
    return {"break_glass": int(pending or 0),
            "bulk": len({hit.event.actor_id for hit in bulk.hits}),
            "chain_broken": int(last is not None and not (last.details or {}).get("ok", False))}


def digest_for(session: Session, user: User, days: int) -> Digest:
    """The user's digest in the current locale: counts per role, and where to look."""
    digest = Digest()
    sections = digest_sections(user)
    if Section.CASELOAD in sections:
        c = worker_counts(session, user, days)
        for count, text in ((c["checkpoints"], ngettext("%(num)d checkpoint is due",
                                                        "%(num)d checkpoints are due", c["checkpoints"])),
                            (c["no-contact"], ngettext(
                                "%(num)d case without a session for %(days)d days",
                                "%(num)d cases without a session for %(days)d days", c["no-contact"],
                                days=current_app.config["CASEAPP_NO_CONTACT_DAYS"])),
                            (c["overdue-goals"], ngettext("%(num)d case with overdue plan goals",
                                                          "%(num)d cases with overdue plan goals",
                                                          c["overdue-goals"])),
                            (c["new"], ngettext("%(num)d new case", "%(num)d new cases", c["new"]))):
            if count:
                digest.lines.append(text)
        digest.links.append((_("My cases"), url_for("cases.mine", _external=True)))
    if Section.UNITS in sections:
        c = coordinator_counts(session, user)
        labels = {"no-contact": _("cases without a session lately"),
                  "overdue-goals": _("cases with overdue plan goals"),
                  "checkpoints": _("checkpoints due"),
                  "no-consent": _("cases without a valid consent"),
                  "consent-expiring": _("consents expiring soon")}
        digest.lines += [_("Your units: %(num)d %(what)s", num=c[key], what=label)
                         for key, label in labels.items() if c.get(key)]
        digest.links.append((_("Caseload"), url_for("caseload.overview", _external=True)))
    if Section.OVERSIGHT in sections:
        c = privacy_counts(session, days)
        if c["break_glass"]:
            digest.lines.append(ngettext("%(num)d break-glass access to review",
                                         "%(num)d break-glass accesses to review", c["break_glass"]))
            digest.links.append((_("Break-glass review"),
                                 url_for("breakglass.review_list", _external=True)))
        if c["bulk"]:
            digest.lines.append(ngettext("%(num)d staff member flagged for bulk access",
                                         "%(num)d staff members flagged for bulk access", c["bulk"]))
        if c["chain_broken"]:
            digest.lines.append(_("The last verification of the audit log FAILED."))
        digest.links.append((_("Audit log"), url_for("privacy.events", _external=True)))
    return digest


def render(digest: Digest) -> tuple[str, str]:
    subject = ngettext("caseapp: %(num)d thing needs your attention",
                       "caseapp: %(num)d things need your attention", len(digest.lines))
    body = [_("Hello,"), "", _("This is waiting for you in caseapp:")]
    body += [f"- {line}" for line in digest.lines]
    body.append("")
    body += [f"{label}: {link}" for label, link in digest.links]
    body += ["", _("This message holds counts only, never information about a person. Choose how "
                   "often you get it, or turn it off, on your profile page: %(link)s",
                   link=url_for("accounts.profile", _external=True))]
    return subject, "\n".join(body) + "\n"


# --- sending -------------------------------------------------------------------------------------

def message(to: str, subject: str, body: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = current_app.config["CASEAPP_MAIL_SENDER"]
    mail["To"] = to
    mail["Subject"] = subject
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = make_msgid(domain="caseapp")
    mail["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies
    mail.set_content(body)
    return mail


def tls_context() -> ssl.SSLContext:
    """Certificate and host-name verification always on; the CAs of CASEAPP_SMTP_CA_FILE (an
    internal relay's own CA) instead of the system's when it is set."""
    return ssl.create_default_context(cafile=current_app.config["CASEAPP_SMTP_CA_FILE"] or None)


def open_smtp() -> smtplib.SMTP:
    """A connection ready to send: with ``starttls`` a server that does not offer STARTTLS is
    refused (SMTPNotSupportedError) before anything is sent, never used in plain text."""
    config = current_app.config
    host = config["CASEAPP_SMTP_HOST"]
    if not host:
        raise MailNotConfigured()
    port, timeout = config["CASEAPP_SMTP_PORT"], config["CASEAPP_SMTP_TIMEOUT_SECONDS"]
    security = config["CASEAPP_SMTP_SECURITY"]
    if security == "tls":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout, context=tls_context())
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    try:
        if security == "starttls":
            smtp.starttls(context=tls_context())
        if config["CASEAPP_SMTP_USER"]:
            smtp.login(config["CASEAPP_SMTP_USER"], config["CASEAPP_SMTP_PASSWORD"] or "")
    except BaseException:  # refused: hang up now, not when the object is collected
        smtp.close()
        raise
    return smtp


class Outbox:
    """One SMTP connection for a run: opened at the first message, closed at the end."""

    def __init__(self) -> None:
        self.smtp: smtplib.SMTP | None = None

    def send(self, mail: EmailMessage) -> None:
        self.smtp = self.smtp or open_smtp()
        self.smtp.send_message(mail)

    def __enter__(self) -> "Outbox":
        return self

    def __exit__(self, *exc) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except smtplib.SMTPException:
                pass


@contextmanager
def addressed_to(user: User):
    """Links to this site (CASEAPP_PUBLIC_URL) and the user's language while writing to them."""
    with current_app.test_request_context("/", base_url=current_app.config["CASEAPP_PUBLIC_URL"]), \
            force_locale(user.digest_language):
        yield


def _delivered(session: Session, kind: str, period: str) -> set:
    return set(session.scalars(select(MailDelivery.user_id).where(
        MailDelivery.kind == kind, MailDelivery.period == period)))


def send_digests(session: Session, period: str, frequency: str, days: int) -> dict:
    """Send the digest to every active user who chose ``frequency`` and has something to be
    told; each delivery is committed once the server accepted it (a retry skips it). Users
    without an e-mail address are skipped and listed (usernames) in the summary."""
    if not current_app.config["CASEAPP_SMTP_HOST"]:
        return {"mail_off": 1}  # an installation without e-mail: nothing to send, no failure
    kind = f"digest_{frequency}"
    users = session.scalars(select(User).where(
        User.active.is_(True), User.digest_frequency == frequency,
        User.id.in_(select(RoleGrant.user_id).where(digest_grant(RoleGrant))))
        .order_by(User.username)).all()
    done = _delivered(session, kind, period)
    sent, nothing, no_email = 0, 0, []
    with Outbox() as outbox:
        for user in users:
            if user.id in done:
                continue
            with addressed_to(user):
                digest = digest_for(session, user, days)
                if not digest.lines:
                    nothing += 1
                    continue
                if not user.email:
                    no_email.append(user.username)
                    continue
                mail = message(user.email, *render(digest))
            outbox.send(mail)
            session.add(MailDelivery(user_id=user.id, kind=kind, period=period, sent_at=now()))
            session.commit()
            sent += 1
    summary = {"sent": sent, "already_sent": len(done), "nothing_to_say": nothing,
               "no_email": len(no_email)}
    if no_email:
        summary["no_email_users"] = ", ".join(no_email)
    return summary


ALERTS = {"chain_broken"}


def send_alert(session: Session, period: str, kind: str) -> int:
    """Alert every active privacy officer with an address at once (whatever digest they
    chose): for now, a failed nightly verification of the audit log. No details in the
    message beyond that fact and the link; each delivery is recorded as for the digests."""
    assert kind in ALERTS
    if not current_app.config["CASEAPP_SMTP_HOST"]:
        return 0
    officers = session.scalars(select(User).where(
        User.active.is_(True), User.email.is_not(None),
        User.id.in_(select(RoleGrant.user_id).where(alert_grant(RoleGrant))))
        .order_by(User.username)).all()
    done = _delivered(session, f"alert_{kind}", period)
    sent = 0
    with Outbox() as outbox:
        for user in officers:
            if user.id in done:
                continue
            with addressed_to(user):
                mail = message(user.email, _("caseapp: the audit log check FAILED"), "\n".join([
                    _("Hello,"), "",
                    _("The nightly verification of the audit log found a broken chain. Keep a "
                      "copy of the database and contact the system owner."), "",
                    f"{_('Audit log')}: {url_for('privacy.events', _external=True)}"]) + "\n")
            outbox.send(mail)
            session.add(MailDelivery(user_id=user.id, kind=f"alert_{kind}", period=period,
                                     sent_at=now()))
            sent += 1
    return sent
