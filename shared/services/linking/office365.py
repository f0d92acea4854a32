"""Linking a client's Office 365 mailbox: admin consent to Inning's multi-tenant app.

1. Staff ask for the consent URL (``POST /api/v1/clients/{c}/links/office365``) and give it
   to the client's Microsoft 365 administrator.
2. The administrator signs in at the Microsoft identity platform's admin consent endpoint
   (``/organizations/v2.0/adminconsent``) and grants the app's application permissions
   (``Mail.Send``, ``Mail.Read`` for bounce reports) for the whole tenant.
3. The identity platform redirects to ``/api/link/office365/callback`` with
   ``admin_consent=True``, ``tenant=<tenant id>`` and our ``state`` (or ``error`` and
   ``error_description``). Inning checks the state, proves the consent by obtaining an
   app-only token from that tenant, and records the tenant for the client.

From then on e-mail for the client is sent with a token from the client's own tenant
(:mod:`shared.adapters.channels.graph_tenants`). Without an Exchange application access
policy the consent covers every mailbox of the tenant; docs/operations.md says how the client
restricts it to the sending mailbox."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from urllib.parse import urlencode

from shared.adapters.tables.linked_accounts_repo import GraphLink, LinkedAccountRepository
from shared.clock import Clock
from shared.domain.messaging import PermanentSendError
from shared.services.errors import Invalid, NotFound
from shared.services.linking import finish_link, start_link
from shared.services.repositories import Repositories

_TENANT = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
GRAPH_DEFAULT_SCOPE = "https://graph.microsoft.com/.default"


class Office365Linking:
    def __init__(
        self,
        repos: Repositories,
        links: LinkedAccountRepository,
        clock: Clock,
        *,
        app_client_id: str,
        public_base_url: str,
        authority_host: str = "https://login.microsoftonline.com",
        prove_consent: Callable[[str], None] | None = None,
        forget: Callable[[str], None] | None = None,
        consent_retry_seconds: tuple[float, ...] = (2.0, 5.0),
    ) -> None:
        # a fresh consent takes a moment to reach the token service ("AADSTS700016 ... not
        # found in the directory" right after granting): try again before giving up
        self.consent_retry_seconds = consent_retry_seconds
        self.repos = repos
        self.links = links
        self.clock = clock
        self.app_client_id = app_client_id
        self.redirect_uri = f"{public_base_url.rstrip('/')}/api/link/office365/callback"
        self.authority_host = authority_host.rstrip("/")
        self.prove_consent = prove_consent
        self.forget = forget

    def consent_url(self, client_id: str) -> str:
        if not self.app_client_id:
            raise Invalid("no Office 365 app registration is configured (GRAPH_CLIENT_ID)")
        if self.repos.clients.get(client_id) is None:
            raise NotFound("no such client")
        state = start_link(self.links, client_id, "graph", self.clock.now())
        query = {
            "client_id": self.app_client_id,
            "scope": GRAPH_DEFAULT_SCOPE,
            "redirect_uri": self.redirect_uri,
            "state": state,
        }
        return f"{self.authority_host}/organizations/v2.0/adminconsent?{urlencode(query)}"

    def callback(self, params: Mapping[str, str]) -> GraphLink:
        client_id = finish_link(
            self.links, params.get("state", ""), ("graph",), self.clock.now()
        ).client_id
        if params.get("error"):
            raise Invalid(
                f"the administrator did not consent: {params.get('error_description') or params['error']}"
            )
        tenant = params.get("tenant", "").lower()
        if params.get("admin_consent", "").lower() != "true" or not _TENANT.match(tenant):
            raise Invalid("the consent response names no tenant")
        if self.prove_consent is not None:
            self._prove(tenant)
        found = self.repos.clients.get(client_id)
        if found is None:
            raise NotFound("no such client")
        link = GraphLink(client_id, tenant, found[0].contact_email or None, self.clock.now())
        self.links.save_graph(link)
        if self.forget is not None:
            self.forget(client_id)
        return link

    def _prove(self, tenant: str) -> None:
        """An app-only token from the tenant, or the identity platform's refusal."""
        assert self.prove_consent is not None
        for wait in (*self.consent_retry_seconds, None):
            try:
                self.prove_consent(tenant)
                return
            except PermanentSendError:
                if wait is None:
                    raise
                time.sleep(wait)
