"""After a payment came back: the debtor's other payments that named a claim now open again
go back to it (art. 6:43 lid 1 BW; :mod:`shared.domain.ledger.designation`), and their
invoices, payment rows and overpayment items follow the ledger (law5 finding 4).

The designation is read from the payment row (``Payment.designated``); a row written before
it was kept has none, and its money stays where it is, as before. Idempotent: a repeat finds
the money on the named claims already and moves nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from shared.domain.ledger.designation import REBOOKED, rebook_designated
from shared.domain.parties import Client
from shared.domain.records import ActionStatus
from shared.ports.tables import Conflict, PreconditionFailed, TransactionFailed
from shared.services.ledger.overpayment import overpayment_id
from shared.services.ledger.returned import KIND as OVERPAYMENT
from shared.services.ledger.service import RETRIES, LedgerService


def rebook_after_return(
    ledger: LedgerService, client: Client, debtors: Sequence[str], returned: str, on: date
) -> list[str]:
    """Re-book the designated payments of ``debtors`` whose named claims the return of
    ``returned`` opened again; the payments moved."""
    from shared.services.ledger.credit import follow_ledger

    done: list[str] = []
    over = payments_over(ledger, client, debtors)
    for debtor in debtors:
        claims = ledger.debtor_claims(client, debtor)
        candidates = sorted(
            ({e.payment_id for r in claims.records for e in r.events if e.payment_id}
             | over.get(debtor, set())) - {returned}
        )  # fmt: skip
        for payment_id in candidates:
            row = ledger.repos.payments.get(client.client_id, payment_id)
            if row is None or row.reversed or not row.designated:
                continue
            key = f"rebook {payment_id}"
            because = f"re-booked on {', '.join(row.designated)} when {returned} came back"
            for _ in range(RETRIES):
                try:  # a re-booking a crash left half written is finished first
                    [claims], finished = ledger.read_finished(client, [debtor])
                except (TransactionFailed, Conflict, PreconditionFailed):
                    continue
                if key in finished:  # its own: what it moved follows as on the first attempt
                    follow_ledger(ledger, client, claims, {payment_id, *finished[key].moved},
                                  returned, because, "returned")  # fmt: skip
                result = rebook_designated(
                    claims.records, payment_id, row.amount, row.designated, row.received_on,
                    on, ledger.rates(), ledger.named(client),
                )  # fmt: skip
                if result is None or not result.events:
                    # the return's own restatement may have put it back already (the debtor's
                    # claims replayed from the final facts, replayed.py): its row and invoices
                    # follow the ledger once the returned payment's invoices were reopened
                    # (they follow by their differences only: a repeat writes nothing)
                    follow_ledger(ledger, client, claims, {payment_id}, returned, because,
                                  "returned")  # fmt: skip
                    break
                day = max(e.on for new in result.events.values() for e in new)
                try:
                    ledger.write_change(
                        client, [claims], key, result.events, on=day,
                        payments_added=(payment_id, *result.moved), moved=tuple(result.moved),
                    )  # fmt: skip
                except (TransactionFailed, Conflict, PreconditionFailed):
                    continue  # another change on these claims won: read again
                claims = ledger.debtor_claims(client, debtor)
                follow_ledger(ledger, client, claims, {payment_id, *result.moved}, returned,
                              because, "returned")  # fmt: skip
                done.append(payment_id)
                break
            settle_item(ledger, client, payment_id)
    return done


def payments_over(
    ledger: LedgerService, client: Client, debtors: Sequence[str]
) -> dict[str, set[str]]:
    """The payments of ``debtors`` with money on an open overpayment item: a payment wholly
    unallocated is on no claim, so the claims alone do not name it (one filtered read of the
    client's overpayment items, as the return's own :func:`close_overpayments` makes)."""
    wanted = set(debtors)
    out: dict[str, set[str]] = {}
    continuation: str | None = None
    while True:
        items, continuation = ledger.repos.actions.list(
            client.client_id, kind=OVERPAYMENT, page_size=1000, continuation=continuation
        )
        for item in items:
            payment_id = item.detail.get("payment_id")
            if item.status is ActionStatus.RESOLVED or item.debtor_number not in wanted:
                continue
            if payment_id and item.debtor_number:
                out.setdefault(item.debtor_number, set()).add(str(payment_id))
        if not continuation:
            return out


def settle_item(
    ledger: LedgerService, client: Client, payment_id: str, why: str = REBOOKED
) -> None:
    """The payment's overpayment item once nothing of it is over any more: resolved, saying
    why (:func:`~shared.services.ledger.overpayment.keep_overpayment` keeps it at the row's
    figure while something is)."""
    row = ledger.repos.payments.get(client.client_id, payment_id)
    if row is None or row.unallocated > 0:
        return
    found = ledger.repos.actions.get(client.client_id, overpayment_id(row))
    if found is None or found[1] is None or found[0].status is ActionStatus.RESOLVED:
        return
    done = replace(
        found[0],
        status=ActionStatus.RESOLVED,
        resolved_at=ledger.clock.now(),
        resolution=f"{why}: nothing over, nothing to refund",
    )
    try:
        ledger.repos.actions.save(done, found[1])
    except PreconditionFailed:
        pass  # a person changed it meanwhile: theirs stands
