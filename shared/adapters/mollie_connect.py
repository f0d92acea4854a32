"""Mollie Connect: a client links its own Mollie account to Inning's OAuth app, and Inning
creates and reads payments on that account with an access token.

The protocol (docs.mollie.com, "Authorize endpoint", "Generate tokens", Payments API):
- the client is sent to ``https://my.mollie.com/oauth2/authorize`` with ``client_id``,
  ``redirect_uri``, ``state``, ``scope`` (space-separated), ``response_type=code`` and
  ``approval_prompt``; Mollie sends the merchant back with ``code`` and ``state`` (or
  ``error`` and ``error_description``);
- ``POST https://api.mollie.com/oauth2/tokens`` with HTTP Basic (client id and secret) and a
  form body, ``grant_type=authorization_code`` + ``code`` (+ ``redirect_uri``), or
  ``grant_type=refresh_token`` + ``refresh_token``, answers ``access_token``,
  ``refresh_token``, ``expires_in`` (seconds), ``token_type`` and ``scope``;
- with an OAuth access token a payment must name the ``profileId`` it belongs to and
  whether it is ``testmode``; reading a test payment needs ``testmode=true`` too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import httpx

from shared.adapters.mollie import MollieClient, MollieError

SCOPES = ("payments.read", "payments.write", "refunds.read", "profiles.read", "organizations.read")


@dataclass(frozen=True)
class MollieTokens:
    access_token: str
    refresh_token: str | None
    expires_at: datetime
    scope: str


class MollieOAuth:
    def __init__(
        self,
        client_id: str,
        client_secret: str,
        *,
        authorize_url: str = "https://my.mollie.com/oauth2/authorize",
        api_url: str = "https://api.mollie.com",
        http: httpx.Client | None = None,
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.authorize_base = authorize_url
        self.token_url = f"{api_url.rstrip('/')}/oauth2/tokens"
        self.http = http or httpx.Client(timeout=15)

    def authorize_url(self, state: str, redirect_uri: str) -> str:
        query = {
            "client_id": self.client_id,
            "redirect_uri": redirect_uri,
            "state": state,
            "scope": " ".join(SCOPES),
            "response_type": "code",
            "approval_prompt": "auto",
        }
        return f"{self.authorize_base}?{urlencode(query)}"

    def exchange(self, code: str, redirect_uri: str, now: datetime) -> MollieTokens:
        return self._tokens(
            {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}, now
        )

    def refresh(self, refresh_token: str, now: datetime) -> MollieTokens:
        return self._tokens({"grant_type": "refresh_token", "refresh_token": refresh_token}, now)

    def _tokens(self, form: dict[str, str], now: datetime) -> MollieTokens:
        try:
            response = self.http.post(
                self.token_url, data=form, auth=(self.client_id, self.client_secret),
                headers={"Accept": "application/json"},
            )  # fmt: skip
        except httpx.TransportError as exc:
            raise MollieError(f"Mollie unreachable: {exc}", transient=True) from exc
        if response.status_code in (429, 500, 502, 503, 504):
            raise MollieError(f"Mollie answered {response.status_code}", transient=True)
        try:
            data: dict[str, Any] = response.json()
        except ValueError:
            data = {}
        if not response.is_success or "access_token" not in data:
            error = data.get("error") or data.get("title") or response.status_code
            detail = data.get("error_description") or data.get("detail") or ""
            raise MollieError(f"Mollie refused the token request ({error}): {detail}".rstrip(": "))
        return MollieTokens(
            access_token=str(data["access_token"]),
            refresh_token=data.get("refresh_token"),
            expires_at=now + timedelta(seconds=int(data.get("expires_in", 3600))),
            scope=str(data.get("scope", "")),
        )


class ConnectedMollie(MollieClient):
    """The payments client for a connected account: the bearer is a fresh access token on
    every call, payments name the account's profile and test mode."""

    def __init__(
        self,
        access_token: Callable[[], str],
        *,
        profile_id: str | None,
        testmode: bool,
        base_url: str = "https://api.mollie.com/v2",
        http: httpx.Client | None = None,
    ) -> None:
        super().__init__("", base_url=base_url, http=http)
        self.access_token = access_token
        self.profile_id = profile_id
        self.testmode = testmode

    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any] | None:
        self.headers = {**self.headers, "Authorization": f"Bearer {self.access_token()}"}
        if method == "POST" and path == "/payments":
            body = dict(kwargs.pop("json", {}))
            if self.profile_id:
                body["profileId"] = self.profile_id
            body["testmode"] = self.testmode
            kwargs["json"] = body
        elif method == "GET" and self.testmode:
            kwargs["params"] = {**kwargs.get("params", {}), "testmode": "true"}
        return super()._call(method, path, **kwargs)

    def profiles(self) -> list[dict[str, Any]]:
        data = self._call("GET", "/profiles") or {}
        return list((data.get("_embedded") or {}).get("profiles", []))

    def organization(self) -> dict[str, Any]:
        return self._call("GET", "/organizations/me") or {}
