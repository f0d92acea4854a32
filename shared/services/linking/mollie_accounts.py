"""A client's own Mollie account: linked through Mollie Connect (OAuth), or by handing Inning
an API key. Either way the credential lives in the secret store (Key Vault in Azure) under the
client's name (``client-<id>-mollie-refresh-token`` / ``client-<id>-mollie-key``), never in a
table or an app setting; the ``LinkedAccounts`` table only says which kind is linked.

:meth:`MollieAccounts.provider_for` is what online payments ask first: a linked client pays
into its own account; the webhook of such a payment is read back with the same credentials,
because the payment record names the client (shared/services/online_payments.py) and the
account it was started with (:meth:`MollieAccounts.account_of`). An account the client replaces
or unlinks is kept under its own name (``client-<id>-mollie-key-<account>``, and its
``mollie@<account>`` link row): Mollie knows a payment only in the account that made it, and its
refunds and chargebacks come for months, so those are read with it, never with a later one.

A test link (a ``test_`` key, or Connect with ``testmode``) takes no money: on Mollie's test
checkout the payer picks the status himself. Outside local development
(``allow_test_links=False``) only a client in sandbox mode may link one, to try its
integration; a client out of sandbox is refused (``mollie_test_link_live_client``), and a test
link kept past the client's approval starts no payment (online_payments.py, attack16 F5)."""

from __future__ import annotations

import re
import secrets as random
import threading
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

import httpx

from shared.adapters.mollie import MollieClient, MollieError
from shared.adapters.mollie_connect import ConnectedMollie, MollieOAuth
from shared.adapters.tables.linked_accounts_repo import LinkedAccountRepository, MollieLink
from shared.clock import Clock
from shared.domain.parties import Client
from shared.ports.secrets import SecretStore, client_secret_name
from shared.services.errors import Invalid, NotFound
from shared.services.linking import finish_link, start_link
from shared.services.repositories import Repositories


class LazySecrets:
    """The secret store, built on first use: a client without a linked Mollie account never
    loads the Key Vault client."""

    def __init__(self, factory: Callable[[], SecretStore]) -> None:
        self.factory = factory

    def get(self, name: str) -> str | None:
        return self.factory().get(name)

    def set(self, name: str, value: str) -> None:
        self.factory().set(name, value)

    def delete(self, name: str) -> None:
        self.factory().delete(name)


API_KEY = re.compile(r"^(test|live)_[A-Za-z0-9]{20,}$")
REFRESH_MARGIN = timedelta(minutes=2)


