"""A payment whose money came back has nothing left to refund (law5 finding 4).

When a payment paid more than the debtor's claims asked, staff got an ``overpayment`` item
to refund the rest (its own, or one a restatement made of the money it no longer kept on a
claim). Once the bank returns the payment (a storno, a chargeback, a closed account), that
money is no longer held: refunding it would pay the debtor with other clients' money. So the
return resolves every open overpayment item of that payment, saying why. Idempotent: a
resolved item is left alone, so a return handled twice changes nothing more.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from shared.domain.records import ActionStatus
from shared.ports.tables import PreconditionFailed
from shared.services.repositories import Repositories

KIND = "overpayment"


def close_overpayments(
    repos: Repositories, client_id: str, payment_id: str, reason: str, now: datetime
) -> list[str]:
    """Resolve the open overpayment items of ``payment_id``; the ids resolved."""
    closed: list[str] = []
    continuation: str | None = None
    while True:
        items, continuation = repos.actions.list(
            client_id, kind=KIND, page_size=1000, continuation=continuation
        )
        for item in items:
            if item.status is ActionStatus.RESOLVED or item.detail.get("payment_id") != payment_id:
                continue
            found = repos.actions.get(client_id, item.action_id)
            if found is None or found[1] is None or found[0].status is ActionStatus.RESOLVED:
                continue
            done = replace(
                found[0],
                status=ActionStatus.RESOLVED,
                resolved_at=now,
                resolution=f"the payment came back ({reason}): the money is no longer held, "
                "nothing to refund",
            )
            try:
                repos.actions.save(done, found[1])
            except PreconditionFailed:
                continue  # a person changed it meanwhile: theirs stands
            closed.append(item.action_id)
        if not continuation:
            return closed
