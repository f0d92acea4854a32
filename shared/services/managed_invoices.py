"""Which invoices were under management in a month (what the EUR 0.50 per invoice bills).

An invoice counts in a month when it was open at any moment of it: open when the month
began, imported during it, or still open when it ended; paid, credited or withdrawn during
the month, it still counts for that month, and not for the next. The meter keeps its own
index (:mod:`shared.adapters.tables.usage_repo`) instead of reading the portfolio:

- an import writes one row in the current month listing the collectable invoices it wrote
  (one transaction, no read; a number listed twice counts once);
- opening a month (a timer on the 1st, or the first usage request of the month) reads the
  client's open invoices once, writes them into the new month and into the month that just
  ended (they were open at its end), and marks the month opened;
- counting a month reads that month's rows only (one range read; as many rows as invoices
  counted), never the client's invoices.

- a booking that closes an invoice (paid in full), a credit or a withdrawal, before the current month is opened writes
  it into that month (failure26 F5: opened late, after an outage, a poisoned message or by
  the first usage request on the 2nd, the month missed an invoice paid since the 1st: open
  at 00:00 on the 1st, EUR 0.50 not billed). Once the month is opened (known per instance
  after one read) a booking writes nothing: the opening carried what was open.

Months are Amsterdam months. What the index cannot see: an invoice closed at the start of a
month, reopened by a reversed payment and closed again within that same month.
"""

from __future__ import annotations

import json
import logging
from datetime import date

from shared.adapters.tables.usage_repo import CARRIED, CLOSED, IMPORT, ManagedInvoiceRepository
from shared.clock import Clock, amsterdam_date
from shared.domain.invoices import Invoice, InvoiceStatus
from shared.ports.queues import QueueSender
from shared.ports.tables import StorageError
from shared.services.repositories import Repositories

log = logging.getLogger("inning.usage")

OPEN_QUEUE = "usage-month"
UNDER_MANAGEMENT = frozenset(
    {InvoiceStatus.OPEN, InvoiceStatus.PARTIALLY_PAID, InvoiceStatus.DISPUTED}
)


def month_of(day: date) -> str:
    return f"{day:%Y-%m}"


def previous_month(month: str) -> str:
    year, mon = (int(x) for x in month.split("-"))
    return f"{year - 1}-12" if mon == 1 else f"{year}-{mon - 1:02d}"


def next_month(month: str) -> str:
    year, mon = (int(x) for x in month.split("-"))
    return f"{year + 1}-01" if mon == 12 else f"{year}-{mon + 1:02d}"


class ManagedInvoiceMeter:
    def __init__(
        self,
        repos: Repositories,
        managed: ManagedInvoiceRepository,
        queues: QueueSender,
        clock: Clock,
    ) -> None:
        self.repos = repos
        self.managed = managed
        self.queues = queues
        self.clock = clock
        self._opened: set[tuple[str, str]] = set()  # (client, month) seen opened: never undone

    def current_month(self) -> str:
        return month_of(amsterdam_date(self.clock.now()))

    def record(self, client_id: str, invoices: list[Invoice]) -> None:
        """Invoices an import wrote: under management this month (if collectable)."""
        month = self.current_month()
        numbers = [i.number for i in invoices if i.status in UNDER_MANAGEMENT]
        if not numbers:
            return
        self.managed.add_imported(client_id, month, numbers)

    def closed(self, client_id: str, invoices: list[Invoice]) -> None:
        """A booking wrote these invoices: those it left closed were open a moment ago, so under
        management this month."""
        self.closed_now(client_id, [i.number for i in invoices if i.status not in UNDER_MANAGEMENT])

    def closed_now(self, client_id: str, numbers: list[str]) -> None:
        """Invoices open a moment ago and closed now (paid, credited, withdrawn): under
        management this month. Written only while the month is not opened yet (its opening
        carries what is open then, and would miss these); one read per client and month and
        instance after that."""
        if not numbers:
            return
        month = self.current_month()
        if (client_id, month) in self._opened:
            return
        try:
            if self.managed.is_opened(client_id, month):
                self._opened.add((client_id, month))
                return
            self.managed.add(client_id, month, numbers, CLOSED)
        except StorageError as exc:  # the money is booked: a failure here must not undo that
            log.warning("usage: invoices closed before %s was opened not noted for client %s: "
                        "%s", month, client_id, exc.__class__.__name__)  # fmt: skip

    def open_month(self, client_id: str, month: str | None = None) -> None:
        """Carry the client's open invoices into ``month`` and into the month before (they
        were open at its end). Idempotent; the marker is written last."""
        month = month or self.current_month()
        if self.managed.is_opened(client_id, month):
            return
        open_now = [i.number for i in self.repos.invoices.open_invoices(client_id)]
        held = self.managed.month(client_id, month)
        not_carried = {n for n, via in held.items() if via == IMPORT}  # came in this month
        # a month opened after it ended (its message replayed from the poison queue, or late
        # after an outage): what is open now includes invoices imported since, which neither
        # it nor the month before held (failure26 F1: April's new invoice billed in March
        # and February). One the meter knew by then (a later import only moved its due
        # date) is carried as before.
        later = self._imported_after(client_id, month)
        if later:
            known = held.keys() | self.managed.month(client_id, previous_month(month)).keys()
            not_carried |= later - known
        carried = [n for n in open_now if n not in not_carried]
        self.managed.add(client_id, previous_month(month), carried, CARRIED)
        self.managed.add(client_id, month, carried, CARRIED)
        self.managed.mark_opened(client_id, month)
        log.info(
            "usage month %s opened for client %s: %d open invoices", month, client_id, len(open_now)
        )

    def _imported_after(self, client_id: str, month: str) -> set[str]:
        """Invoices imported in the months after ``month`` up to the current one (none read
        when ``month`` is the current one: the timer's usual case)."""
        found: set[str] = set()
        current = self.current_month()
        later = month
        while later < current:
            later = next_month(later)
            found |= {n for n, via in self.managed.month(client_id, later).items() if via == IMPORT}
        return found

    def fan_out(self) -> int:
        """The monthly timer: one queue message per client."""
        month = self.current_month()
        count = 0
        for client in self.repos.clients.all():
            self.queues.send(
                OPEN_QUEUE, json.dumps({"client_id": client.client_id, "month": month})
            )
            count += 1
        return count

    def count(self, client_id: str, month: str) -> int:
        """Invoices under management in ``month``; the current month is opened first if the
        timer has not done so yet."""
        if month == self.current_month():
            self.open_month(client_id, month)
        return len(self.managed.month(client_id, month))
