"""One overpayment item per payment, stating what the ledger leaves unallocated of it now.

Money no claim takes is for a person to refund or re-book. It becomes unallocated when the
payment is booked, and more of it when a later change moves the payment's money off a claim
(a credit, a partial credit note, a back-dated payment restating a claim). An item per cause
would each state the figure of its moment and, worked one by one, pay back the same money
twice (failure5 finding 12). So the item's id is made from the payment alone, and every cause
brings it to the payment row's ``unallocated`` (which follows the ledger): inserted once,
then updated under its ETag. The item is read before the payment row, so two writers racing
end with the later row's figure (the one whose row read came first loses the ETag and reads
again). An item a person has resolved is left as it is: they dealt with the money.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, time

from shared.clock import Clock
from shared.domain.money import format_eur_nl
from shared.domain.parties import Client
from shared.domain.records import ActionItem, ActionStatus, Payment
from shared.ports.tables import Conflict, PreconditionFailed, TransactionFailed
from shared.services.errors import ConflictingUpdate
from shared.services.repositories import Repositories
from shared.services.statements_redo import keyed_id

RETRIES = 5


def overpayment_id(payment: Payment) -> str:
    """The item's id: the payment's day (key order stays roughly creation order) and id."""
    return keyed_id(
        datetime.combine(payment.received_on, time(), UTC), "overpayment", payment.payment_id
    )


def keep_overpayment(
    repos: Repositories,
    clock: Clock,
    client: Client,
    payment: Payment,
    *,
    because: str | None = None,
    invoice_numbers: Sequence[str] = (),
    detail: Mapping[str, object] | None = None,
) -> None:
    """The payment's overpayment item states its row's ``unallocated`` (see the module's
    text); nothing when nothing is unallocated, or the payment is gone or reversed."""
    item_id = overpayment_id(payment)
    for _ in range(RETRIES):
        found = repos.actions.get(client.client_id, item_id)
        row = repos.payments.get(client.client_id, payment.payment_id)
        if row is None or row.reversed or row.unallocated <= 0:
            return
        title = f"Overpayment of {format_eur_nl(row.unallocated)}"
        title += f" ({because})" if because else ""
        invoices = tuple(sorted(set(invoice_numbers)))
        more = {**(detail or {}), "payment_id": row.payment_id, "unallocated": row.unallocated}
        if found is None:
            item = ActionItem(
                client_id=client.client_id,
                action_id=item_id,
                kind="overpayment",
                title=title,
                created_at=clock.now(),
                debtor_number=row.debtor_number,
                invoice_numbers=invoices,
                detail=more,
            )
            if repos.actions.add_once(item):
                return
            continue  # another cause wrote it first: bring that one to the figure
        item, etag = found
        if (
            item.status is ActionStatus.RESOLVED
            or item.detail.get("unallocated") == row.unallocated
        ):
            return
        updated = replace(
            item,
            title=title,
            invoice_numbers=tuple(sorted({*item.invoice_numbers, *invoices})),
            detail={**item.detail, **more},
        )
        try:
            repos.actions.save(updated, etag or "*")
            return
        except (TransactionFailed, PreconditionFailed, Conflict):
            continue  # changed meanwhile (another cause, a person): read both again
    raise ConflictingUpdate(f"the overpayment item of {payment.payment_id} keeps changing; retry")
