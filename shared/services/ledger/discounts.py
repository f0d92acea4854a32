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
When a later fact changes what the discount lets go (the capping payment came back: the
ledger gives the discount back, ``correction``), an open item for an amount it no longer lets
go is resolved, saying what it lets go now (law17b F5: the item still said "€ 110,37 of it was
paid already, not refunded" after that payment came back).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
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
from shared.domain.records import ActionItem, ActionStatus
from shared.ports.tables import PreconditionFailed, TransactionFailed
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
            if note in days:
                for stale in _told(every, note, booked.get(note, 0)) - {cents}:
                    _resolve(repos, clock, client, record.number, note, stale, cents,
                             booked.get(note, 0), days[note])  # fmt: skip
            if cents < booked.get(note, 0) and note in days:
                day = days[note]
                # (the payments of this change received before the discount: what capped it)
                before = sorted({e.payment_id for e in new if e.payment_id
                                 and e.kind is EventKind.ALLOCATED
                                 and received_day(e) <= day})  # fmt: skip
                _item(repos, clock, client, record, note, booked[note], cents, day, before)


def _told(every: Sequence[LedgerEvent], note: str, booked: Cents) -> set[Cents]:
    """The amounts below ``booked`` the discount ``note`` let go after each of its caps in
    the stream: each had its item."""
    out: set[Cents] = set()
    for i, e in enumerate(every):
        if is_discount_cap(e) and e.note == note:
            cents = discounted(every[: i + 1]).get(note)
            if cents is not None and cents < booked:
                out.add(cents)
    return out


def _resolve(
    repos: Repositories, clock: Clock, client: Client, number: str, note: str, stale: Cents,
    now_lets: Cents, booked: Cents, day: date,
) -> None:  # fmt: skip
    """Resolve the open item that told staff the discount let go only ``stale``."""
    action_id = keyed_id(datetime.combine(day, time(), UTC), KIND, number, note, str(stale))
    found = repos.actions.get(client.client_id, action_id)
    if found is None or found[1] is None or found[0].status is ActionStatus.RESOLVED:
        return
    whole = now_lets >= booked
    resolution = (
        f"given back: the discount lets go its whole {format_eur_nl(booked)} again (a payment "
        "received before it came back, or a later fact left the principal open on its day)"
        if whole
        else f"superseded: the discount now lets go {format_eur_nl(now_lets)}"
    )
    done = replace(found[0], status=ActionStatus.RESOLVED, resolved_at=clock.now(),
                   resolution=resolution)  # fmt: skip
    try:
        repos.actions.save(done, found[1])
    except PreconditionFailed:
        pass  # a person changed it meanwhile: theirs stands


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
    # once: told already (a repeat of the same change)
    repos.actions.add_once(item)
