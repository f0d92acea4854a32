"""A verified sign-up waits for its agency: one item on the agency's own list, from the
verification until the agency approves the client or refuses it (deactivates it while it is
still in sandbox mode). Without it nobody saw the business wait (newcomer20 F8)."""

from __future__ import annotations

from shared.domain.parties import Client
from shared.domain.scopes import agency_scope
from shared.services.people.kit import Kit

SIGNUP_WAITING = "signup_waiting"


def waiting_item_id(client_id: str) -> str:
    """One per client: a retried verification finds it and adds nothing."""
    return f"signup-waiting-{client_id}"


def resolve_waiting(kit: Kit, client: Client, resolution: str) -> None:
    kit.repos.actions.resolve_if_open(
        agency_scope(client.agency_id), waiting_item_id(client.client_id), resolution, kit.now()
    )
