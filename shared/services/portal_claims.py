"""The overview's claim figures, kept for the same debtor's next view of an unchanged claim.

Replaying a debtor's claims (interest accrued over the rate table's periods, one amount of
collection costs shared over the claims of a notice) is the page's largest piece of CPU after
its storage reads, and a debtor reloads the page, comes back to it from a form or from the
payment page, with nothing booked in between. The figures are a pure function of the claim
records, the day and the rate table (:func:`shared.domain.ledger.replay.open_claims`), so they
are kept under exactly those: a payment, a credit, a new invoice, a restatement, the next day
or another rate table is another key and a fresh replay. The key names the client and the
debtor as well, so one debtor's entry is never the answer to another's, not even for records
equal to the cent.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from datetime import date

from shared.domain.law.interest_rates import RateTable
from shared.domain.ledger.costs import ClaimRecord
from shared.domain.ledger.model import ClaimFigures
from shared.domain.ledger.replay import open_claims

# claims kept over all entries: a claim's record and figures take about 2 KB (measured with
# tracemalloc), so about 20 MB of an instance's memory; 2,000 debtors of five invoices
KEPT_CLAIMS = 10_000


class ClaimFiguresMemo:
    """:func:`open_claims` for one debtor, answered from the latest replays (at most
    ``kept`` claims over all debtors; the least recently viewed go first)."""

    def __init__(self, kept: int = KEPT_CLAIMS) -> None:
        self._limit = kept
        self._claims = 0
        self._kept: OrderedDict[Hashable, tuple[RateTable | None, dict[str, ClaimFigures]]]
        self._kept = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def open_claims(
        self,
        client_id: str,
        debtor_number: str,
        records: Sequence[ClaimRecord],
        on: date,
        rates: RateTable | None,
    ) -> dict[str, ClaimFigures]:
        # the rate table by identity (the rates service hands out one object until it reads
        # the table again): hashing its rows would cost more than a small replay; the entry
        # holds the table, so its id cannot pass to another table while the entry is kept
        key = (client_id, debtor_number, on, id(rates), tuple(records))
        try:
            with self._lock:
                kept = self._kept.get(key)
                if kept is not None and kept[0] is rates:
                    self._kept.move_to_end(key)
                    self.hits += 1
                    return dict(kept[1])  # a copy: the caller may add to it
        except TypeError:  # a record with something unhashable in it: replayed, not kept
            return open_claims(records, on, rates)
        figures = open_claims(records, on, rates)
        with self._lock:
            self.misses += 1
            if _weight(figures) <= self._limit and key not in self._kept:
                self._kept[key] = (rates, figures)
                self._claims += _weight(figures)
                while self._claims > self._limit:
                    self._claims -= _weight(self._kept.popitem(last=False)[1][1])
        return dict(figures)

    def __len__(self) -> int:
        return len(self._kept)


def _weight(figures: dict[str, ClaimFigures]) -> int:
    """What an entry counts against the limit: its claims, and an empty one as one."""
    return max(1, len(figures))
