"""Failed sign-ins slow the next attempt down; they never lock an account for good.

Per account and per address: the first few failures are free, then each one doubles the wait
(1 s, 2 s, 4 s ... at most 15 minutes); an hour without failures forgets them. An attacker can
make a victim wait, never lock them out (ASVS 5.0 6.3.1; 4.0.3's 2.2.1 figure of at most 100
failures per hour per account holds: after 5 free ones the doubling allows fewer than 20 more).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

FREE_FAILURES_ACCOUNT = 5
FREE_FAILURES_ADDRESS = 20  # offices share one address
MAX_WAIT = timedelta(minutes=15)
FORGET_AFTER = timedelta(hours=1)


@dataclass(frozen=True)
class Failures:
    count: int = 0
    last_at: datetime | None = None

    def current(self, now: datetime) -> Failures:
        if self.last_at is None or now - self.last_at >= FORGET_AFTER:
            return Failures()
        return self

    def wait(self, now: datetime, free: int) -> timedelta:
        """How long from ``now`` before another attempt is considered."""
        state = self.current(now)
        if state.count < free or state.last_at is None:
            return timedelta(0)
        delay = min(MAX_WAIT, timedelta(seconds=2 ** min(state.count - free, 20)))
        return max(timedelta(0), state.last_at + delay - now)

    def failed(self, now: datetime) -> Failures:
        return Failures(self.current(now).count + 1, now)

    def given_back(self) -> Failures:
        """An attempt that turned out right: the place it took is not a failure."""
        return Failures(max(0, self.count - 1), self.last_at)
