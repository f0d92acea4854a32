"""The day an online payment was made, as the law counts it.

A payment is made when the creditor's account is credited (6:114 lid 2 BW); for a Mollie payment
that is Mollie's ``paidAt``. Interest runs to that day (6:119, 6:119a) and "paid within the
term" (6:96 lid 6) is decided on it, as a Dutch calendar day: an iDEAL payment at 00:30 in
Amsterdam (23:30 UTC the evening before) is paid on the Amsterdam day, never the UTC one. It is
not the day the amount was quoted (the checkout may stay open for days: a bank transfer), nor
the day a late webhook is handled."""

from __future__ import annotations

from datetime import date

from shared.adapters.mollie import MolliePayment
from shared.clock import amsterdam_date


def paid_day(payment: MolliePayment, today: date) -> date:
    """The Amsterdam day of ``paidAt``; ``today`` when Mollie gives none (an old simulated
    payment). Never after ``today``: a ``paidAt`` a few seconds ahead of our clock around
    midnight does not book money on a day that has not begun here."""
    moment = payment.paid_moment
    if moment is None:
        return today
    return min(amsterdam_date(moment), today)
