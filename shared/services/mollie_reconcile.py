"""Online payments whose webhook never got through are asked of Mollie again (failure7 #4).

Mollie calls the webhook when a payment ends and retries a failed call for a limited time
(about a day); if every call fails (storage down, a deploy gone wrong), nothing else would
ever ask about the payment: the debtor paid, the claim stays open and dunning goes on.

So every checkout payment Inning starts (the portal's, a plan installment paid online) is
watched: a row in ``MolliePayments`` under the partition ``reconcile``, keyed by when it is
next due to be asked (``<UTC yyyymmddThhmmss>|<payment id>``). A timer asks Mollie about the
ones due (``GET /v2/payments/{id}`` with the account the payment was made with, through
:meth:`OnlinePaymentService.process`, the very path of the webhook: booked exactly once under
the payment's id, whichever comes first). A payment that ended (paid and booked; failed,
expired, canceled: nothing to book; unknown to its account: on the action list) is no longer
watched; one still open (a bank transfer stays open for days) is asked again later, each wait
half the payment's age (at least the first wait, at most ``LONGEST_WAIT``), so a long-open
payment costs a few calls a day. A run asks at most ``batch`` payments, the longest due
first; one that cannot be asked now (Mollie down, a conflict) waits its turn again. When Mollie
answers 429 or 503 (the account's rate limit, or Mollie away), the account is paused until its
Retry-After for every caller (``mollie_pause.py``): that payment and the account's other due
ones wait at least as long, moved past the pause without a call, while other accounts'
payments are asked as usual. A throttled account costs one call per pause, not one per run.

A plan's direct-debit collections are not watched here: the plan's own run polls them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from shared.clock import Clock
from shared.ports.tables import PreconditionFailed, Row, TableStore
from shared.telemetry.context import log_extra

log = logging.getLogger("inning.payments")

MOLLIE_PAYMENTS = "MolliePayments"  # shared.services.online_payments
WATCHED = "reconcile"  # the partition of the watch rows (payment rows are keyed by "tr_...")
PAYMENT_RECORD = "p"  # the row key of a started payment's record (partition: its id)
FIRST_WAIT = timedelta(minutes=60)  # INNING_PAYMENT_RECONCILE_MINUTES' default
LONGEST_WAIT = timedelta(hours=12)
# what Mollie still holds open: asked again later; anything else ended (or cannot be read)
STILL_OPEN = frozenset({"open", "pending", "authorized"})


class PaymentReader(Protocol):
    def process(self, payment_id: str) -> str: ...


@dataclass(frozen=True)
class ReconcileRules:
    """``after``: how long a payment is left to its webhook before it is asked (and the least
    wait between two asks); ``batch``: the most payments one run asks."""

    after: timedelta = FIRST_WAIT
    batch: int = 100


@dataclass(frozen=True)
class ReconcileRun:
    asked: int  # payments asked of Mollie
    ended: int  # no longer watched (booked, closed, or told as missing)
    still_open: int  # asked again later
    failed: int  # not readable now (Mollie down, a conflict): asked again later
    more: bool  # more payments were due than one run asks


def watch_key(due: datetime, payment_id: str) -> str:
    return f"{due.astimezone(UTC):%Y%m%dT%H%M%S}|{payment_id}"


def watch(store: TableStore, payment_id: str, now: datetime, after: timedelta) -> None:
    """Watch a payment just started: asked of Mollie once ``after`` has passed, unless it
    ended by then (the run finds that out with the same one call)."""
    store.upsert(MOLLIE_PAYMENTS, Row(WATCHED, watch_key(now + after, payment_id),
                                      {"PaymentId": payment_id, "Since": now}))  # fmt: skip


class MollieReconciliation:
    def __init__(
        self,
        store: TableStore,
        payments: PaymentReader,
        clock: Clock,
        rules: ReconcileRules | None = None,
    ) -> None:
        self.store = store
        self.payments = payments
        self.clock = clock
        self.rules = rules or ReconcileRules()

    def run(self) -> ReconcileRun:
        """Ask Mollie about the watched payments that are due, at most ``batch`` of them."""
        now = self.clock.now()
        page = self.store.query(
            MOLLIE_PAYMENTS,
            pk=WATCHED,
            rk_range=(None, f"{now.astimezone(UTC):%Y%m%dT%H%M%S}|\U0010ffff"),
            page_size=self.rules.batch,
        )
        ended = still_open = failed = asked = 0
        for row in page.rows[: self.rules.batch]:
            payment_id = str(row.data["PaymentId"])
            asked += 1
            hold: timedelta | None = None
            try:
                outcome = self.payments.process(payment_id)
            except Exception as exc:
                log.warning(
                    "mollie %s: not reconciled now (%s); asked again later",
                    payment_id,
                    type(exc).__name__,
                    extra=log_extra({"payment_id": payment_id, "error": str(exc)[:300]}),
                )
                outcome = "error"
                hold = _held_off(exc)
            if outcome in STILL_OPEN or outcome == "error":
                failed += outcome == "error"
                still_open += outcome != "error"
                # Mollie asked to be left alone (a 429's or 503's Retry-After, or the
                # account's pause another call recorded): not asked before then. The run goes
                # on: the account's other payments are not asked while it is paused (no call,
                # each moved past the pause), and other accounts' payments are not held up
                self._again(row, payment_id, now, at_least=hold)
            else:
                ended += 1
                self._done(row)
                log.info(
                    "mollie %s reconciled: %s",
                    payment_id,
                    outcome,
                    extra=log_extra({"payment_id": payment_id, "outcome": outcome}),
                )
        return ReconcileRun(asked, ended, still_open, failed, page.continuation is not None)

    def _again(
        self, row: Row, payment_id: str, now: datetime, at_least: timedelta | None = None
    ) -> None:
        since = row.data.get("Since")
        age = now - since if isinstance(since, datetime) else self.rules.after
        wait = min(max(self.rules.after, age / 2), LONGEST_WAIT)
        if at_least is not None:
            wait = max(wait, at_least)  # Mollie's Retry-After (bounded by its client)
        # the next ask is written before this one is taken away: a run stopping in between
        # leaves the payment watched twice (asked twice, booked once), never not at all
        self.store.upsert(MOLLIE_PAYMENTS, Row(WATCHED, watch_key(now + wait, payment_id),
                                               {"PaymentId": payment_id, "Since": since or now}))  # fmt: skip
        self._done(row)

    def _done(self, row: Row) -> None:
        try:
            self.store.delete(MOLLIE_PAYMENTS, row.pk, row.rk, etag=row.etag)
        except PreconditionFailed:
            return  # gone already: another run took it


def _held_off(exc: Exception) -> timedelta | None:
    """How long Mollie asked to be left alone (``MollieError.retry_after``, already bounded
    to a day by the client); None when it did not ask."""
    wait = getattr(exc, "retry_after", None)
    return timedelta(seconds=wait) if isinstance(wait, int | float) else None
