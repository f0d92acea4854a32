"""Payments received before the client's settlement agreement started (newcomer27 F4).

A new client's own old bank statements are uploaded to catch up the ledger: a 2014 CAMT.053
of its own account booked 1,405.31 the client received itself, and its first settlement
charged 10 % commission plus VAT on it (170.04, net -63.13 to pay back). That money is no
money the agency collected: a payment received before the agreement's ``starts_on`` is not
settled and carries no commission. It stays on the ledger as it is, and the agency is told
once per client and start (one action item, not one per run) which payments were left out."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from shared.domain.money import format_eur_nl
from shared.domain.parties import Client
from shared.domain.records import ActionItem, Payment
from shared.domain.scopes import agency_scope
from shared.domain.settlement.agreement import SettlementAgreement

ITEM_KIND = "settlement_before_agreement"


def split_at_start(
    agreement: SettlementAgreement, payments: Sequence[Payment]
) -> tuple[list[Payment], list[Payment]]:
    """(settled, before): the payments received on or after the agreement's start, and
    those received before it. An agreement without a start (stored before the day was
    kept) settles them all, as it did."""
    start = agreement.starts_on
    if start is None:
        return list(payments), []
    return (
        [p for p in payments if p.received_on >= start],
        [p for p in payments if p.received_on < start],
    )


def item_id(agreement: SettlementAgreement) -> str:
    """One item per client and start: a later run finds it there and adds nothing."""
    assert agreement.starts_on is not None
    return f"settlement-before-{agreement.client_id}-{agreement.starts_on:%Y%m%d}"


def before_item(
    agreement: SettlementAgreement, client: Client, before: Sequence[Payment], now: datetime
) -> ActionItem:
    """The agency's item: these payments are before the agreement, not settled."""
    assert agreement.starts_on is not None
    total = sum(p.amount for p in before)
    first = min(p.received_on for p in before)
    return ActionItem(
        agency_scope(agreement.agency_id),
        item_id(agreement),
        ITEM_KIND,
        f"Client {client.number}: {len(before)} payment(s) of {format_eur_nl(total)} received "
        f"before the agreement of {agreement.starts_on.isoformat()}, not settled",
        now,
        detail={
            "client": client.number,
            "starts_on": agreement.starts_on.isoformat(),
            "payments": [p.payment_id for p in before],
            "amount": total,
            "first_received_on": first.isoformat(),
        },
    )
