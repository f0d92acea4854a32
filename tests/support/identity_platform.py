"""A stand-in of the Microsoft identity platform (v2.0) and the bit of Graph a mailbox link
needs, enforcing what the documentation says a client must do:

- ``GET /{tenant}/v2.0/.well-known/openid-configuration``: the tenant's metadata (issuer
  ``<base>/{tenant}/v2.0``, token, authorize and ``jwks_uri`` endpoints);
- ``GET /{tenant}/discovery/v2.0/keys``: the signing keys (JWKS, RS256 with ``kid``);
- ``GET /organizations/oauth2/v2.0/authorize``: plays the browser's sign-in of the person the
  test put in :attr:`IdentityPlatform.signed_in` and redirects (302) to the registered
  ``redirect_uri`` with ``code`` and ``state``. An unknown app or redirect URI is an error page
  (400, no redirect); ``response_type`` other than ``code``, a scope without ``openid``, or no
  PKCE ``code_challenge`` with method ``S256`` redirect with ``error=invalid_request``;
- ``POST /{tenant|organizations}/oauth2/v2.0/token``: ``authorization_code`` (the app's secret,
  a code issued once for this app and redirect URI, and the PKCE ``code_verifier`` whose
  SHA-256 is the challenge; AADSTS errors as documented) returns a signed ID token with
  ``aud``, ``iss``, ``tid``, ``nonce``, ``iat``/``nbf``/``exp``; ``client_credentials`` an app-only
  token, only from a tenant that consented (AADSTS700016 otherwise);
- Graph ``GET /v1.0/users/{mailbox}`` (404 ``Request_ResourceNotFound`` outside the token's
  tenant) and ``POST /v1.0/users/{mailbox}/sendMail`` (403 with another tenant's token).

The test can make the platform misbehave the way an attacker's token would look
(:attr:`IdentityPlatform.tamper`: another key, another audience, another nonce, expired)."""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.support.stand_in import Received, Reply

APP_ID = "inning-app"
APP_SECRET = "app-secret"
REDIRECT_URI = "https://inning.example/api/link/office365/callback"


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class _Code:
    tenant: str
    user: str
    redirect_uri: str
    challenge: str
    nonce: str
    used: bool = False


