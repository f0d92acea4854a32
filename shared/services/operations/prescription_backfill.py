"""The one-off backfill of prescription watch rows, run by ops after the deploy that made
every open claim watched (``inning backfill prescription``, README "Deploying to Azure").

Since that deploy the daily run gives every collectable invoice of a debtor it looks at a
schedule row for its next prescription look (shared/services/prescription_watch.py). An
invoice whose dunning workflow ended before the deploy has no row, so its debtor is never
looked at again and the warning before its prescription date never comes. The backfill
gives each such invoice one row, per client (tenant-keyed: one client's partition of
``Invoices`` read, rows written only in that client's partition of ``DunningSchedule``):

- **which**: collectable invoices (open, partly paid) that have no schedule row of any date,
  nor a place in an import's row. An invoice with a row is left alone (the run that reads
  that row plans its look); a paid, credited or withdrawn one needs none. A disputed one is
  not given one either: the run watches disputed claims only since cm24 F5, after this
  backfill ran (docs/operations.md says how ops find the old ones).
- **when**: the earliest day its warning could be due: the uninterrupted prescription date
  with the shorter of the two terms its kind can have (the debtor's kind is not read: a
  consumer sale prescribes in 2 years, everything else in 5), less the warning's 60 days.
  Too early is safe: the run's look at that day reads the debtor and moves the row to the
  right day (one look, about 11 storage requests). A day already past means the warning (or
  the hold) is due now: those rows are dated from the backfill's first day on, at most
  ``per_day`` a day, so a big tenant's old claims do not crowd out the run's own work (the
  run reads a client's due rows in key order and stops after the page of up to 1,000 that
  brings it to 5,000, ``DunningRepo.due``: at most 5,999 a job; follow-up jobs read the rest
  the same day).
- **at most once**: each page's rows are inserted (a row that exists is kept, never
  replaced) after the invoices that already had a row were taken out.
- **resumable**: after each page the client's progress (the last invoice key done, the
  counts, the first day) is written with its ETag to the client's ``DunningSchedule``
  partition under ``~ops|prescription-backfill`` (after every date: the run never reads it).
  A crash halfway continues after the last page recorded; the page it was in is done again,
  and its rows, found now, count as kept. Two backfills of one client at once: the second
  stops at its first page (ETag).
- **reported**: per client, rows written, invoices that had one, closed invoices passed,
  and how many rows were due now (spread over days).

A row written at the moment the run moved the same invoice's row elsewhere can make a
second row for it: that costs one extra look at the debtor, never a missed one.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date, timedelta

from shared.adapters.tables import schema
from shared.adapters.tables.dunning_repo import IMPORTED, SCHEDULE
from shared.adapters.tables.invoices_repo import invoice_from_row
from shared.adapters.tables.keys import encode
from shared.clock import Clock, amsterdam_date
from shared.domain.invoices import Invoice
from shared.domain.law.prescription import WARNING_DAYS, prescription, term_years
from shared.ports.tables import (
    MAX_BATCH,
    Conflict,
    Op,
    OpKind,
    PreconditionFailed,
    Row,
    TableStore,
    TransactionFailed,
    all_rows,
    prefix_range,
)
from shared.telemetry.context import log_extra

log = logging.getLogger("inning.operations")

PROGRESS_KEY = "~ops|prescription-backfill"
PAGE = 100  # invoices per page: one transaction of rows at most, progress written after each
PER_DAY = 1000  # rows due now, per day: well under the 5,000 one run job reads
WARNING = timedelta(days=WARNING_DAYS)


class BackfillBusy(RuntimeError):
    """Another backfill of the same client wrote its progress in between."""


@dataclass
class ClientBackfill:
    """What the backfill did for one client, over all its runs (the stored progress)."""

    client_id: str
    first_day: date
    written: int = 0  # rows inserted
    kept: int = 0  # collectable invoices that had a row already (or got one in between)
    closed: int = 0  # invoices that need no look (paid, credited, withdrawn, disputed)
    due_now: int = 0  # of the written rows, those whose look is due already (spread)
    done: bool = False
    after: str = ""  # the row key of the last invoice done

    def as_dict(self) -> dict[str, object]:
        out = asdict(self)
        out["first_day"] = self.first_day.isoformat()
        del out["after"]
        return out


def earliest_look(invoice: Invoice) -> date | None:
    """The earliest day the prescription warning of ``invoice`` can be due (see the
    module); None when the date lies beyond the calendar."""
    years = min(
        term_years(invoice.claim_kind, consumer=True),
        term_years(invoice.claim_kind, consumer=False),
    )
    try:
        return prescription(invoice.due_date, consumer_purchase=False, years=years).prescribed_on - WARNING  # fmt: skip
    except OverflowError:
        return None


class PrescriptionBackfill:
    def __init__(
        self, store: TableStore, clock: Clock, *, per_day: int = PER_DAY, page_size: int = PAGE
    ) -> None:
        if per_day < 1:
            raise ValueError("per_day must be at least 1")
        self.store = store
        self.clock = clock
        self.per_day = per_day
        self.page_size = page_size

    def progress(self, client_id: str) -> ClientBackfill | None:
        row = self.store.get(SCHEDULE, encode(client_id), PROGRESS_KEY)
        return _progress(client_id, row)[0] if row is not None else None

    def run(self, client_id: str, *, max_pages: int | None = None) -> ClientBackfill:
        """Backfill one client, from where an earlier run stopped; ``max_pages``: stop after
        that many pages (the rest on the next call). A finished client is not read again."""
        pk = encode(client_id)
        stored = self.store.get(SCHEDULE, pk, PROGRESS_KEY)
        if stored is None:
            state = ClientBackfill(client_id, amsterdam_date(self.clock.now()))
            etag = self._save(pk, state, None)
        else:
            state, etag = _progress(client_id, stored)
        if state.done:
            return state
        scheduled = self._scheduled(pk)
        pages = 0
        for invoices, last_rk in self._pages(pk, state.after):
            rows: list[Row] = []
            for invoice in invoices:
                if not invoice.is_collectable:
                    state.closed += 1
                    continue
                pair = (encode(invoice.debtor_number), encode(invoice.number))
                look = earliest_look(invoice)
                if pair in scheduled or look is None:
                    state.kept += 1
                    continue
                if look <= state.first_day:
                    look = state.first_day + timedelta(days=state.due_now // self.per_day)
                    state.due_now += 1
                rows.append(Row(pk, f"{look:%Y%m%d}|{pair[0]}|{pair[1]}", {}))
                scheduled.add(pair)
            written = self._insert(rows)
            state.written += written
            state.kept += len(rows) - written
            state.after = last_rk
            etag = self._save(pk, state, etag)
            pages += 1
            if max_pages is not None and pages >= max_pages:
                return state
        state.done = True
        self._save(pk, state, etag)
        log.info(
            "prescription backfill of client %s: %d rows written, %d kept, %d closed",
            client_id, state.written, state.kept, state.closed,
            extra=log_extra({"client_id": client_id, "written": state.written,
                             "kept": state.kept, "closed": state.closed}),
        )  # fmt: skip
        return state

    # -- reading --------------------------------------------------------------------------
    def _scheduled(self, pk: str) -> set[tuple[str, str]]:
        """(encoded debtor, encoded invoice) of every schedule row of the client, and of
        every invoice an import's row names; the ``~`` marks after the dates are not read."""
        out: set[tuple[str, str]] = set()
        for row in all_rows(self.store, SCHEDULE, pk=pk, rk_range=(None, "~")):
            _, debtor, rest = row.rk.split("|", 2)
            if debtor == IMPORTED:
                pairs = json.loads(str(row.data.get("Invoices", "[]")))
                out.update((encode(str(d)), encode(str(n))) for d, n in pairs)
            else:
                out.add((debtor, rest))
        return out

    def _pages(self, pk: str, after: str) -> Iterator[tuple[list[Invoice], str]]:
        """The client's invoices (the ``i|debtor|number`` copies), a page at a time, each
        with the key of its last row; starting after ``after``."""
        lo, hi = prefix_range(schema.INVOICE_ROW + "|")
        token: str | None = None
        while True:
            page = self.store.query(
                schema.INVOICES, pk=pk, rk_range=(after or lo, hi), page_size=self.page_size,
                continuation=token,
            )  # fmt: skip
            rows = [r for r in page.rows if r.rk != after]
            if rows:
                yield [invoice_from_row(r) for r in rows], rows[-1].rk
            token = page.continuation
            if not token:
                return

    # -- writing --------------------------------------------------------------------------
    def _insert(self, rows: list[Row]) -> int:
        """Insert-or-keep: how many of ``rows`` were new."""
        written = 0
        for start in range(0, len(rows), MAX_BATCH):
            chunk = rows[start : start + MAX_BATCH]
            try:
                self.store.transact(SCHEDULE, [Op(OpKind.INSERT, r) for r in chunk])
                written += len(chunk)
                continue
            except TransactionFailed as exc:
                if not isinstance(exc.cause, Conflict):
                    raise
            for row in chunk:  # one exists (a page done again after a crash): row by row
                try:
                    self.store.insert(SCHEDULE, row)
                    written += 1
                except Conflict:
                    pass
        return written

    def _save(self, pk: str, state: ClientBackfill, etag: str | None) -> str | None:
        data = {
            "FirstDay": state.first_day.isoformat(), "Written": state.written,
            "Kept": state.kept, "Closed": state.closed, "DueNow": state.due_now,
            "Done": state.done, "After": state.after,
        }  # fmt: skip
        try:
            if etag is None:
                saved = self.store.insert(SCHEDULE, Row(pk, PROGRESS_KEY, data))
            else:
                saved = self.store.replace(SCHEDULE, Row(pk, PROGRESS_KEY, data, etag))
        except (Conflict, PreconditionFailed):
            raise BackfillBusy(
                f"another prescription backfill of client {state.client_id} is running"
            ) from None
        return saved.etag


def _progress(client_id: str, row: Row) -> tuple[ClientBackfill, str | None]:
    d = row.data
    state = ClientBackfill(
        client_id, date.fromisoformat(str(d["FirstDay"])), int(d.get("Written", 0)),
        int(d.get("Kept", 0)), int(d.get("Closed", 0)), int(d.get("DueNow", 0)),
        bool(d.get("Done", False)), str(d.get("After") or ""),
    )  # fmt: skip
    return state, row.etag
