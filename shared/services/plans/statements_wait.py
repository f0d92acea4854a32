"""A breach waits for the bank statements of the grace's last days.

A plan paid by transfer is judged on the money booked, and transfers are booked from the
client's bank statements, which come a night (a weekend: a few nights) after the day. After
an outage the installment run of the first morning came before the files of the days it
missed: every plan whose grace ended in the outage lapsed though its debtor had paid in time,
was told so ("the whole sum is due now"), and was told it runs on when the file was booked
an hour later (failure24 F2). So a breach is told only once the statements of the client's
accounts reach the grace's last day; an account whose statements stopped coming
(``FEED_DAYS`` without one) or never came is not waited for.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Protocol

from shared.adapters.tables.banking_repo import LastClosing
from shared.domain.plans.plan import PaymentPlan

FEED_DAYS = 7  # an account whose last statement is older is no longer fed: not waited for


class Closings(Protocol):
    def last_closing(self, account: str) -> LastClosing | None: ...


def last_grace_day(plan: PaymentPlan, today: date) -> date | None:
    """The last day of the latest grace that has ended before ``today``."""
    tolerance = timedelta(days=plan.rules.tolerance_days)
    ends = [plan.grace_from(i) + tolerance for i in plan.schedule]
    return max((end for end in ends if end < today), default=None)


def statements_behind(
    closings: Closings, accounts: Iterable[str], plan: PaymentPlan, today: date
) -> tuple[str, date] | None:
    """The first of ``accounts`` whose statements, fed lately, do not yet reach the grace's
    last day (with the day they reach), or None when the money of those days is all in."""
    last = last_grace_day(plan, today)
    if last is None:
        return None
    for account in accounts:
        closing = closings.last_closing(account)
        if closing is None or closing.on >= last:
            continue  # no statement of it is read, or they reach the day
        if today - closing.on > timedelta(days=FEED_DAYS):
            continue  # its statements stopped coming: nothing to wait for
        return account, closing.on
    return None
