"""What Mollie says is undone of a payment NOW, from its refunds and chargebacks lists (every
page), not from the payment's totals: a refund that ``failed`` or was ``canceled`` gives its
amount back, a chargeback with ``reversedAt`` (reversed by the bank) no longer counts
(failure4 finding 2, newcomer4 finding 8). A provider without these lists (the embedded
simulation) is taken at its totals."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from shared.adapters.mollie import MolliePayment
from shared.clock import amsterdam_date

# refund statuses of Mollie's (https://docs.mollie.com/reference/refunds-api): queued,
# pending, processing and refunded take the money back; these two gave it back
REFUND_UNDONE = frozenset({"failed", "canceled"})


def current_view(provider: Any, payment: MolliePayment, *, look: bool) -> MolliePayment:
    """``payment`` with ``amount_refunded`` and ``amount_charged_back`` as Mollie's lists
    have them. ``look``: read the lists (something is refunded or charged back by the
    payment's totals, or was booked as such before); otherwise nothing can have moved."""
    refunds = getattr(provider, "refunds", None)
    chargebacks = getattr(provider, "chargebacks", None)
    if not look or refunds is None or chargebacks is None:
        return payment
    listed_refunds = refunds(payment.payment_id)
    listed_chargebacks = chargebacks(payment.payment_id, payment.amount)
    # a list Mollie has not filled yet (the payment's totals moved first) leaves the total
    refunded = (
        sum(r.amount for r in listed_refunds if r.status not in REFUND_UNDONE)
        if listed_refunds
        else payment.amount_refunded
    )
    charged = (
        sum(c.amount for c in listed_chargebacks if not c.reversed)
        if listed_chargebacks
        else payment.amount_charged_back
    )
    return replace(
        payment,
        amount_refunded=min(refunded, payment.amount),
        amount_charged_back=min(charged, payment.amount),
    )


def chargeback_reversed_on(provider: Any, payment: MolliePayment) -> date | None:
    """The Amsterdam day the bank last reversed a chargeback of ``payment`` (Mollie's
    ``reversedAt`` on the payment's chargebacks list): the day the money came back to the
    client. None for a provider without the list, or a list with no reversal dated."""
    lister = getattr(provider, "chargebacks", None)
    if lister is None:
        return None
    found = [c.reversed_at for c in lister(payment.payment_id, payment.amount)
             if c.reversed and c.reversed_at is not None]  # fmt: skip
    return amsterdam_date(max(found)) if found else None
