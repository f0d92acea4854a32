"""Action items that money paying an invoice in full leaves with nothing to decide, closed
where the money is booked (or moved onto the invoice by a credit note, a designation
corrected, a restatement), not at the next daily run, which stays the backstop:

- the agency's ``new_case`` item of a case paid in full (:mod:`shared.services.case_items`,
  booked24);
- a dispute item of an invoice paid in full while disputed (newcomer19 F6 left it to the
  daily run's look, :func:`~shared.services.ended_items.close_ended_disputes`: the Today count
  "Betwisting 1" stood a day for a debt paid; money26). Only an invoice written paid that
  still carries its dispute's reason has the client's dispute items read. A consumer's costs
  hold of that dispute ends with it (:mod:`shared.services.dispute_costs_paid`, review26 F6).

Storage failing here fails no booking (a listener's failure would make the delivery fail after
the money was booked): it is logged, and the daily run closes what was left."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from shared.clock import amsterdam_date
from shared.domain.invoices import Invoice, InvoiceStatus
from shared.domain.parties import Client
from shared.ports.tables import StorageError
from shared.services.case_items import close_paid_cases_told
from shared.services.dispute_costs_paid import end_at_payment
from shared.services.ended_items import DISPUTE, close_over_disputes, waiting_items
from shared.services.errors import ConflictingUpdate
from shared.services.ledger.service import LedgerService
from shared.services.repositories import Repositories
from shared.telemetry.context import log_extra

log = logging.getLogger("inning.cases")


def close_paid_items_told(
    repos: Repositories,
    client: Client,
    written: Sequence[Invoice],
    at: datetime,
    ledger: LedgerService | None = None,
) -> None:
    """These invoices were written by a booking or a move of money: the items they leave
    with nothing to decide closed (see the module's text), each once (``resolve_if_open``),
    and with ``ledger`` the costs holds of the disputes they ended."""
    close_paid_cases_told(repos, client, written, at)
    paid = [i for i in written if i.status is InvoiceStatus.PAID and i.dispute_reason]
    if not paid:
        return
    if ledger is not None:
        _end_costs_holds(ledger, client, paid, at)
    numbers = {i.number for i in paid}
    try:
        items = [i for i in waiting_items(repos, client.client_id, DISPUTE)
                 if numbers & set(i.invoice_numbers)]  # fmt: skip
        if items:
            close_over_disputes(repos, client.client_id, items, None, at)
    except StorageError as exc:
        log.warning(
            "paid dispute items left for the daily run",
            extra=log_extra({"client_id": client.client_id, "error": exc.__class__.__name__}),
        )


def _end_costs_holds(
    ledger: LedgerService, client: Client, paid: Sequence[Invoice], at: datetime
) -> None:
    """Each paid invoice's running dispute hold ends as its dispute ended today; failing, the
    hold stays open (no costs on a paid invoice) and a take-back later ends it (dispute_costs_paid)."""
    try:
        for invoice in paid:
            end_at_payment(ledger, client.client_id, invoice, amsterdam_date(at))
    except (StorageError, ConflictingUpdate) as exc:
        log.warning(
            "paid dispute's costs hold left open",
            extra=log_extra({"client_id": client.client_id, "error": exc.__class__.__name__}),
        )
