"""E-mail from each client's own Office 365 mailbox, through ONE multi-tenant app
registration that every client's tenant admin consented to (shared/services/linking/).

Microsoft Graph's application permission ``Mail.Send`` is granted per tenant by admin
consent; the token must then come from that tenant's authority
(``https://login.microsoftonline.com/<tenant id>``). So this sender keeps one MSAL
confidential client (one :class:`GraphMailChannel`) per tenant, created on first use, and
picks the tenant from the client's link. A client without a link uses the agency's own tenant
(``GRAPH_TENANT_ID``) when one is set, and otherwise fails permanently with a clear reason
(the message goes to the action list: "link the client's mailbox")."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import datetime
from typing import Any

from shared.adapters.channels.graph_mail import GraphMailChannel
from shared.adapters.tables.linked_accounts_repo import LinkedAccountRepository
from shared.domain.messaging import (
    AS_AGENCY,
    SENT_AS,
    MessageContent,
    OutboundMessage,
    PermanentSendError,
    SendResult,
)
from shared.ports.channels import ChannelSender
from shared.ports.tables import TableStore
from shared.settings import Settings

TENANT_CACHE_SECONDS = 60.0


class PerTenantGraphMail:
    name = "graph"
    can_look_up = False

    def __init__(
        self,
        links: LinkedAccountRepository,
        *,
        client_id: str,
        client_secret: str,
        default_tenant: str | None = None,
        authority_host: str = "https://login.microsoftonline.com",
        graph_url: str = "https://graph.microsoft.com/v1.0",
        channel_options: dict[str, Any] | None = None,
    ) -> None:
        self.links = links
        self.client_id = client_id
        self.client_secret = client_secret
        self.default_tenant = default_tenant
        self.authority_host = authority_host
        self.graph_url = graph_url
        self.channel_options = channel_options or {}
        self._channels: dict[str, GraphMailChannel] = {}
        self._tenants: dict[str, tuple[float, str | None, str | None]] = {}
        self._lock = threading.Lock()

    def channel(self, tenant_id: str) -> GraphMailChannel:
        """One MSAL app per tenant: MSAL caches each tenant's token until it expires."""
        with self._lock:
            found = self._channels.get(tenant_id)
            if found is None:
                found = self._new_channel(tenant_id)
                self._channels[tenant_id] = found
            return found

    def _new_channel(self, tenant_id: str) -> GraphMailChannel:
        return GraphMailChannel(
            tenant_id=tenant_id, client_id=self.client_id, client_secret=self.client_secret,
            authority_host=self.authority_host, graph_url=self.graph_url, **self.channel_options,
        )  # fmt: skip

    def tenant_for(self, client_id: str) -> str | None:
        return self._link_for(client_id)[0]

    def _link_for(self, client_id: str) -> tuple[str | None, str | None]:
        """(tenant, linked mailbox): the client's link, else the agency's tenant and no
        mailbox of its own."""
        now = time.monotonic()
        with self._lock:
            cached = self._tenants.get(client_id)
            if cached and now - cached[0] < TENANT_CACHE_SECONDS:
                return cached[1], cached[2]
        link = self.links.graph(client_id)
        tenant = link.tenant_id if link else self.default_tenant
        mailbox = link.mailbox if link else None
        with self._lock:
            self._tenants[client_id] = (now, tenant, mailbox)
        return tenant, mailbox

    def prove_consent(self, tenant_id: str) -> None:
        """An app-only token from the tenant: only a tenant whose administrator consented
        issues one (raises PermanentSendError otherwise). A fresh MSAL app each time: MSAL
        throttles a request that was just refused, which would hide a consent that has since
        landed; the one that succeeds becomes the tenant's sender, its token cached."""
        fresh = self._new_channel(tenant_id)
        fresh._token()
        with self._lock:
            self._channels[tenant_id] = fresh

    def forget(self, client_id: str) -> None:
        with self._lock:
            self._tenants.pop(client_id, None)

    def drop_tenant(self, tenant_id: str) -> None:
        """Let go of the tenant's MSAL app and the app-only token it caches (a client
        unlinked its mailbox): a client of that tenant still linked gets a fresh one."""
        with self._lock:
            self._channels.pop(tenant_id, None)

    def _route(self, message: OutboundMessage) -> tuple[OutboundMessage, str | None, str | None]:
        """(the message as sent, tenant, linked mailbox): the client's link; for a message the
        collection agency sends from its own mailbox (its payment plan's notices, ``SENT_AS``)
        the agency's tenant (``GRAPH_TENANT_ID``). Without that tenant it goes from the
        client's linked mailbox, as before plans27 (its replies still reach the agency)."""
        if message.extra.get(SENT_AS) == AS_AGENCY:
            if self.default_tenant is not None:
                return message, self.default_tenant, None
            tenant, mailbox = self._link_for(message.client_id)
            return (replace(message, sender=mailbox) if mailbox else message), tenant, mailbox
        tenant, mailbox = self._link_for(message.client_id)
        return message, tenant, mailbox

    def send(self, message: OutboundMessage, content: MessageContent) -> SendResult:
        message, tenant, mailbox = self._route(message)
        if tenant is None:
            raise PermanentSendError(
                "the client has not linked its Office 365 mailbox (admin consent), and no "
                "agency tenant is configured"
            )
        if mailbox and (message.sender or "").lower() != mailbox.lower():
            # the link is for one mailbox (checked when it was made): a contact e-mail changed
            # since would send as another mailbox of the same organisation
            raise PermanentSendError(
                f"the client's mailbox link is for {mailbox}, not {message.sender}: link the "
                "mailbox again after changing the contact e-mail"
            )
        return self.channel(tenant).send(message, content)

    def look_up(self, message: OutboundMessage) -> SendResult | None:
        return None

    def can_confirm(self, message: OutboundMessage) -> bool:
        """As the tenant's channel (a lost answer is looked for in the sender's Sent Items)."""
        message, tenant, _ = self._route(message)
        return tenant is not None and self.channel(tenant).can_confirm(message)

    def confirm(self, message: OutboundMessage) -> SendResult | None:
        message, tenant, _ = self._route(message)
        return self.channel(tenant).confirm(message) if tenant is not None else None

    def bounces(self, mailbox: str, since: datetime) -> list[tuple[str, str, str, dict[str, str]]]:
        tenant = self.links.tenant_of_mailbox(mailbox) or self.default_tenant
        if tenant is None:
            return []
        return self.channel(tenant).bounces(mailbox, since)


def per_tenant_mail(
    settings: Settings, store: TableStore, single: ChannelSender | None
) -> PerTenantGraphMail | None:
    """The per-tenant sender when the app registration is set (``GRAPH_CLIENT_ID`` and
    ``GRAPH_CLIENT_SECRET``); ``GRAPH_TENANT_ID``, if set, is the fallback tenant."""
    p = settings.providers
    if not {"GRAPH_CLIENT_ID", "GRAPH_CLIENT_SECRET"} <= p.keys():
        return None
    return PerTenantGraphMail(
        LinkedAccountRepository(store),
        client_id=p["GRAPH_CLIENT_ID"],
        client_secret=p["GRAPH_CLIENT_SECRET"],
        default_tenant=p.get("GRAPH_TENANT_ID") or None,
        authority_host=p.get("GRAPH_AUTHORITY_HOST", "https://login.microsoftonline.com"),
        graph_url=p.get("GRAPH_URL", "https://graph.microsoft.com/v1.0"),
    )
