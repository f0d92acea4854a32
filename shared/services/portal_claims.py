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

# a debtor's records and figures are a few kilobytes: a few thousand views kept in a few MB
KEPT = 2_000


class ClaimFiguresMemo:
    """:func:`open_claims` for one debtor, answered from the last :data:`KEPT` replays."""

    def __init__(self, kept: int = KEPT) -> None:
        self._size = kept
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
            self._kept[key] = (rates, figures)
            self._kept.move_to_end(key)
            while len(self._kept) > self._size:
                self._kept.popitem(last=False)
        return dict(figures)

    def __len__(self) -> int:
        return len(self._kept)
