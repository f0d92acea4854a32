"""A pause staff end by hand (resume) is dropped from the debtor or the invoice, but the day
it was lifted is kept (``pause_ended_on``): today for one that still held, its own day after
for one that had run out. The workflow's steps whose day fell in it keep their spacing from
then (``workflow.held_until``), as after a pause that ran to its day, and the dossier says when
it ended (misc17b: the pause was dropped without it; resumed 22-04, the SMS and the 14-day
letter planned in it went out 22-04 and 23-04, designed 7 days apart)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from shared.domain.dunning.workflow import PROMISE_GRACE
from shared.domain.invoices import Invoice
from shared.domain.parties import Debtor

DAY = timedelta(days=1)


def resumed(debtor: Debtor, today: date) -> Debtor:
    """The debtor resumed ``today``: the pause dropped and the day it was lifted kept (no
    pause: nothing changes, a retry keeps the day of the first)."""
    if debtor.pause is None:
        return debtor
    return replace(debtor, pause=None, pause_ended_on=_lifted(debtor.pause.until, today))


def hold_ended_on(invoice: Invoice, today: date) -> date | None:
    """The day the invoice's pause or promise to pay (with its grace) was lifted when staff
    resume it ``today``; neither: the day kept before."""
    ends = [
        _lifted(until, today)
        for until in (invoice.paused_until, _with_grace(invoice.promise_until))
        if until is not None
    ]
    return max(ends, default=invoice.pause_ended_on)


def _lifted(until: date | None, today: date) -> date:
    """The day a hold until ``until`` (inclusive; None or date.max: until resumed) is lifted
    by a resume ``today``: today, or the day after it ran out."""
    if until is None or until >= today:
        return today
    return until + DAY


def _with_grace(day: date | None) -> date | None:
    if day is None:
        return None
    return day + PROMISE_GRACE if day < date.max - PROMISE_GRACE else date.max
