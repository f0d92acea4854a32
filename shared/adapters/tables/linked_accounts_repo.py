"""A client's own provider accounts: the Office 365 tenant that consented to Inning's
multi-tenant app, and the Mollie account (Mollie Connect or an API key). The credentials
themselves are never here: they live in Key Vault (shared/adapters/secrets/); this table says
which account is linked, since when, and the OAuth ``state`` of a link in progress.

Table          PartitionKey   RowKey            serves
LinkedAccounts client id      "graph"           the client's tenant id (and mailbox)
               client id      "mollie"          mode (connect / api_key), profile, testmode
               client id      "mollie@<account>" a Mollie account the client linked (kept
                                                after a relink or unlink: its payments are
                                                still read with it)
               "mailbox"      mailbox address   tenant of a mailbox (bounce scanning)
               "state"        random state      a consent or authorisation in progress (a
                                                sign-in's nonce and PKCE verifier with it)
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from shared.adapters.tables.keys import decode, encode
from shared.ports.tables import (
    Conflict,
    PreconditionFailed,
    Row,
    TableStore,
    all_rows,
    prefix_range,
)

LINKED_ACCOUNTS = "LinkedAccounts"
TABLES = (LINKED_ACCOUNTS,)
STATE_LIFETIME = timedelta(minutes=30)


@dataclass(frozen=True)
class GraphLink:
    client_id: str
    tenant_id: str
    mailbox: str | None
    linked_at: datetime


@dataclass(frozen=True)
class MollieLink:
    client_id: str
    mode: str  # "connect" (OAuth, Mollie Connect) or "api_key"
    profile_id: str | None
    organization_id: str | None
    testmode: bool
    linked_at: datetime
    # which link this is: payments started through it name it, and are read with it later,
    # also after the client linked another account or none (shared/services/online_payments.py)
    account: str = ""


def mollie_account_of(mode: str, linked_at: datetime) -> str:
    """The account name of a link saved before links named one: derived from what the row
    holds, so every reader of the same row finds the same name."""
    return "l" + hashlib.sha256(f"{mode}|{linked_at.isoformat()}".encode()).hexdigest()[:12]


@dataclass(frozen=True)
class KeptMollieAccount:
    link: MollieLink
    kept_at: datetime | None  # None: the current link's row, or kept before this was written
    etag: str | None


@dataclass(frozen=True)
class PendingLink:
    state: str
    client_id: str
    provider: str  # "graph", "graph_signin" or "mollie"
    expires_at: datetime
    nonce: str = ""  # an OpenID Connect sign-in's nonce and PKCE verifier (graph_signin)
    verifier: str = ""


class MailboxTaken(Exception):
    """The mailbox is linked by another client already: the first link stands."""

    def __init__(self, mailbox: str, owner: str) -> None:
        super().__init__(mailbox)
        self.mailbox = mailbox
        self.owner = owner


class LinkedAccountRepository:
    def __init__(self, store: TableStore) -> None:
        self.store = store

    # -- Office 365 ---------------------------------------------------------------------
    def save_graph(self, link: GraphLink) -> None:
        """The client's link, and the mailbox's owner row: inserted, never overwritten, so a
        mailbox another client linked stays theirs (:class:`MailboxTaken`; the operator
        resolves a dispute). Relinking the client's own mailbox refreshes its tenant."""
        data: dict[str, Any] = {"TenantId": link.tenant_id, "LinkedAt": link.linked_at}
        if link.mailbox:
            data["Mailbox"] = link.mailbox
            key = encode(link.mailbox.lower())
            owner = {"TenantId": link.tenant_id, "ClientId": link.client_id}
            try:
                self.store.insert(LINKED_ACCOUNTS, Row("mailbox", key, owner))
            except Conflict:
                found = self.store.get(LINKED_ACCOUNTS, "mailbox", key)
                if found is not None and found.data.get("ClientId") != link.client_id:
                    raise MailboxTaken(
                        link.mailbox, str(found.data.get("ClientId") or "")
                    ) from None
                self.store.upsert(LINKED_ACCOUNTS, Row("mailbox", key, owner))
        before = self.graph(link.client_id)
        self.store.upsert(LINKED_ACCOUNTS, Row(encode(link.client_id), "graph", data))
        if before and before.mailbox and before.mailbox.lower() != (link.mailbox or "").lower():
            self._release_mailbox(before.mailbox, link.client_id)

    def _release_mailbox(self, mailbox: str, client_id: str) -> None:
        """The owner row of a mailbox the client no longer links (only its own)."""
        key = encode(mailbox.lower())
        row = self.store.get(LINKED_ACCOUNTS, "mailbox", key)
        if row is not None and row.data.get("ClientId") == client_id:
            self.store.delete(LINKED_ACCOUNTS, "mailbox", key)

    def graph(self, client_id: str) -> GraphLink | None:
        row = self.store.get(LINKED_ACCOUNTS, encode(client_id), "graph")
        if row is None:
            return None
        d = row.data
        return GraphLink(client_id, str(d["TenantId"]), d.get("Mailbox"), d["LinkedAt"])

    def tenant_of_mailbox(self, mailbox: str) -> str | None:
        row = self.store.get(LINKED_ACCOUNTS, "mailbox", encode(mailbox.lower()))
        return str(row.data["TenantId"]) if row else None

    def owner_of_mailbox(self, mailbox: str) -> tuple[str, str] | None:
        """(tenant, client id) of the client that linked ``mailbox`` as its own."""
        row = self.store.get(LINKED_ACCOUNTS, "mailbox", encode(mailbox.lower()))
        if row is None:
            return None
        return str(row.data["TenantId"]), str(row.data.get("ClientId") or "")

    # -- Mollie -------------------------------------------------------------------------
    def save_mollie(self, link: MollieLink) -> None:
        data: dict[str, Any] = {
            "Mode": link.mode,
            "Testmode": link.testmode,
            "LinkedAt": link.linked_at,
        }
        if link.profile_id:
            data["ProfileId"] = link.profile_id
        if link.organization_id:
            data["OrganizationId"] = link.organization_id
        if link.account:
            data["Account"] = link.account
            # the account's own row first: a payment started through it must find it later
            self.store.upsert(LINKED_ACCOUNTS, Row(encode(link.client_id), f"mollie@{encode(link.account)}", data))  # fmt: skip
        self.store.upsert(LINKED_ACCOUNTS, Row(encode(link.client_id), "mollie", data))

    def keep_mollie_account(self, link: MollieLink, kept_at: datetime | None = None) -> None:
        """Keep the row of a link that is being replaced or unlinked, under its account's
        name (a link saved before links named their account has no such row yet).
        ``kept_at``: when it stopped taking new payments (its retention counts from then,
        shared/services/linking/mollie_retention.py)."""
        data: dict[str, Any] = {"Mode": link.mode, "Testmode": link.testmode,
                                "LinkedAt": link.linked_at, "Account": link.account}  # fmt: skip
        if kept_at is not None:
            data["KeptAt"] = kept_at
        if link.profile_id:
            data["ProfileId"] = link.profile_id
        if link.organization_id:
            data["OrganizationId"] = link.organization_id
        self.store.upsert(LINKED_ACCOUNTS, Row(encode(link.client_id), f"mollie@{encode(link.account)}", data))  # fmt: skip

    def mollie(self, client_id: str) -> MollieLink | None:
        row = self.store.get(LINKED_ACCOUNTS, encode(client_id), "mollie")
        return _mollie(client_id, row.data) if row else None

    def mollie_account(self, client_id: str, account: str) -> MollieLink | None:
        """A Mollie account the client linked at some time (now or before), by its name."""
        if not account or len(account) > 64:
            return None
        row = self.store.get(LINKED_ACCOUNTS, encode(client_id), f"mollie@{encode(account)}")
        return _mollie(client_id, row.data) if row else None

    def mollie_accounts_kept(self, client_id: str | None = None) -> list[KeptMollieAccount]:
        """Every ``mollie@<account>`` row (of one client, or of all: a scan of this small
        table), the current link's own among them; with when each stopped being current."""
        rows = all_rows(
            self.store, LINKED_ACCOUNTS, pk=encode(client_id) if client_id else None,
            rk_range=prefix_range("mollie@"),
        )  # fmt: skip
        return [
            KeptMollieAccount(_mollie(decode(r.pk), r.data), r.data.get("KeptAt"), r.etag)
            for r in rows
        ]

    def note_kept_since(self, kept: KeptMollieAccount, at: datetime) -> bool:
        """Give a kept row without ``KeptAt`` (kept before it was written) ``at``: its
        retention counts from then. False when the row changed or went meanwhile."""
        pk, rk = encode(kept.link.client_id), f"mollie@{encode(kept.link.account)}"
        row = self.store.get(LINKED_ACCOUNTS, pk, rk)
        if row is None or row.etag != kept.etag or row.data.get("KeptAt") is not None:
            return False
        try:
            self.store.replace(LINKED_ACCOUNTS, Row(pk, rk, {**row.data, "KeptAt": at}, row.etag))
        except PreconditionFailed:
            return False
        return True

    def forget_mollie_account(self, client_id: str, account: str) -> None:
        """The row of a kept account whose credential is deleted; gone already: nothing."""
        try:
            self.store.delete(LINKED_ACCOUNTS, encode(client_id), f"mollie@{encode(account)}")
        except PreconditionFailed:
            return

    def unlink(self, client_id: str, provider: str) -> None:
        graph = self.graph(client_id) if provider == "graph" else None
        if graph is not None and graph.mailbox:
            self._release_mailbox(graph.mailbox, client_id)  # free for its rightful owner
        if self.store.get(LINKED_ACCOUNTS, encode(client_id), provider) is not None:
            self.store.delete(LINKED_ACCOUNTS, encode(client_id), provider)

    # -- OAuth state --------------------------------------------------------------------
    def start(self, pending: PendingLink) -> None:
        data: dict[str, Any] = {"ClientId": pending.client_id, "Provider": pending.provider,
                                "ExpiresAt": pending.expires_at}  # fmt: skip
        if pending.nonce:
            data |= {"Nonce": pending.nonce, "Verifier": pending.verifier}
        self.store.insert(LINKED_ACCOUNTS, Row("state", encode(pending.state), data))

    def finish(self, state: str, providers: tuple[str, ...], now: datetime) -> PendingLink | None:
        """The link ``state`` started, once: the row is deleted as it is read, so a callback
        replayed (or a state guessed after use) finds nothing."""
        if not state or len(state) > 200:
            return None
        row = self.store.get(LINKED_ACCOUNTS, "state", encode(state))
        if row is None:
            return None
        self.store.delete(LINKED_ACCOUNTS, "state", encode(state))
        d = row.data
        if d["Provider"] not in providers or d["ExpiresAt"] < now:
            return None
        return PendingLink(decode(row.rk), str(d["ClientId"]), str(d["Provider"]), d["ExpiresAt"],
                           str(d.get("Nonce") or ""), str(d.get("Verifier") or ""))  # fmt: skip


def _mollie(client_id: str, d: dict[str, Any]) -> MollieLink:
    mode, linked_at = str(d["Mode"]), d["LinkedAt"]
    return MollieLink(client_id, mode, d.get("ProfileId"), d.get("OrganizationId"),
                      bool(d.get("Testmode", False)), linked_at,
                      str(d.get("Account") or mollie_account_of(mode, linked_at)))  # fmt: skip
