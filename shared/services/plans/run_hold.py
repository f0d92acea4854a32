"""The restore's money hold as the installment run reads it: once per run, not per plan.

While a restore's hold stands (``shared/services/operations/money_hold.py``, restore26) the
plans' run collects nothing: the direct-debit files and Mollie collections made since the
restored night are unknown to the restored tables, so an installment would be collected
again. The check stood in the trigger adapter (``functions/installments.py``), read for every
plan's queue message: one ``Actions`` read per plan, and while held a logged error and an
``add_once`` per agency for every plan dropped. Now the plan service keeps it: the timer's
fan-out reads the hold (once, fresh: a confirm is seen by the next timer), and the jobs of that
run, in the same worker, take its answer. A job with no fresh answer for its run's day (another
worker instance, a message redelivered later) reads it once for that worker.

The answer is kept at most ``KEPT_SECONDS`` of the worker's own time. A restore is done with
the app stopped or its storage setting changed (docs/operations.md, section 7), either of which
starts new workers, which read the hold afresh; the bound covers a restore done otherwise. A
plan dropped under the hold keeps its calendar row: the first timer after the operator's
confirm queues it again."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import date

log = logging.getLogger("inning.plans")

KEPT_SECONDS = 600.0  # a run's jobs are worked within minutes of its fan-out


class RunHold:
    def __init__(
        self, read: Callable[[str], bool], monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        """``read(what)``: whether the hold stands (``MoneyHold.stops``: it logs, counts and
        tells the agencies when it does)."""
        self._read = read
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._seen: tuple[date, float, bool] | None = None  # (the run's day, read at, held)

    def read_for_run(self, what: str, on: date) -> bool:
        """Read the hold now, for the run of ``on`` (the timer's fan-out)."""
        held = self._read(what)
        with self._lock:
            self._seen = (on, self._monotonic(), held)
        return held

    def stops(self, what: str, on: date) -> bool:
        """Whether a job of the run of ``on`` must stop: the run's answer when this worker
        has a fresh one, else read once."""
        with self._lock:
            seen = self._seen
        if seen is not None and seen[0] == on and self._monotonic() - seen[1] < KEPT_SECONDS:
            if seen[2]:
                log.info("restore_hold: %s held (read once for the run of %s)", what, on)
            return seen[2]
        return self.read_for_run(what, on)