@dataclass
class IdentityPlatform:
    base: str = ""
    consented: set[str] = field(default_factory=set)
    mailbox_tenant: dict[str, str] = field(default_factory=dict)
    signed_in: tuple[str, str] | None = None  # (user, tenant) the next authorize signs in
    # users holding the Global Administrator role: their ID token carries it in ``wids`` (as
    # Entra ID does for an app whose manifest asks for directory roles); every user's ``oid``
    # is the id Graph gives the same user
    admins: set[str] = field(default_factory=set)
    tamper: str | None = None  # "key" | "aud" | "nonce" | "expired" | "tid"
    not_yet: dict[str, int] = field(default_factory=dict)  # tenant -> refusals before consent lands
    tokens: list[str] = field(default_factory=list)  # tenants that issued an app-only token
    codes: dict[str, _Code] = field(default_factory=dict)
    key: rsa.RSAPrivateKey = field(default_factory=_new_key)
    kid: str = "stand-in-key-1"

    # -- dispatch ------------------------------------------------------------------------------
    def __call__(self, r: Received) -> Reply:
        parts = r.path.strip("/").split("/")
        if r.path.endswith("/v2.0/.well-known/openid-configuration"):
            return self._metadata(parts[0])
        if r.path.endswith("/discovery/v2.0/keys"):
            public = jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
            return Reply(body={"keys": [{**public, "kid": self.kid, "use": "sig", "alg": "RS256"}]})
        if r.path == "/organizations/oauth2/v2.0/authorize" and r.method == "GET":
            return self._authorize({k: v[0] for k, v in r.query.items()})
        if r.path.endswith("/oauth2/v2.0/token") and r.method == "POST":
            return self._token(parts[0], r.form())
        if parts[:2] == ["v1.0", "users"] and len(parts) >= 3:
            return self._graph(r, parts[2], parts[3:])
        return Reply(404, {"error": {"code": "ResourceNotFound"}})

    def _metadata(self, tenant: str) -> Reply:
        return Reply(body={
            "issuer": f"{self.base}/{tenant}/v2.0",
            "authorization_endpoint": f"{self.base}/{tenant}/oauth2/v2.0/authorize",
            "token_endpoint": f"{self.base}/{tenant}/oauth2/v2.0/token",
            "jwks_uri": f"{self.base}/{tenant}/discovery/v2.0/keys",
            "id_token_signing_alg_values_supported": ["RS256"],
        })  # fmt: skip

    # -- the browser's sign-in -----------------------------------------------------------------
    def _authorize(self, q: dict[str, str]) -> Reply:
        if q.get("client_id") != APP_ID:
            return Reply(
                400,
                "AADSTS700016: Application not found in the directory",
                {"Content-Type": "text/html"},
            )
        if q.get("redirect_uri") != REDIRECT_URI:
            return Reply(
                400, "AADSTS50011: The redirect URI does not match", {"Content-Type": "text/html"}
            )
        back = {"state": q.get("state", "")}
        problem = None
        if q.get("response_type") != "code":
            problem = "AADSTS900144: response_type must be code for this flow"
        elif "openid" not in q.get("scope", "").split():
            problem = "AADSTS900144: The request body must contain the scope openid"
        elif not q.get("code_challenge") or q.get("code_challenge_method") != "S256":
            problem = "AADSTS9002325: Proof Key for Code Exchange is required (S256)"
        if problem or self.signed_in is None:
            error = "invalid_request" if problem else "access_denied"
            back |= {
                "error": error,
                "error_description": problem or "The user canceled the sign-in",
            }
            return Reply(302, None, {"Location": f"{REDIRECT_URI}?{urlencode(back)}"})
        code = secrets.token_urlsafe(32)
        user, tenant = self.signed_in
        self.codes[code] = _Code(
            tenant, user, REDIRECT_URI, q["code_challenge"], q.get("nonce", "")
        )
        return Reply(302, None, {"Location": f"{REDIRECT_URI}?{urlencode(back | {'code': code})}"})

    # -- tokens ----------------------------------------------------------------------------------
    def _token(self, authority: str, form: dict[str, str]) -> Reply:
        if form.get("client_id") != APP_ID or form.get("client_secret") != APP_SECRET:
            return _aad(401, "invalid_client", "AADSTS7000215: Invalid client secret provided.")
        grant = form.get("grant_type")
        if grant == "client_credentials":
            return self._app_only(authority, form)
        if grant == "authorization_code":
            return self._redeem(form)
        return _aad(
            400,
            "unsupported_grant_type",
            "AADSTS70003: The app requested an unsupported grant type",
        )

    def _app_only(self, tenant: str, form: dict[str, str]) -> Reply:
        assert form["scope"] == f"{self.base}/.default"  # the Graph root's default scope
        if self.not_yet.get(tenant, 0) > 0:
            self.not_yet[tenant] -= 1
            unknown = True
        else:
            unknown = tenant not in self.consented
        if unknown:
            return _aad(400, "unauthorized_client",
                        f"AADSTS700016: Application with identifier '{APP_ID}' was not found in the directory '{tenant}'")  # fmt: skip
        self.tokens.append(tenant)
        return Reply(
            body={"token_type": "Bearer", "expires_in": 3599, "access_token": f"tok-{tenant}"}
        )

    def _redeem(self, form: dict[str, str]) -> Reply:
        code = self.codes.get(form.get("code", ""))
        if code is None:
            return _aad(
                400,
                "invalid_grant",
                "AADSTS70000: The provided authorization code is invalid or has expired.",
            )
        if code.used:
            return _aad(
                400, "invalid_grant", "AADSTS54005: OAuth2 Authorization code was already redeemed."
            )
        code.used = True
        if form.get("redirect_uri") != code.redirect_uri:
            return _aad(
                400,
                "invalid_grant",
                "AADSTS50148: The redirect_uri does not match the one of the authorization request.",
            )
        verifier = form.get("code_verifier")
        if not verifier:
            return _aad(
                400,
                "invalid_request",
                "AADSTS900144: The request body must contain the following parameter: 'code_verifier'.",
            )
        digest = (
            base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
            .rstrip(b"=")
            .decode()
        )
        if digest != code.challenge:
            return _aad(
                400,
                "invalid_grant",
                "AADSTS501481: The Code_Verifier does not match the code_challenge supplied in the authorization request.",
            )
        return Reply(body={"token_type": "Bearer", "scope": "openid profile", "expires_in": 3599,
                           "access_token": "user-token-not-used", "id_token": self._id_token(code)})  # fmt: skip

    def _id_token(self, code: _Code) -> str:
        now = int(time.time())
        tenant = code.tenant
        claims: dict[str, Any] = {
            "aud": APP_ID, "iss": f"{self.base}/{tenant}/v2.0", "tid": tenant,
            "nonce": code.nonce, "iat": now, "nbf": now, "exp": now + 3600,
            "preferred_username": code.user, "oid": "u-" + code.user.lower(),
            "sub": "subject", "ver": "2.0",
        }  # fmt: skip
        if code.user.lower() in self.admins:
            claims["wids"] = ["62e90394-69f5-4237-9190-012177145e10"]  # Global Administrator
        key = self.key
        if self.tamper == "key":
            key = _new_key()  # signed by someone else, same kid
        elif self.tamper == "aud":
            claims["aud"] = "another-app"
        elif self.tamper == "nonce":
            claims["nonce"] = "another-sign-in"
        elif self.tamper == "expired":
            claims |= {"iat": now - 7200, "nbf": now - 7200, "exp": now - 3600}
        elif self.tamper == "tid":
            claims["tid"] = "6f1c2d3e-0000-4000-8000-0000000000ee"  # iss says another tenant
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": self.kid})

    # -- Graph --------------------------------------------------------------------------------
    def _graph(self, r: Received, mailbox: str, rest: list[str]) -> Reply:
        auth = r.headers.get("authorization", "")
        if not auth.startswith("Bearer tok-"):
            return Reply(
                401,
                {
                    "error": {
                        "code": "InvalidAuthenticationToken",
                        "message": "Access token is empty.",
                    }
                },
            )
        tenant = auth.removeprefix("Bearer tok-")
        mine = self.mailbox_tenant.get(mailbox.lower()) == tenant
        if rest == ["sendMail"] and r.method == "POST":
            if not mine:
                return Reply(
                    403, {"error": {"code": "ErrorAccessDenied", "message": "Access is denied."}}
                )
            return Reply(202)
        if not rest and r.method == "GET":
            if not mine:
                return Reply(404, {"error": {"code": "Request_ResourceNotFound",
                                             "message": f"Resource '{mailbox}' does not exist or one of its queried reference-property objects are not present."}})  # fmt: skip
            return Reply(body={"id": "u-" + mailbox.lower(), "mail": mailbox,
                               "userPrincipalName": mailbox})  # fmt: skip
        return Reply(404, {"error": {"code": "ResourceNotFound"}})


def _aad(status: int, error: str, description: str) -> Reply:
    return Reply(status, {"error": error, "error_description": description,
                          "error_codes": [int(description[6:].split(":")[0])]})  # fmt: skip
