"""The digests over TLS, sent by the real worker to a real SMTP server (aiosmtpd) whose
certificate comes from a CA made for the test (tests/certificates.py) and trusted through
CASEAPP_SMTP_CA_FILE: STARTTLS and implicit TLS deliver over an encrypted session; a
certificate nobody trusts, one for another host, and a server that does not offer STARTTLS
are refused before a single address is sent, and the duty fails as for any SMTP fault."""
from __future__ import annotations

import ssl
import uuid
from dataclasses import dataclass
from smtplib import SMTPNotSupportedError

import pytest
from sqlalchemy import select

import audit
from caseapp.extensions import db
from caseapp.jobs.mail import open_smtp
from caseapp.jobs.models import JobRun, MailDelivery
from caseapp.jobs.runner import tick
from caseapp.jobs.worker import work
from tests.certificates import CertificateAuthority
from tests.jobs.conftest import SmtpServer

OFFICER = "personvern@kommune.example"
TLS_VERSIONS = {"TLSv1.2", "TLSv1.3"}


@dataclass(frozen=True)
class Setup:
    """The server (``starttls``, ``tls`` or ``plain``), the names on its certificate, and the
    app's settings: CASEAPP_SMTP_SECURITY, and whether CASEAPP_SMTP_CA_FILE names the CA."""

    server: str
    security: str
    names: tuple[str, ...] = ("127.0.0.1",)
    ca_file: bool = True


@pytest.fixture(scope="module")
def ca(tmp_path_factory) -> CertificateAuthority:
    return CertificateAuthority(tmp_path_factory.mktemp("smtp-ca"))


@pytest.fixture
def mail(request, ca):
    setup: Setup = request.param
    context = ca.server_context(list(setup.names)) if setup.server != "plain" else None
    server = SmtpServer(starttls=context if setup.server == "starttls" else None,
                        implicit_tls=context if setup.server == "tls" else None)
    server.start()
    yield server, setup
    server.stop()


@pytest.fixture
def app_config(app_config, mail, ca):
    server, setup = mail
    return {**app_config, "CASEAPP_SMTP_HOST": "127.0.0.1", "CASEAPP_SMTP_PORT": server.port,
            "CASEAPP_SMTP_SECURITY": setup.security,
            "CASEAPP_SMTP_CA_FILE": str(ca.ca_file) if setup.ca_file else None,
            "CASEAPP_PUBLIC_URL": "https://caseapp.example"}


def _something_to_tell(factory, clock) -> None:
    """A privacy officer with an address, and a colleague flagged for bulk access: the weekly
    digest (due at the frozen Monday's tick) has a line for the officer."""
    officer = factory.user("privacy_officer")
    officer.email = OFFICER
    snooper = factory.user("youth_mentor")
    for _ in range(25):
        audit.record("case.view", actor=snooper, object_type="case", object_id=uuid.uuid4(),
                     subject_id=uuid.uuid4(), grounds="own_caseload")
        clock.advance(seconds=5)
    db.session.commit()


def _weekly_run() -> JobRun:
    db.session.expire_all()
    return db.session.scalar(select(JobRun).where(JobRun.duty == "digest_weekly"))


@pytest.mark.parametrize("mail", [Setup("starttls", "starttls"), Setup("tls", "tls")],
                         indirect=True, ids=["starttls", "tls"])
def test_the_digest_is_delivered_over_an_encrypted_session(app, mail, factory, clock, run_worker):
    server, _ = mail
    _something_to_tell(factory, clock)
    tick()
    run_worker()
    (message,) = [m for m in server.received if m["To"] == OFFICER]
    assert "masseoppslag" in message.get_body(("plain",)).get_content()
    # the server saw every address and every message inside TLS, none in plain text
    assert server.recipients and {version for _, version in server.recipients} <= TLS_VERSIONS
    assert set(server.tls) <= TLS_VERSIONS
    run = _weekly_run()
    assert run.status == "done" and run.summary["sent"] == len(server.received) == 1


REFUSED = {
    # the system's CAs do not know the municipality's CA
    "starttls-untrusted": (Setup("starttls", "starttls", ca_file=False),
                           "unable to get local issuer certificate"),
    "tls-untrusted": (Setup("tls", "tls", ca_file=False), "unable to get local issuer certificate"),
    # a trusted CA, but the certificate is another server's
    "starttls-wrong-host": (Setup("starttls", "starttls", names=("mail.other.example",)),
                            "mismatch, certificate is not valid for '127.0.0.1'"),
    "tls-wrong-host": (Setup("tls", "tls", names=("mail.other.example",)),
                       "mismatch, certificate is not valid for '127.0.0.1'"),
    # starttls configured, a server without it (or a man in the middle who removed it)
    "starttls-not-offered": (Setup("plain", "starttls"), None),
}


@pytest.mark.parametrize("mail, reason", REFUSED.values(), ids=REFUSED.keys(),
                         indirect=["mail"])
def test_a_server_that_cannot_be_verified_gets_nothing_and_the_duty_fails(
        app, mail, reason, factory, clock):
    server, _ = mail
    _something_to_tell(factory, clock)
    tick()
    work(app, burst=True, cron=False)  # the first attempt; its retry waits for its back-off
    run = _weekly_run()
    expected = "SMTPNotSupportedError" if reason is None else "SSLCertVerificationError"
    assert (run.status, run.attempts, run.last_error) == ("failed", 1, expected)
    assert server.recipients == [] and server.received == []  # not even an address
    assert db.session.scalars(select(MailDelivery)).all() == []  # the retry will send it
    with pytest.raises((SMTPNotSupportedError, ssl.SSLCertVerificationError)) as refused:
        open_smtp()
    if reason is not None:  # refused for this reason, not another
        assert reason in refused.value.verify_message
