"""What a statement window's booking leaves besides the payment, keyed so that it can be
written again: the redelivery of a window that died half-way redoes it without doubling.

A window (:mod:`shared.services.statements_window`) writes a booked line's steps for many lines
at once: the booking written down on the line (with the window's time, ``BookedAt``), the
ledger, the payment row, the invoices, the matching index and the Today sums, then the side
effects (return reference, the payer's account, the contact log, an overpayment item, the
payment listeners) and at last the line settled. The host may die between any two steps and
deliver the blob again; the line is then found ``booking`` and finished on the one-line path,
where :meth:`PaymentService.book` finishes the payment (its invoices, the day row, the
listeners). When the window's payment row was there already, the window's side effects may be
missing, and :func:`redo_window_booking` writes them again:

- the contact log entry has an id made from the window's time and the payment
  (:func:`payment_entry`), the overpayment item the payment's own id
  (:func:`shared.services.ledger.overpayment.overpayment_id`, :func:`overpayment_item`):
  written again, they collide with the ones that landed and are kept once;
- the return reference and the payer's account are upserts of the same values;
- the matching index rows of the payment's invoices are compared with the invoices (one read
  of their keys, :meth:`MatchIndexRepository.rows_of`) and repaired where they differ (a
  crash between the invoices and the index leaves them stale; the payment then finds the
  invoices written, so nothing else would write the index again);
- the Today sums cannot tell whether a change was counted: they are marked uncounted and the
  next Today read counts them again from the invoices, payments and actions.

A booking the invoices refuse (a credit note, a withdrawal or another payment landed between
the window's read and its invoice write; the ledger and the payment row were written before
the invoice write could notice) is undone (:meth:`PaymentService.reverse`) and the line put on
the action list, as if the credit had come first (:func:`refused`, :data:`UNDONE`); a
redelivery that finds such a booking half undone finishes the undoing.

All of it costs requests on a redelivery (or a lost race) only: the window's own writes are the same in
number as before.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, date, datetime, time

from shared.adapters.tables.match_index_repo import indexed_open, is_indexed
from shared.domain.invoices import InvoiceRuleError
from shared.domain.money import format_eur_nl
from shared.domain.parties import Client
from shared.domain.records import ActionItem, ContactEntry, Payment, payment_received
from shared.domain.statements.matching import OpenInvoice
from shared.domain.statements.model import StatementLine
from shared.ports.tables import Conflict
from shared.services.repositories import Repositories

log = logging.getLogger("inning.statements")


def keyed_id(at: datetime, *parts: str) -> str:
    """An id shaped like :func:`time_ordered_id` (its time first, so key order stays creation
    order) whose tail is made from ``parts`` instead of chance: the same booking gets the same
    id on every delivery."""
    millis = int(at.timestamp() * 1000)
    tail = hashlib.sha256("|".join(parts).encode()).hexdigest()[:10]
    return f"{millis:012x}{tail}"


def day_keyed_id(day: date, *parts: str) -> str:
    """:func:`keyed_id` at the start of ``day``: the same on every attempt of that day."""
    return keyed_id(datetime.combine(day, time(), UTC), *parts)


def booking_time(now: datetime) -> datetime:
    """The window's time as the line record keeps it (milliseconds: the keys' precision)."""
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def payment_entry(client: Client, payment: Payment, at: datetime) -> ContactEntry | None:
    """The contact log entry of a payment a window booked (None without a debtor)."""
    return payment_received(payment, keyed_id(at, "payment", payment.payment_id), at)


def overpayment_item(client: Client, payment: Payment, at: datetime) -> ActionItem:
    """The action item of the money a window's payment left unallocated: the payment's one
    item (its id from the payment alone, as every later cause keys it), so a credit that
    later moves this payment's money updates it instead of adding a second (failure5 #12)."""
    # imported here: the overpayment module takes ``keyed_id`` from this one
    from shared.services.ledger.overpayment import overpayment_id

    return ActionItem(
        client_id=client.client_id,
        action_id=overpayment_id(payment),
        kind="overpayment",
        title=f"Overpayment of {format_eur_nl(payment.unallocated)}",
        created_at=at,
        debtor_number=payment.debtor_number,
        invoice_numbers=tuple(sorted({a.invoice_number for a in payment.allocations})),
        detail={"payment_id": payment.payment_id, "unallocated": payment.unallocated},
    )


