"""A client links its own provider accounts: its Office 365 mailbox (admin consent to
Inning's multi-tenant app registration) and its Mollie account (Mollie Connect, or an API key
kept in Key Vault under the client's name). Staff start a link through the API; the provider
sends the client back to a callback that records the result."""

from __future__ import annotations

import secrets
from datetime import datetime

from shared.adapters.tables.linked_accounts_repo import (
    STATE_LIFETIME,
    LinkedAccountRepository,
    PendingLink,
)
from shared.services.errors import Invalid


def start_link(links: LinkedAccountRepository, client_id: str, provider: str, now: datetime) -> str:
    """A fresh, single-use ``state`` for an OAuth round trip, bound to the client."""
    state = secrets.token_urlsafe(24)
    links.start(PendingLink(state, client_id, provider, now + STATE_LIFETIME))
    return state


def finish_link(
    links: LinkedAccountRepository, state: str, providers: tuple[str, ...], now: datetime
) -> PendingLink:
    """The link a callback's ``state`` was issued for; refused when unknown, used or old."""
    pending = links.finish(state, providers, now)
    if pending is None:
        raise Invalid(
            "this link is unknown, already used or expired: start it again", code="link_expired"
        )
    return pending
