"""The outbox keys a plan's lapses were told under, in lapse order: per lapse the debtor's
notice and the client's mail (told apart by the debtor the notice goes to, not by the shape
of the key, so a test that counts them fails on keys shared by two lapses as well)."""

from __future__ import annotations

from itertools import zip_longest
from typing import Any


def lapse_keys(world: Any, client_id: str, plan_id: str) -> list[tuple[str, str]]:
    records = world.services.messaging.outbox.with_prefix(client_id, f"plan|{plan_id}|lapsed")
    ordered = sorted((m for m, _ in records), key=lambda m: (m.created_at, m.key))
    debtor = [m.key for m in ordered if m.debtor_number]
    client = [m.key for m in ordered if not m.debtor_number]
    # a lapse told half-way (its job died) has its debtor notice and not yet its client mail
    return list(zip_longest(debtor, client, fillvalue=""))


def the_lapse(world: Any, client_id: str, plan_id: str) -> tuple[str, str]:
    """The keys of a plan's one lapse: its debtor notice and its client mail."""
    (keys,) = lapse_keys(world, client_id, plan_id)
    return keys