def redo_window_booking(
    repos: Repositories,
    client: Client,
    line: StatementLine,
    payment: Payment,
    at: datetime,
    *,
    written: bool = False,
) -> None:
    """Write again what the window writes after a payment row (see the module's text); the
    payment itself, its invoices and the listeners were finished by the booking path.
    ``written``: the statement is the client's own upload (statement_sources)."""
    cid = client.client_id
    from shared.services.statement_returns import return_refs

    refs = return_refs(line, payment, written)  # its end-to-end id, its payer's account
    if refs:
        repos.banking.remember_payments(cid, refs)
    if line.counterparty_iban and payment.debtor_number:
        repos.banking.learn_ibans(
            cid, {line.counterparty_iban: {payment.debtor_number}}, said=written
        )
    entry = payment_entry(client, payment, at)
    if entry is not None:
        try:
            repos.contacts.add(entry)
        except Conflict:
            pass  # the window's entry landed
    if payment.unallocated > 0 and not payment.reversed:
        # once: the window's item landed (its count is recounted below)
        repos.actions.add_once(overpayment_item(client, payment, at))
    _repair_index(repos, cid, payment)
    # whether the window's changes to the Today sums landed cannot be told: count them again
    repos.invoices.figures.forget(cid)
    log.info("statement window booking %s finished on redelivery", payment.payment_id)


def _repair_index(repos: Repositories, client_id: str, payment: Payment) -> None:
    """The index rows of the payment's invoices as their invoices stand now."""
    numbers = sorted({a.invoice_number for a in payment.allocations})
    if not numbers or not payment.debtor_number:
        return
    stored = repos.invoices.get_many(client_id, numbers)
    index = repos.invoices.match_index
    # the index's rows by their keys, of each invoice now and before this payment (a crash
    # between the invoices and the index leaves the rows of before: their amount's key is that
    # state's); the index's d| rows, read here until its version 5, are gone
    states = [s.invoice for s in stored.values()]
    states += [s.invoice.reverse_payment(payment.payment_id) for s in stored.values()]
    indexed = index.rows_of(client_id, states)
    stale: list[OpenInvoice] = []
    current = []
    for number, found in stored.items():
        inv = found.invoice
        row = indexed.get(number)
        if row is None and not is_indexed(inv):
            continue  # neither indexed nor open: as it should be
        if (
            row is not None
            and is_indexed(inv)
            and (row.open_amount, row.due_date) == (indexed_open(inv), inv.due_date)
        ):
            continue
        current.append(inv)
        if row is not None:
            stale.append(row)
    if current:
        index.repair(client_id, stale, current)


UNDONE = (
    "booked on an invoice that was credited, withdrawn or paid otherwise while the payment "
    "was being booked: the booking was undone, a person decides"
)


def refused(repos: Repositories, client_id: str, payment: Payment) -> list[str]:
    """The payment's invoices that can no longer take the principal it gave them (credited,
    withdrawn or paid otherwise after the window read them): one read of those invoices."""
    principal: dict[str, int] = {}
    for a in payment.allocations:
        if a.component == "principal":
            principal[a.invoice_number] = principal.get(a.invoice_number, 0) + a.amount
    stored = repos.invoices.get_many(client_id, sorted(principal)) if principal else {}
    out = []
    for number, cents in sorted(principal.items()):
        found = stored.get(number)
        if found is None:
            continue
        try:
            found.invoice.apply_payment(payment.payment_id, cents)
        except InvoiceRuleError:
            out.append(number)
    return out
