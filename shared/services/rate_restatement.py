"""A statutory rate table put in force late (a half-year's row uploaded after 1 January or
1 July): claims whose interest was fixed at the rates then in force, by a payment Inning allocated
by 6:44 (the claim has a booking on or after the first day the two tables differ), are
restated at once to the new table, both ways (law9 F4). A lower rate lowers the interest fixed and moves
what the payments paid on it beyond that to the principal (then by 6:43 to the debtor's other
claims, or to an overpayment); a higher one moves principal to interest. Claims without
such bookings need nothing: their interest accrues at the table in force on every
read. One audit entry per agency names the upload and what it restated."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date

from shared.domain.law.interest_rates import RateTable
from shared.domain.people.audit import Event
from shared.services.ledger.service import LedgerService
from shared.services.repositories import Repositories
from shared.telemetry.context import log_extra

log = logging.getLogger("inning.rates")


def first_difference(before: RateTable, after: RateTable) -> date | None:
    """The first day on which the two tables give another rate (None: they never do)."""
    days = sorted({c.effective_from for c in (*before.changes, *after.changes)})
    for day in days:
        if not (before.knows(day) and after.knows(day)):
            if before.knows(day) != after.knows(day):
                return day
            continue
        for commercial in (False, True):
            if before.rate_on(day, commercial=commercial) != after.rate_on(
                day, commercial=commercial
            ):
                return day
    return None


def restate_for_rates(
    repos: Repositories,
    ledger: LedgerService,
    audit: Callable[..., None],
    before: RateTable,
    after: RateTable,
    version: str,
    author: str,
) -> dict[str, list[str]]:
    """Restate every client's claims booked on or after the first day ``before`` and
    ``after`` differ; per client id the invoice numbers whose claim changed."""
    since = first_difference(before, after)
    changed: dict[str, list[str]] = {}
    if since is None:
        return changed
    per_agency: dict[str, int] = {}
    for client in repos.clients.all():
        numbers = _numbers_by_debtor(repos, client.client_id)
        for debtor, invoices in sorted(numbers.items()):
            done = ledger.restate_rates(client.client_id, invoices, version, since=since)
            if done:
                changed.setdefault(client.client_id, []).extend(done)
                log.info("claims restated for statutory rates %s", version,
                         extra=log_extra({"client_id": client.client_id, "debtor": debtor,
                                          "claims": len(done)}))  # fmt: skip
        per_agency.setdefault(client.agency_id, 0)
        per_agency[client.agency_id] += len(changed.get(client.client_id, []))
    for agency_id in sorted({*repos.agencies.ids(), *per_agency}):
        audit(
            Event.STATUTORY_RATES_CHANGED,
            agency_id=agency_id,
            client_id=None,
            actor=author,
            subject=version,
            before=before.newest.effective_from.isoformat(),
            after=after.newest.effective_from.isoformat(),
            differs_from=since.isoformat(),
            claims_restated=str(per_agency.get(agency_id, 0)),
        )
    return changed


def _numbers_by_debtor(repos: Repositories, client_id: str) -> dict[str, list[str]]:
    """The client's invoices Inning booked money on, per debtor (the ledger skips the
    claims without a booking since the tables differ)."""
    out: dict[str, list[str]] = {}
    continuation: str | None = None
    while True:
        page, continuation = repos.invoices.list(client_id, continuation=continuation)
        for invoice in page:
            if invoice.payments:  # only money Inning booked allocated interest by 6:44
                out.setdefault(invoice.debtor_number, []).append(invoice.number)
        if continuation is None:
            return out
