"""Security headers, safe redirects and the request id."""
from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import Flask, g

from caseapp.extensions import talisman

CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": ["'self'", "data:"],
    "font-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
    "object-src": "'none'",
}


def init_security(app: Flask) -> None:
    talisman.init_app(
        app,
        force_https=False,  # TLS ends at the reverse proxy; cookies are Secure by config
        strict_transport_security=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=True,
        content_security_policy=CSP,
        referrer_policy="no-referrer",
        frame_options="DENY",
        x_content_type_options=True,
        permissions_policy={"geolocation": "()", "camera": "()", "microphone": "()"},
    )

    @app.before_request
    def assign_request_id() -> None:
        g.request_id = secrets.token_hex(8)

    @app.after_request
    def no_store(response):
        # Pages can hold personal data: never keep them in shared or browser caches.
        if not response.headers.get("Cache-Control"):
            response.headers["Cache-Control"] = "no-store"
        return response


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None (no open redirects)."""
    if not target or not isinstance(target, str):
        return None
    target = target.strip()
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target
