"""A discount the claim ledger capped at the principal still open on its day: the invoice
follows, and staff are told (law16b F3).

A discount (6:160 BW) lets go only of what is still owed on its day. Booked before the bank
statement of an earlier payment came in, it was kept whole and the payment's money released as
a refund the client did not owe (110.37 of a 125.00 discount), where the same facts booked the
other way round were refused (``discount_above_open``, 14.63). The ledger now lets the discount
go of what the final facts leave open on its day (``model.DISCOUNT_CAPPED``); here the invoice's
note is brought to that amount (its principal asks the rest again, paid by the payment), and
one ``discount_capped`` item per capped amount tells staff the note, what it was, what it lets
go, its day and the payments received before it: the client granted more than could be
granted, and decides what to do about it (nothing, or a goodwill refund by its own choice).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time

from shared.clock import Clock
from shared.domain.ledger.costs import ClaimRecord
from shared.domain.ledger.model import (
    EventKind,
    LedgerEvent,
    discount_days,
    discounted,
    is_discount,
    is_discount_cap,
)
from shared.domain.ledger.restate import received_day
from shared.domain.money import Cents, format_eur_nl
from shared.domain.parties import Client
from shared.domain.records import ActionItem
from shared.ports.tables import Conflict, TransactionFailed
from shared.services.repositories import Repositories
from shared.services.statements_redo import keyed_id

RETRIES = 5
KIND = "discount_capped"


def follow_discounts(
    repos: Repositories,
    clock: Clock,
    client: Client,
    records: Sequence[ClaimRecord],
    events: Mapping[str, tuple[LedgerEvent, ...]],
) -> None:
    """The claims ``records`` with the change ``events`` written: each invoice with a capped
    discount holds it at what the ledger lets it go, and each capped amount has its item
    (both idempotent: a repeat writes nothing)."""
    for record in records:
        new = events.get(record.number, ())
        every = (*record.events, *new)
        if not any(is_discount_cap(e) for e in every):
            continue
        days = discount_days(every)
        booked: dict[str, Cents] = {}
        for e in every:
            if is_discount(e):
                booked[e.note or ""] = booked.get(e.note or "", 0) + e.amount
        for note, cents in sorted(discounted(every).items()):
            _invoice_note(repos, client, record.number, note, cents)
            if cents < booked.get(note, 0) and note in days:
                day = days[note]
                # (the payments of this change received before the discount: what capped it)
                before = sorted({e.payment_id for e in new if e.payment_id
                                 and e.kind is EventKind.ALLOCATED
                                 and received_day(e) <= day})  # fmt: skip
                _item(repos, clock, client, record, note, booked[note], cents, day, before)


def _invoice_note(
    repos: Repositories, client: Client, number: str, note: str, cents: Cents
) -> None:
    for _ in range(RETRIES):
        stored = repos.invoices.get(client.client_id, number)
        if stored is None:
            return
        updated = stored.invoice.bring_credit_note_to(note, cents)
        if updated == stored.invoice:
            return
        try:
            repos.invoices.save(updated, stored)
            return
        except TransactionFailed:
            continue


def _item(
    repos: Repositories, clock: Clock, client: Client, record: ClaimRecord, note: str,
    booked: Cents, granted: Cents, day: date, payments: Sequence[str],
) -> None:  # fmt: skip
    number = record.number
    after = (
        f" after payment {', '.join(payments)} received before it was booked" if payments else ""
    )
    title = (
        f"Discount {note} of {format_eur_nl(booked)} on invoice {number} lets go only the "
        f"{format_eur_nl(granted)} of principal open on {day.strftime('%d-%m-%Y')}{after}: "
        f"{format_eur_nl(booked - granted)} of it was paid already, not refunded"
    )
    item = ActionItem(
        client_id=client.client_id,
        action_id=keyed_id(datetime.combine(day, time(), UTC), KIND, number, note, str(granted)),
        kind=KIND,
        title=title,
        created_at=clock.now(),
        debtor_number=record.terms.debtor_number,
        invoice_numbers=(number,),
        detail={
            "credit_note": note,
            "discount": booked,
            "granted": granted,
            "discount_day": day.isoformat(),
            "payments": list(payments),
        },
    )
    try:
        repos.actions.add(item)
    except Conflict:
        pass  # told already (a repeat of the same change)
