"""Invariants over a finished run."""

from __future__ import annotations

from collections import Counter

from shared.domain.records import ActionItem
from shared.services.poison import PLATFORM_SCOPE
from tests.faults.world import FaultWorld


def reminders_sent(world: FaultWorld) -> Counter[tuple[str, str]]:
    """(invoice, step) -> how many times a provider was really asked to send it."""
    sent: Counter[tuple[str, str]] = Counter()
    for _, key, invoices in world.channel.sends:
        if key.startswith("dun|"):
            step = key.split("|")[3]
            for number in invoices:
                sent[(number, step)] += 1
    return sent


def listed_scopes(world: FaultWorld) -> set[str]:
    """Every partition an API route lists: clients, agencies (@id), the platform."""
    scopes = {c.client_id for c in world.services.repos.clients.all()}
    scopes |= {"@agency-a", PLATFORM_SCOPE}
    return scopes


def all_actions(world: FaultWorld) -> list[ActionItem]:
    from shared.adapters.tables.records_repo import ActionRepository
    from shared.ports.tables import all_rows

    return [ActionRepository.from_row(r) for r in all_rows(world.store, "Actions")]
