"""The real OpenID provider for tests: tools/oidc_provider/server.mjs (npm `oidc-provider`) in
a Node.js process, and a small "person at the keyboard" that fills in its login and consent
pages over HTTP (the browser tests use Chromium instead)."""
from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests

ROOT = Path(__file__).resolve().parents[2]
SERVER = ROOT / "tools" / "oidc_provider" / "server.mjs"
STAFF_SECRET = "test-staff-secret-0123456789abcdef"
CITIZEN_SECRET = "test-citizen-secret-0123456789abcdef"
PASSWORD = "provider-password"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def app_bases(app_port: int) -> list[str]:
    """Where the app under test runs: the test client, and a live server on ``app_port``."""
    return ["http://localhost", "https://localhost", f"http://127.0.0.1:{app_port}"]


def clients(app_port: int, citizen_jwks: dict | None = None) -> list[dict]:
    bases = app_bases(app_port)
    citizen = {"client_id": "caseapp-citizen",
               "redirect_uris": [f"{b}/meg/login/callback" for b in bases],
               "post_logout_redirect_uris": [f"{b}/meg/logged-out" for b in bases],
               "response_types": ["code"], "grant_types": ["authorization_code"]}
    if citizen_jwks:
        citizen.update(token_endpoint_auth_method="private_key_jwt", jwks=citizen_jwks)
    else:
        citizen.update(token_endpoint_auth_method="client_secret_basic",
                       client_secret=CITIZEN_SECRET)
    return [
        {"client_id": "caseapp-staff", "client_secret": STAFF_SECRET,
         "redirect_uris": [f"{b}/login/oidc/callback" for b in bases],
         "post_logout_redirect_uris": [f"{b}/login" for b in bases],
         "token_endpoint_auth_method": "client_secret_basic",
         "response_types": ["code"], "grant_types": ["authorization_code"]},
        # Another application at the same provider (a token for it has the wrong audience).
        {"client_id": "other-app", "client_secret": "other-app-secret-0123456789abcdef",
         "redirect_uris": [f"{b}/login/oidc/callback" for b in bases],
         "token_endpoint_auth_method": "client_secret_basic",
         "response_types": ["code"], "grant_types": ["authorization_code"]},
        citizen,
    ]


def staff_account(oid: str, email: str, mfa: bool = True, verified: bool = True) -> dict:
    return {"password": PASSWORD, "amr": ["pwd", "mfa"] if mfa else ["pwd"],
            "claims": {"oid": oid, "email": email, "email_verified": verified,
                       "name": "Test Testesen"}}


def citizen_account(pid: str, acr: str = "idporten-loa-substantial") -> dict:
    return {"password": PASSWORD, "amr": ["TestID"], "acr": acr, "claims": {"pid": pid}}


class RunningProvider:
    def __init__(self, folder: Path, accounts: dict, app_port: int, jwks: dict | None = None,
                 citizen_jwks: dict | None = None, port: int | None = None) -> None:
        node = shutil.which("node")
        if node is None:
            raise RuntimeError("Node.js is needed for the test provider (make assets installs it)")
        self.port = port or free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.app_port = app_port
        config = {"issuer": self.issuer, "port": self.port, "accounts": accounts,
                  "clients": clients(app_port, citizen_jwks)}
        if jwks:
            config["jwks"] = jwks
        self.config_file = folder / f"provider-{self.port}.json"
        self.config_file.write_text(json.dumps(config), encoding="utf-8")
        self.log = (folder / f"provider-{self.port}.log").open("w")
        self.process = subprocess.Popen([node, str(SERVER), str(self.config_file)], cwd=ROOT,
                                        stdout=subprocess.PIPE, stderr=self.log, text=True)
        line = self.process.stdout.readline()
        if not line.startswith("ready"):
            self.stop()
            raise RuntimeError(f"the test provider did not start: {line!r}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        self.process.stdout.close()

    def settings(self, kind: str = "staff", **changes) -> dict:
        if kind == "staff":
            base = {"issuer": self.issuer, "client_id": "caseapp-staff",
                    "client_secret": STAFF_SECRET, "subject_claim": "oid"}
        else:
            base = {"issuer": self.issuer, "client_id": "caseapp-citizen",
                    "client_secret": CITIZEN_SECRET}
        return {**base, **changes}


INTERACTION = re.compile(r'action="(/interaction/[^"]+)"')


def sign_in(auth_url: str, login: str, password: str = PASSWORD,
            app_base: tuple[str, ...] = ("http://localhost/", "https://localhost/"),
            consent: bool = True, browser: requests.Session | None = None) -> str:
    """Follow ``auth_url`` through the provider's login (and consent) pages like a person;
    return the URL the provider sends the browser back to (on the app)."""
    browser = browser or requests.Session()
    url = auth_url
    for _step in range(20):
        if url.startswith(app_base):
            return url
        response = browser.get(url, allow_redirects=False, timeout=10)
        if response.is_redirect:
            url = urljoin(url, response.headers["Location"])
            continue
        actions = INTERACTION.findall(response.text)
        assert actions, f"no provider form at {url}: {response.status_code}"
        action = urljoin(url, actions[0])
        if action.endswith("/login"):
            data = {"login": login, "password": password}
        elif action.endswith("/confirm") and consent:
            data = {}
        else:
            action = urljoin(url, actions[-1])  # abort
            data = {}
        response = browser.post(action, data=data, allow_redirects=False, timeout=10)
        assert response.is_redirect, f"the provider refused the form: {response.status_code}"
        url = urljoin(action, response.headers["Location"])
    raise AssertionError("the provider did not send the browser back")


# --- the app's side, through the Flask test client ----------------------------------------

def provider_logout_url(response) -> str:
    """The provider logout URL of the page shown after a local logout."""
    import html

    assert response.status_code == 200
    match = re.search(r'id="provider-logout" href="([^"]+)"', response.text)
    assert match, "no onward link to the provider's logout"
    url = html.unescape(match.group(1))
    assert f'content="0;url={match.group(1)}"' in response.text  # and the page goes on by itself
    return url


def start(client, path: str = "/login/oidc") -> str:
    response = client.get(path)
    assert response.status_code == 302
    return response.headers["Location"]


def callback_path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def sign_in_as(client, login: str, start_path: str = "/login/oidc", **kwargs):
    """The whole round: the button, the provider's pages, back to the app."""
    return client.get(callback_path(sign_in(start(client, start_path), login, **kwargs)))
