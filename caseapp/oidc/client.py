"""One OpenID Connect relying party (authorization code flow with PKCE), built on Authlib
(the OAuth 2 client: authorization URL, S256 challenge, token request, client authentication)
and joserfc (Authlib's JOSE library: JWKS, signature and claims of the ID token).

A ``Provider`` is one configured provider (``CASEAPP_OIDC_PROVIDERS[kind]``). Everything that
can go wrong raises ``OIDCError`` with a short reason code (for the audit log and the page);
provider messages and token contents never go into the reason.
"""
from __future__ import annotations

import hmac
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, import_key

from caseapp.clock import now

ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"]
DISCOVERY_TTL = 3600  # seconds a discovery document is kept


class OIDCError(Exception):
    """The sign-in failed; ``reason`` is a short code (never provider text or token data)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Settings:
    kind: str
    issuer: str
    client_id: str
    client_secret: str | None = None
    private_key_file: str | None = None
    scopes: list[str] = field(default_factory=lambda: ["openid"])
    clock_skew_seconds: int = 60
    max_age_seconds: int = 600  # an ID token issued longer ago is refused
    acr_values: list[str] = field(default_factory=list)  # sent with the request
    timeout_seconds: int = 5
    redirect_uri: str | None = None
    post_logout_redirect_uri: str | None = None
    options: dict[str, Any] = field(default_factory=dict)  # the kind's own settings

    @property
    def auth_method(self) -> str:
        return "private_key_jwt" if self.private_key_file else "client_secret_basic"


@dataclass
class Transaction:
    """What the browser's flow must bring back: kept in a signed cookie between the two legs."""

    state: str
    nonce: str
    code_verifier: str
    kind: str
    started: float
    next: str | None = None
    invited: str | None = None  # the account an administrator's invitation links (staff)


@dataclass
class Result:
    claims: dict[str, Any]
    id_token: str


