"""TOTP second factor (RFC 6238) with replay protection and QR enrolment."""
from __future__ import annotations

import hmac
import re
from datetime import UTC, datetime

import pyotp
import segno

CODE_RE = re.compile(r"^\d{6}$")


def new_secret() -> str:
    return pyotp.random_base32()


def matching_step(secret: str, code: str, at: datetime, last_step: int | None) -> int | None:
    """The time step ``code`` is valid for (±1 step of drift), or None.

    A step at or before ``last_step`` is refused, so a code cannot be used twice."""
    code = "".join(code.split())
    if not CODE_RE.match(code):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(at.replace(tzinfo=UTC))
    for step in (current - 1, current, current + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def provisioning_uri(secret: str, username: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=issuer)


def qr_svg_data_uri(uri: str) -> str:
    """The enrolment QR code as an SVG data URI (no inline script or style needed)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)