class MollieAccounts:
    def __init__(
        self,
        repos: Repositories,
        links: LinkedAccountRepository,
        secrets: SecretStore,
        clock: Clock,
        *,
        public_base_url: str,
        oauth: MollieOAuth | None = None,
        api_url: str = "https://api.mollie.com/v2",
        http: httpx.Client | None = None,
        allow_test_links: bool = True,
    ) -> None:
        # False outside local development: a client out of sandbox links no test account
        self.allow_test_links = allow_test_links
        self.repos = repos
        self.links = links
        self.secrets = secrets
        self.clock = clock
        self.oauth = oauth
        self.api_url = api_url
        self.http = http
        self.redirect_uri = f"{public_base_url.rstrip('/')}/api/link/mollie/callback"
        self._tokens: dict[str, tuple[str, datetime]] = {}
        self._lock = threading.Lock()

    # -- linking ------------------------------------------------------------------------
    def authorize_url(self, client_id: str, *, testmode: bool = False) -> str:
        if self.oauth is None:
            raise Invalid(
                "Mollie Connect is not configured (MOLLIE_CONNECT_CLIENT_ID/SECRET)",
                code="link_mollie_not_configured",
            )  # fmt: skip
        client = self._client(client_id)
        if testmode:
            self._may_link_test(client)
        state = start_link(
            self.links, client_id, "mollie-test" if testmode else "mollie", self.clock.now()
        )
        return self.oauth.authorize_url(state, self.redirect_uri)

    def callback(self, params: Mapping[str, str]) -> MollieLink:
        if self.oauth is None:
            raise Invalid("Mollie Connect is not configured", code="link_mollie_not_configured")
        now = self.clock.now()
        pending = finish_link(self.links, params.get("state", ""), ("mollie", "mollie-test"), now)
        client_id, testmode = pending.client_id, pending.provider == "mollie-test"
        if testmode:  # approved since the link was started: a test link is no longer its to make
            self._may_link_test(self._client(client_id))
        if params.get("error"):
            raise Invalid(
                f"Mollie authorisation refused: {params.get('error_description') or params['error']}",
                code="link_mollie_refused", params={"error": params["error"][:100]},
            )  # fmt: skip
        code = params.get("code", "")
        if not code:
            raise Invalid("Mollie sent no authorisation code", code="link_mollie_no_code")
        try:
            tokens = self.oauth.exchange(code, self.redirect_uri, now)
        except MollieError as exc:
            raise Invalid(
                f"Mollie did not exchange the authorisation code: {exc}",
                code="link_mollie_unreachable" if exc.transient else "link_mollie_exchange",
            ) from None
        if not tokens.refresh_token:
            raise Invalid("Mollie sent no refresh token", code="link_mollie_no_refresh_token")
        self._keep_current(client_id)
        self.secrets.set(
            client_secret_name(client_id, "mollie-refresh-token"), tokens.refresh_token
        )
        with self._lock:
            self._tokens[client_id] = (tokens.access_token, tokens.expires_at)
        api = ConnectedMollie(lambda: tokens.access_token, profile_id=None, testmode=testmode,
                              base_url=self.api_url, http=self.http)  # fmt: skip
        try:
            profiles = [p for p in api.profiles() if p.get("status") != "blocked"]
            organization = api.organization() if profiles else {}
        except MollieError as exc:
            raise Invalid(
                f"the Mollie account could not be read: {exc}",
                code="link_mollie_unreachable" if exc.transient else "link_mollie_unreadable",
            ) from None
        if not profiles:
            raise Invalid(
                "the Mollie account has no usable website profile", code="link_mollie_no_profile"
            )
        link = MollieLink(client_id, "connect", str(profiles[0]["id"]), organization.get("id"),
                          testmode, now, account=random.token_hex(6))  # fmt: skip
        self.links.save_mollie(link)
        return link

    def set_api_key(self, client_id: str, api_key: str) -> MollieLink:
        """Keep the client's own API key (checked with Mollie first) in the secret store."""
        client = self._client(client_id)
        key = api_key.strip()
        if not API_KEY.match(key):
            raise Invalid(
                "a Mollie API key starts with live_ or test_", field="api_key",
                code="mollie_key_shape",
            )  # fmt: skip
        if key.startswith("test_"):
            self._may_link_test(client)
        try:  # any authenticated read proves the key: the enabled payment methods
            MollieClient(key, base_url=self.api_url, http=self.http)._call("GET", "/methods")
        except MollieError as exc:
            raise Invalid(
                f"Mollie does not accept this key: {exc}", field="api_key",
                code="mollie_key_refused",
            ) from None  # fmt: skip
        self._keep_current(client_id)
        self.secrets.set(client_secret_name(client_id, "mollie-key"), key)
        link = MollieLink(client_id, "api_key", None, None, key.startswith("test_"),
                          self.clock.now(), account=random.token_hex(6))  # fmt: skip
        self.links.save_mollie(link)
        return link

    def unlink(self, client_id: str) -> None:
        link = self.links.mollie(client_id)
        if link is None:
            return
        purpose = _purpose(link)
        self._keep_current(client_id)  # its payments are still read with it
        self.secrets.delete(client_secret_name(client_id, purpose))
        self.links.unlink(client_id, "mollie")
        with self._lock:
            self._tokens.pop(client_id, None)

    def _keep_current(self, client_id: str) -> None:
        """Before the linked account is replaced or unlinked: keep its credential and link
        row under the account's own name, for the payments started through it."""
        link = self.links.mollie(client_id)
        if link is None:
            return
        current = self.secrets.get(client_secret_name(client_id, _purpose(link)))
        if current:
            self.secrets.set(_kept_name(link), current)
        self.links.keep_mollie_account(link, kept_at=self.clock.now())
        with self._lock:
            self._tokens.pop(client_id, None)  # the access token was the old account's

    def _may_link_test(self, client: Client) -> None:
        """A test link for a client out of sandbox mode, outside local development: refused
        (its debtors' "payments" would be test payments nobody paid, attack16 F5)."""
        if not self.allow_test_links and not client.sandbox:
            raise Invalid(
                f"client {client.number} is out of sandbox mode: link a live Mollie account "
                "(a live_ key, or Mollie Connect without testmode); a test account takes no money",
                field="api_key", code="mollie_test_link_live_client",
                params={"client": client.number},
            )  # fmt: skip

    def is_test_link(self, client: Client) -> bool:
        """The client links a test account now (a test_ key, or Connect in testmode)."""
        link = self.links.mollie(client.client_id)
        return link is not None and link.testmode

    def _client(self, client_id: str) -> Client:
        found = self.repos.clients.get(client_id)
        if found is None:
            raise NotFound("no such client")
        return found[0]

    # -- paying -------------------------------------------------------------------------
    def provider_for(self, client: Client) -> MollieClient | None:
        """The client's own Mollie account, or None when it linked none."""
        link = self.links.mollie(client.client_id)
        if link is None:
            return None
        if link.mode == "api_key":
            key = self.secrets.get(client_secret_name(client.client_id, "mollie-key"))
            if not key:
                raise Invalid(f"the Mollie key of client {client.number} is missing from the vault")
            return MollieClient(key, base_url=self.api_url, http=self.http)
        return ConnectedMollie(lambda: self.access_token(client.client_id), profile_id=link.profile_id,
                               testmode=link.testmode, base_url=self.api_url, http=self.http)  # fmt: skip

    def account_of(self, client: Client) -> str | None:
        """The name of the Mollie account the client links now (None: none linked)."""
        link = self.links.mollie(client.client_id)
        return link.account if link else None

    def provider_for_account(self, client: Client, account: str) -> MollieClient | None:
        """The Mollie account ``account`` the client linked, now or before (a payment's
        refunds and chargebacks are read with the account that made it); None when the client
        never linked it or its credential is gone."""
        link = self.links.mollie(client.client_id)
        if link is not None and link.account == account:
            return self.provider_for(client)
        kept = self.links.mollie_account(client.client_id, account)
        if kept is None:
            return None
        if kept.mode == "api_key":
            key = self.secrets.get(_kept_name(kept))
            return MollieClient(key, base_url=self.api_url, http=self.http) if key else None
        return ConnectedMollie(lambda: self.access_token(client.client_id, account),
                               profile_id=kept.profile_id, testmode=kept.testmode,
                               base_url=self.api_url, http=self.http)  # fmt: skip

    def access_token(self, client_id: str, account: str | None = None) -> str:
        """A valid access token: the cached one, or a new one from the refresh token (Mollie
        access tokens live an hour). A refresh token Mollie rotates is stored again.
        ``account``: an account the client linked before (its kept refresh token)."""
        now = self.clock.now()
        cache = client_id if account is None else f"{client_id}@{account}"
        with self._lock:
            cached = self._tokens.get(cache)
        if cached and cached[1] - REFRESH_MARGIN > now:
            return cached[0]
        if self.oauth is None:
            raise MollieError("Mollie Connect is not configured")
        name = client_secret_name(client_id, "mollie-refresh-token")
        if account is not None:
            name = client_secret_name(client_id, f"mollie-refresh-token-{account}")
        refresh = self.secrets.get(name)
        if not refresh:
            raise MollieError("the client's Mollie authorisation is missing: link it again")
        tokens = self.oauth.refresh(refresh, now)
        if tokens.refresh_token and tokens.refresh_token != refresh:
            self.secrets.set(name, tokens.refresh_token)
        with self._lock:
            self._tokens[cache] = (tokens.access_token, tokens.expires_at)
        return tokens.access_token


def _purpose(link: MollieLink) -> str:
    return "mollie-key" if link.mode == "api_key" else "mollie-refresh-token"


def _kept_name(link: MollieLink) -> str:
    """Where a replaced or unlinked account's credential is kept: its purpose and its name."""
    return client_secret_name(link.client_id, f"{_purpose(link)}-{link.account}")


kept_secret_name = _kept_name  # the retention sweep deletes it (mollie_retention.py)