class Provider:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._metadata: dict[str, Any] | None = None
        self._metadata_at = 0.0
        self._keys: KeySet | None = None
        self._lock = threading.Lock()
        self._private_key = (load_private_key(Path(settings.private_key_file))
                             if settings.private_key_file else None)

    # --- provider documents --------------------------------------------------------------

    def _get_json(self, url: str) -> dict[str, Any]:
        try:
            response = requests.get(url, timeout=self.settings.timeout_seconds)
            response.raise_for_status()
            document = response.json()
        except (requests.RequestException, ValueError):
            raise OIDCError("provider_unavailable") from None
        if not isinstance(document, dict):
            raise OIDCError("provider_unavailable")
        return document

    def metadata(self) -> dict[str, Any]:
        with self._lock:
            if self._metadata is None or time.monotonic() - self._metadata_at > DISCOVERY_TTL:
                issuer = self.settings.issuer.rstrip("/")
                document = self._get_json(f"{issuer}/.well-known/openid-configuration")
                if document.get("issuer") != self.settings.issuer:
                    raise OIDCError("issuer_mismatch")
                self._metadata, self._metadata_at = document, time.monotonic()
            return self._metadata

    def _key_set(self, refresh: bool = False) -> KeySet:
        with self._lock:
            # ID tokens come only from the provider's token endpoint, so an unknown key id
            # (the provider rotated its keys) fetches the JWKS again, once per token.
            if self._keys is None or refresh:
                document = self._get_json(self._metadata["jwks_uri"])  # type: ignore[index]
                try:
                    self._keys = KeySet.import_key_set(document)
                except (JoseError, ValueError, TypeError, KeyError):
                    raise OIDCError("provider_unavailable") from None
            return self._keys

    # --- the two legs of the flow --------------------------------------------------------

    def _session(self, redirect_uri: str) -> OAuth2Session:
        settings = self.settings
        secret = self._private_key if self._private_key is not None else settings.client_secret
        session = OAuth2Session(settings.client_id, secret, redirect_uri=redirect_uri,
                                scope=" ".join(settings.scopes), code_challenge_method="S256",
                                token_endpoint_auth_method=settings.auth_method)
        if self._private_key is not None:
            # private_key_jwt: a short-lived assertion signed with our key (its public half is
            # registered with the provider), instead of a shared secret
            session.register_client_auth_method(PrivateKeyJWT(
                self.metadata()["token_endpoint"], alg=self._private_key.alg or "RS256",
                headers={"kid": self._private_key.kid} if self._private_key.kid else None))
        return session

    def begin(self, redirect_uri: str, next_url: str | None = None) -> tuple[str, Transaction]:
        """The URL to send the browser to, and the transaction to keep until it returns."""
        metadata = self.metadata()
        if "S256" not in metadata.get("code_challenge_methods_supported", ["S256"]):
            raise OIDCError("provider_unsupported")
        transaction = Transaction(state=generate_token(32), nonce=generate_token(32),
                                  code_verifier=generate_token(64), kind=self.settings.kind,
                                  started=now().timestamp(), next=next_url)
        extra = {"nonce": transaction.nonce}
        if self.settings.acr_values:
            extra["acr_values"] = " ".join(self.settings.acr_values)
        with self._session(redirect_uri) as session:
            url, _state = session.create_authorization_url(
                metadata["authorization_endpoint"], state=transaction.state,
                code_verifier=transaction.code_verifier, **extra)
        return url, transaction

    def finish(self, transaction: Transaction, params: dict[str, str],
               redirect_uri: str) -> Result:
        """Check the browser's return against ``transaction``, redeem the code, check the ID
        token; return its claims."""
        if params.get("error"):
            raise OIDCError("provider_refused")
        state = params.get("state") or ""
        if not hmac.compare_digest(state.encode(), transaction.state.encode()):
            raise OIDCError("state_mismatch")
        if params.get("iss") and params["iss"] != self.settings.issuer:
            raise OIDCError("issuer_mismatch")  # RFC 9207: a mix-up attack
        code = params.get("code")
        if not code:
            raise OIDCError("no_code")
        metadata = self.metadata()
        try:
            with self._session(redirect_uri) as session:
                token = session.fetch_token(metadata["token_endpoint"], code=code,
                                            code_verifier=transaction.code_verifier,
                                            timeout=self.settings.timeout_seconds)
        except requests.RequestException:
            raise OIDCError("provider_unavailable") from None
        except Exception:  # an OAuth error answer (invalid_grant: used code, wrong verifier …)
            raise OIDCError("token_refused") from None
        id_token = token.get("id_token")
        if not isinstance(id_token, str):
            raise OIDCError("no_id_token")
        return Result(self.validate_id_token(id_token, transaction.nonce), id_token)

    # --- the ID token ----------------------------------------------------------------------

    def validate_id_token(self, id_token: str, nonce: str) -> dict[str, Any]:
        """Signature (the provider's JWKS; an unknown key id fetches it again, for rotation),
        then iss, aud/azp, exp, iat (with the configured skew) and nonce."""
        self.metadata()
        try:
            header = jws.extract_compact(id_token.encode("ascii")).headers()
        except (JoseError, ValueError, UnicodeError):
            raise OIDCError("token_malformed") from None
        if header.get("alg") not in ALGORITHMS:
            raise OIDCError("token_algorithm")  # "none" and HMAC algorithms are never accepted
        keys = self._key_set()
        kid = header.get("kid")
        if kid is not None and not any(key.kid == kid for key in keys):
            keys = self._key_set(refresh=True)
        try:
            token = jwt.decode(id_token, keys, algorithms=ALGORITHMS)
        except JoseError:
            raise OIDCError("token_signature") from None
        except ValueError:  # no key of the set matches
            raise OIDCError("token_signature") from None
        claims = token.claims
        at = int(now().timestamp())
        skew = self.settings.clock_skew_seconds
        registry = jwt.JWTClaimsRegistry(
            now=at, leeway=skew,
            iss={"essential": True, "value": self.settings.issuer},
            sub={"essential": True},
            aud={"essential": True, "value": self.settings.client_id},
            exp={"essential": True}, iat={"essential": True},
        )
        try:
            registry.validate(claims)
        except JoseError as error:
            name = getattr(error, "claim", None) or "claims"
            raise OIDCError(f"token_{name}" if name in {"iss", "aud", "exp", "iat", "sub"}
                            else "token_claims") from None
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != self.settings.client_id:
            raise OIDCError("token_aud")
        if claims["iat"] < at - self.settings.max_age_seconds - skew:
            raise OIDCError("token_iat")
        if not isinstance(claims.get("nonce"), str) or not hmac.compare_digest(
                claims["nonce"].encode(), nonce.encode()):
            raise OIDCError("nonce_mismatch")
        return claims

    # --- logout ---------------------------------------------------------------------------------

    def end_session_url(self, post_logout_redirect_uri: str, id_token_hint: str | None) -> str | None:
        """The provider's RP-initiated logout URL, or None when it has none (or is down)."""
        try:
            endpoint = self.metadata().get("end_session_endpoint")
        except OIDCError:
            return None
        if not endpoint:
            return None
        from urllib.parse import urlencode

        params = {"client_id": self.settings.client_id,
                  "post_logout_redirect_uri": post_logout_redirect_uri}
        if id_token_hint:
            params["id_token_hint"] = id_token_hint
        return f"{endpoint}?{urlencode(params)}"


def load_private_key(path: Path):
    """The private key of private_key_jwt: a JWK (JSON, with its ``kid``) or a PEM file."""
    data = path.read_bytes()
    if data.lstrip().startswith(b"{"):
        import json

        return import_key(json.loads(data))
    return import_key(data, "RSA")
