"""A due date moved on an invoice money had already reached is restated, whatever fails in
between (law10 F2, its last case); so is an imported default date (``interest_from``) moved
on one (:meth:`DueDateRestatements.mark_dates`).

The claim's terms are read live from the invoice: a moved due date moves the day interest
runs from (6:83 sub a, 6:119 lid 1) and, for a business whose client charges costs from the
due date, the costs' term. What is still open follows at once; what the debtor paid was
allocated under the old date and is restated like any other change of terms
(:meth:`~shared.services.ledger.service.LedgerService.restate_terms`): interest for days he
was not in default taken back, his payments allocated again by 6:44.

The import stores the new date, then the restatement runs; a request that fails in between
(a storage error, a timeout, a crashed worker) would leave the date stored and its retry
would find nothing changed. So the moved dates are marked first (a row ``d|<id>`` beside the
invoices), the invoices stored, the claims restated and the mark dropped. A mark left
standing is finished by the client's next import and by the daily run: the claims restated
(a claim whose figures already follow its terms does not change) and the mark dropped once
every invoice carries its marked date, or after :data:`GRACE` (the change was never stored:
a request refused or lost it; one still under way is given that long)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from shared.adapters.tables.invoices_repo import (
    DUE_MOVED_ROW,
    LEGACY_DUE_MOVED_ROW,
    MarkRow,
)
from shared.adapters.tables.ledger_repo import LedgerRepository
from shared.clock import Clock
from shared.domain.ids import time_ordered_id
from shared.domain.parties import Client
from shared.ports.tables import StorageError
from shared.services.errors import ConflictingUpdate
from shared.services.ledger.service import LedgerService
from shared.services.repositories import Repositories
from shared.telemetry.context import log_extra

log = logging.getLogger(__name__)

# how long a mark whose change is not (yet) stored is kept: a request still writing it is
# given this long before its mark counts as one for a change that never happened
GRACE = timedelta(hours=1)
BECAUSE = "restated: the invoice's due date moved"


class DueDateRestatements:
    def __init__(self, repos: Repositories, ledger: LedgerService, clock: Clock) -> None:
        self.repos = repos
        self.ledger = ledger
        self.clock = clock

    def mark(self, client: Client, moved: Mapping[str, tuple[date, date]]) -> str:
        """Mark the invoices ``moved`` (number: its due date stored and the new one) to be
        restated, before they are stored; the mark's key."""
        now = self.clock.now()
        key = time_ordered_id(now)
        was = {number: old.isoformat() for number, (old, _) in sorted(moved.items())}
        due = {number: new.isoformat() for number, (_, new) in sorted(moved.items())}
        self.repos.invoices.put_mark(client.client_id, DUE_MOVED_ROW, key,
                                     {"at": now.isoformat(), "was": was, "due": due})  # fmt: skip
        return key

    def mark_dates(
        self,
        client: Client,
        debtor: str,
        number: str,
        start: tuple[date | None, date | None],
        letter_on: date | None,
    ) -> str:
        """Mark invoice ``number`` to be restated before the import stores its claim's new
        dates: the default date interest runs from (``start``: stored, new) and the 14-day
        letter's (its costs' term); the mark's key."""
        now = self.clock.now()
        key = time_ordered_id(now)
        # interest ran from the earlier of the two: what was booked from then rested on it
        first = min((d for d in start if d is not None), default=None)
        was = {number: (first - timedelta(days=1)).isoformat()} if first else {}
        new = [debtor, letter_on.isoformat() if letter_on else None,
               start[1].isoformat() if start[1] else None]  # fmt: skip
        self.repos.invoices.put_mark(client.client_id, DUE_MOVED_ROW, key,
                                     {"at": now.isoformat(), "was": was,
                                      "dates": {number: new}})  # fmt: skip
        return key

    def finish(self, client: Client, keys: set[str]) -> None:
        """The marks ``keys`` this request wrote, its writes done: their claims restated and
        the marks dropped (a row it did not store was not moved: restating it changes
        nothing)."""
        for key, etag, mark in self.repos.invoices.marks(client.client_id, DUE_MOVED_ROW):
            if key in keys:
                self._finish(client, key, etag, mark, own=True)

    def finish_left_over(self, client: Client, found: list[MarkRow] | None = None) -> None:
        """Marks an earlier request left (it failed between the mark and the restatement):
        finished now. One that fails again stays for the next import or daily run.
        ``found``: the marks the import read with the other left-overs
        (``InvoiceRepository.left_over``); without it (the daily run) they are read here, with
        those an older version keyed ``d|``."""
        invoices = self.repos.invoices
        marks = [(DUE_MOVED_ROW, m) for m in found] if found is not None else [
            *((DUE_MOVED_ROW, m) for m in invoices.marks(client.client_id, DUE_MOVED_ROW)),
            *((LEGACY_DUE_MOVED_ROW, m)
              for m in invoices.marks(client.client_id, LEGACY_DUE_MOVED_ROW)),
        ]  # fmt: skip
        for row, (key, etag, mark) in marks:
            try:
                self._finish(client, key, etag, mark, own=False, row=row)
            except (StorageError, ConflictingUpdate) as exc:
                log.warning(
                    "a moved due date left to restate once more",
                    extra=log_extra({"client_id": client.client_id, "mark": key,
                                     "error": exc.__class__.__name__}),
                )  # fmt: skip

    def _finish(
        self, client: Client, key: str, etag: str | None, mark: Mapping[str, Any], own: bool,
        row: str = DUE_MOVED_ROW,
    ) -> None:  # fmt: skip
        due: dict[str, str] = dict(mark.get("due") or {})
        dates: dict[str, list[str | None]] = dict(mark.get("dates") or {})
        # the payments booked since the earlier of the two dates rested on the old one
        was = {n: date.fromisoformat(d) for n, d in dict(mark.get("was") or {}).items()}
        stored = self.repos.invoices.get_many(client.client_id, sorted({*due, *dates}))
        if stored:
            self.ledger.restate_terms(client.client_id, sorted(stored), BECAUSE,
                                     replay_from=was, changed="due date")  # fmt: skip
        moved = all(
            n in stored and stored[n].invoice.due_date.isoformat() == d for n, d in due.items()
        ) and all(self._dated(client, n, *new) for n, new in dates.items())
        at = datetime.fromisoformat(str(mark.get("at")))
        if own or moved or self.clock.now() - at > GRACE:
            self.repos.invoices.drop_mark(client.client_id, row, key, etag)

    def _dated(
        self, client: Client, number: str, debtor: str | None, letter: str | None,
        start: str | None,
    ) -> bool:  # fmt: skip
        """The claim carries the dates its mark names (the import stored them)."""
        header = LedgerRepository(self.repos.store).header(client.client_id, debtor or "", number)
        if header is None:
            return False
        iso = [d.isoformat() if d else None for d in (header.fourteen_day_letter_on,
                                                      header.interest_from)]  # fmt: skip
        return iso == [letter, start]
