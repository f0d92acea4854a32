"""A Mollie account that throttles (429) or is unavailable (503) is left alone until the time
it asked for, by every instance of the app and every path that calls it.

Mollie's rate limit is the account's (its API key, or the organisation a client linked
through Connect), not one request's: the reconcile timer, a debtor's click in the portal, the
return page and a plan's collections all spend it. So the "not before" time lives in a row of
its own per account (``MolliePayments``, partition ``pause``, row key the account as the
payment rows name it: ``setting:<setting name>`` for a configured key, shared by every client
that uses it; ``linked:<client id>:<name>`` for a client's own), not in process memory, which
another instance does not see. While it is in the future no request goes to that account: the
caller gets the :class:`MollieError` Mollie would give (transient, the remaining wait as
``retry_after``, ``paused_until``), the portal shows "try again at HH:MM", and the reconcile
timer moves the payment past it. The first answer Mollie gives after it (the row's time has
passed) removes the row.

The row is written with its ETag: two instances throttled at once keep the later time, and a
success never removes a pause written after the row it read (a newer 429 stands)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from shared.adapters.mollie import LONGEST_OUTAGE_WAIT, LONGEST_RETRY_AFTER, MollieError
from shared.adapters.tables.keys import encode
from shared.clock import Clock
from shared.ports.tables import Conflict, PreconditionFailed, Row, TableStore
from shared.telemetry.context import log_extra

log = logging.getLogger("inning.payments")

MOLLIE_PAYMENTS = "MolliePayments"  # shared.services.online_payments
PAUSES = "pause"  # the partition of the accounts' "not before" rows
# a 429 or 503 without a Retry-After: Mollie documents none for every answer; a minute keeps
# a throttled account from being asked again at once, and an outage from each click
DEFAULT_PAUSE = timedelta(seconds=60)
# Mollie's answers that concern the account as a whole, not the one request
PAUSING_STATUS = frozenset({429, 503})
# the longest a 503 pauses the account: an outage is Mollie's, not the account's limit, and one
# 503 (of any endpoint: a refund list, a mandate) stops every client's checkout on that key; a
# long Retry-After on it held them all up to a day. After this one request asks again: if
# Mollie is still down, that answer pauses it anew (review33b)
LONGEST_OUTAGE_PAUSE = LONGEST_OUTAGE_WAIT
WRITE_TRIES = 3


class AccountPause:
    """The pause of one Mollie account (``account``: its name as the payment rows keep it).
    Implements the ``CallGuard`` a :class:`~shared.adapters.mollie.MollieClient` consults
    around each request."""

    def __init__(self, store: TableStore, clock: Clock, account: str) -> None:
        self.store = store
        self.clock = clock
        self.account = account
        self.rk = encode(account)

    def before(self) -> Row | None:
        """Before a request: :class:`MollieError` while paused; else the row of a pause that
        ran out (the answer to this request clears it), or None."""
        row = self.store.get(MOLLIE_PAYMENTS, PAUSES, self.rk)
        if row is None:
            return None
        until = row.data.get("Until")
        now = self.clock.now()
        if isinstance(until, datetime) and until > now:
            status = row.data.get("Status")
            raise MollieError(
                f"Mollie account {self.account} paused until {until.isoformat()} (it answered "
                f"{status}); not asked before then",
                transient=True,
                status=status if isinstance(status, int) else 429,
                retry_after=(until - now).total_seconds(),
                paused_until=until,
            )
        return row

    def throttled(self, status: int, wait: float | None) -> None:
        """Mollie answered ``status`` (429 or 503) with ``wait`` seconds of Retry-After (None:
        none given): the account is not asked again before then. A later time another
        instance wrote stands; an earlier one is moved on."""
        seconds = DEFAULT_PAUSE.total_seconds() if wait is None else wait
        now = self.clock.now()
        longest = LONGEST_RETRY_AFTER if status == 429 else LONGEST_OUTAGE_PAUSE
        until = now + min(timedelta(seconds=max(seconds, 0)), longest)
        data = {"Until": until, "Status": status, "Since": now}
        try:
            for _ in range(WRITE_TRIES):
                row = self.store.get(MOLLIE_PAYMENTS, PAUSES, self.rk)
                known = row.data.get("Until") if row is not None else None
                if isinstance(known, datetime) and known >= until:
                    return
                try:
                    if row is None:
                        self.store.insert(MOLLIE_PAYMENTS, Row(PAUSES, self.rk, data))
                    else:
                        self.store.replace(
                            MOLLIE_PAYMENTS, Row(PAUSES, self.rk, data, etag=row.etag)
                        )
                except (Conflict, PreconditionFailed):
                    continue  # another instance wrote meanwhile: compare with its time
                log.warning(
                    "mollie account %s answered %s: paused until %s",
                    self.account, status, until.isoformat(),
                    extra=log_extra({"account": self.account, "status": status,
                                     "until": until.isoformat()}),
                )  # fmt: skip
                return
        except Exception:
            # the pause is a saving, not a condition of the answer: Mollie's own error is
            # what the caller must see, never storage's
            log.warning("mollie account %s: pause not kept", self.account, exc_info=True)

    def answered(self, before: Row | None) -> None:
        """Mollie answered: the pause ``before`` read (one that ran out) is removed; one
        written since (its ETag moved: a newer 429) stands."""
        if before is None:
            return
        try:
            self.store.delete(MOLLIE_PAYMENTS, PAUSES, self.rk, etag=before.etag)
        except PreconditionFailed:
            pass
        except Exception:
            # Mollie's answer (a payment made, a customer created, a payment canceled) is the
            # caller's, whatever storage says: a pause row that ran out and stays is harmless
            # (the next answer removes it); raised, the answer was lost (review33b)
            log.warning("mollie account %s: ended pause not removed", self.account,
                        exc_info=True)  # fmt: skip
