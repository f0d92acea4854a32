"""Signing a client's Microsoft 365 administrator in, to learn which tenant they belong to.

The admin consent redirect's ``tenant`` parameter is only a query parameter: anyone can edit
it, and a token from that tenant proves only that *some* administrator of it consented at some
time. So after consent Inning signs the administrator in with the OpenID Connect
authorization-code flow (Microsoft identity platform v2.0, ``/organizations`` authority):
``state`` binds the round trip to the link, ``nonce`` the ID token to it, PKCE (S256) the code
to the browser that started it. The ID token is validated here (RS256 signature against the
tenant's published keys, ``aud`` = our app, ``iss`` = ``<authority>/<tid>/v2.0`` as the
tenant's own metadata names it, ``nonce``, ``exp``/``nbf``/``iat``) and its ``tid`` is the
tenant. A Graph ``GET /users/{mailbox}`` with that tenant's app-only token then says whether
the mailbox to link lives there (application permission ``User.Read.All``).

Documented at learn.microsoft.com: "Microsoft identity platform and OAuth 2.0 authorization
code flow", "ID tokens" / "ID token claims reference", "Admin consent on the Microsoft
identity platform"."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import httpx
import jwt

TENANT_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
SIGN_IN_SCOPE = "openid profile"
LEEWAY_SECONDS = 120  # clock skew between us and the identity platform


class SignInError(Exception):
    """The identity platform refused, or what it returned does not hold up."""


# Microsoft Entra built-in role template ids (the ``wids`` claim): who may link any mailbox
# of the organisation. Anyone else may link only the mailbox they sign in as.
GLOBAL_ADMINISTRATOR = "62e90394-69f5-4237-9190-012177145e10"
EXCHANGE_ADMINISTRATOR = "29232cdf-9323-42fd-ade2-1d097af3e4de"
MAILBOX_ADMIN_ROLES = frozenset({GLOBAL_ADMINISTRATOR, EXCHANGE_ADMINISTRATOR})


@dataclass(frozen=True)
class SignedIn:
    tenant_id: str
    user: str  # preferred_username, for the record only (never an authorisation)
    object_id: str  # the signed-in user's id in the tenant's directory (``oid``)
    roles: frozenset[str] = frozenset()  # the directory roles' template ids (``wids``)

    def may_link(self, mailbox_user_id: str) -> bool:
        """The mailbox's own user, or an administrator of the organisation's mail."""
        return (bool(self.object_id) and self.object_id == mailbox_user_id) or bool(
            self.roles & MAILBOX_ADMIN_ROLES
        )


def pkce_pair() -> tuple[str, str]:
    """(code_verifier, S256 code_challenge), RFC 7636."""
    verifier = secrets.token_urlsafe(48)  # 64 characters of the unreserved set
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class MicrosoftSignIn:
    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str,
        authority_host: str = "https://login.microsoftonline.com",
        graph_url: str = "https://graph.microsoft.com/v1.0",
        http: httpx.Client | None = None,
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.authority_host = authority_host.rstrip("/")
        self.graph_url = graph_url.rstrip("/")
        self.http = http or httpx.Client(timeout=30)

    # -- the code flow ----------------------------------------------------------------------
    def authorize_url(self, redirect_uri: str, state: str, nonce: str, challenge: str) -> str:
        query = {
            "client_id": self.client_id,
            "response_type": "code",
            "redirect_uri": redirect_uri,
            "response_mode": "query",
            "scope": SIGN_IN_SCOPE,
            "state": state,
            "nonce": nonce,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
        return f"{self.authority_host}/organizations/oauth2/v2.0/authorize?{urlencode(query)}"

    def redeem(self, code: str, redirect_uri: str, verifier: str, nonce: str) -> SignedIn:
        """The code for tokens (with the PKCE verifier), and the validated ID token's tenant."""
        body = self._post(f"{self.authority_host}/organizations/oauth2/v2.0/token", {
            "client_id": self.client_id, "client_secret": self.client_secret,
            "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
            "code_verifier": verifier, "scope": SIGN_IN_SCOPE,
        })  # fmt: skip
        id_token = body.get("id_token")
        if not isinstance(id_token, str):
            raise SignInError("the identity platform returned no ID token")
        return self.validate(id_token, nonce)

    def validate(self, id_token: str, nonce: str) -> SignedIn:
        try:
            unverified = jwt.decode(id_token, options={"verify_signature": False})
            header = jwt.get_unverified_header(id_token)
        except jwt.PyJWTError as exc:
            raise SignInError(f"the ID token is malformed: {exc}") from None
        tenant = str(unverified.get("tid", ""))
        if not TENANT_ID.match(tenant):  # a GUID, so it is safe in the metadata URL below
            raise SignInError("the ID token names no tenant (tid)")
        issuer = f"{self.authority_host}/{tenant}/v2.0"
        meta = self._get(f"{issuer}/.well-known/openid-configuration")
        if meta.get("issuer") != issuer or not isinstance(meta.get("jwks_uri"), str):
            raise SignInError(f"the tenant's metadata does not name issuer {issuer}")
        key = self._signing_key(str(meta["jwks_uri"]), header)
        try:
            claims = jwt.decode(
                id_token, key, algorithms=["RS256"], audience=self.client_id, issuer=issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "aud", "iss", "tid", "nonce"]},
            )  # fmt: skip
        except jwt.PyJWTError as exc:
            raise SignInError(f"the ID token does not hold up: {exc}") from None
        if not hmac.compare_digest(str(claims["nonce"]), nonce) or claims["tid"] != tenant:
            raise SignInError("the ID token was not issued for this sign-in (nonce)")
        wids = claims.get("wids")
        roles = frozenset(str(r) for r in wids) if isinstance(wids, list) else frozenset()
        return SignedIn(
            tenant, str(claims.get("preferred_username", "")), str(claims.get("oid", "")), roles
        )

    def _signing_key(self, jwks_uri: str, header: dict[str, Any]) -> Any:
        if header.get("alg") != "RS256" or not header.get("kid"):
            raise SignInError("the ID token is not signed with a published RS256 key")
        for jwk in self._get(jwks_uri).get("keys", []):
            if isinstance(jwk, dict) and jwk.get("kid") == header["kid"]:
                try:
                    return jwt.PyJWK(jwk, algorithm="RS256").key
                except jwt.PyJWTError as exc:
                    raise SignInError(f"the tenant's signing key is unusable: {exc}") from None
        raise SignInError("the ID token's signing key is not among the tenant's keys")

    # -- the tenant's directory ---------------------------------------------------------------
    def app_token(self, tenant: str) -> str:
        """An app-only Graph token from ``tenant`` (client credentials); only a tenant whose
        administrator consented issues one."""
        if not TENANT_ID.match(tenant):
            raise SignInError("not a tenant id")
        body = self._post(f"{self.authority_host}/{tenant}/oauth2/v2.0/token", {
            "client_id": self.client_id, "client_secret": self.client_secret,
            "grant_type": "client_credentials",
            "scope": self.graph_url.split("/v1.0")[0].rstrip("/") + "/.default",
        })  # fmt: skip
        token = body.get("access_token")
        if not isinstance(token, str):
            raise SignInError("the identity platform returned no access token")
        return token

    def mailbox_user(self, tenant: str, mailbox: str) -> str | None:
        """The id of ``mailbox``'s user in ``tenant``'s directory; None when it is none of its."""
        url = f"{self.graph_url}/users/{quote(mailbox, safe='@.')}"
        try:
            r = self.http.get(url, params={"$select": "id,mail,userPrincipalName"},
                              headers={"Authorization": f"Bearer {self.app_token(tenant)}"})  # fmt: skip
        except httpx.HTTPError as exc:
            raise SignInError(f"Microsoft Graph unreachable: {exc}") from None
        if r.status_code == 404:
            return None
        if r.status_code != 200:
            raise SignInError(f"Microsoft Graph refused the mailbox look-up: {_error(r)}")
        user_id = _json(r).get("id")
        if not isinstance(user_id, str) or not user_id:
            raise SignInError("Microsoft Graph returned the mailbox without its user id")
        return user_id

    # -- HTTP ----------------------------------------------------------------------------------
    def _post(self, url: str, form: dict[str, str]) -> dict[str, Any]:
        try:
            r = self.http.post(url, data=form)
        except httpx.HTTPError as exc:
            raise SignInError(f"the identity platform is unreachable: {exc}") from None
        if r.status_code != 200:
            raise SignInError(f"the identity platform refused: {_error(r)}")
        return _json(r)

    def _get(self, url: str) -> dict[str, Any]:
        try:
            r = self.http.get(url)
        except httpx.HTTPError as exc:
            raise SignInError(f"the identity platform is unreachable: {exc}") from None
        if r.status_code != 200:
            raise SignInError(f"the identity platform refused {url}: {_error(r)}")
        return _json(r)


def _json(r: httpx.Response) -> dict[str, Any]:
    try:
        body = r.json()
    except ValueError:
        raise SignInError(f"not JSON from {r.request.url}") from None
    if not isinstance(body, dict):
        raise SignInError(f"unexpected answer from {r.request.url}")
    return body


def _error(r: httpx.Response) -> str:
    try:
        body = r.json()
    except ValueError:
        return f"HTTP {r.status_code}"
    if isinstance(body, dict):
        err = body.get("error")
        if isinstance(err, dict):  # Graph: {"error": {"code", "message"}}
            return f"{err.get('code')}: {err.get('message', '')}".strip()
        if err:  # identity platform: {"error", "error_description"}
            return str(body.get("error_description") or err)
    return f"HTTP {r.status_code}"
