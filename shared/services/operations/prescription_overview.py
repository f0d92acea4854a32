"""What ops see of the prescription watch per client (``inning watch prescription``): the
schedule rows that keep every open claim looked at, and the claims dunning holds past their
prescription date waiting for a person (shared/services/prescription_watch.py).

Read from the client's ``DunningSchedule`` partition only (three range reads and a read of
the held invoices), never computed again: the run decides, this reports what it wrote.

- **rows**: every invoice with a schedule row (an import's row counts each invoice it names),
  the oldest row's day, and how many are dated before today: those the daily run has not
  taken yet (a run behind, or a backlog its follow-up jobs have not
  reached yet);
- **held**: claims whose hold the run announced (the once-mark of the ``prescription`` item
  ``...|held|<date>``), still open or partly paid, and with no decision recorded since (a
  release, or an interruption the next run counts); the oldest hold's date;
- **decided**: held claims on which staff recorded a decision after the hold (the next run
  lets them go on, or holds them again at a later date).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date

from shared.adapters.tables.dunning_repo import IMPORTED, SCHEDULE
from shared.adapters.tables.invoices_repo import InvoiceRepository
from shared.adapters.tables.keys import decode, encode
from shared.adapters.tables.prescription_repo import _decision  # the rows' one reader
from shared.clock import Clock, amsterdam_date
from shared.ports.tables import TableStore, all_rows, prefix_range


@dataclass(frozen=True)
class WatchFigures:
    client_id: str
    rows: int  # invoices with a schedule row
    oldest_row: date | None
    overdue_rows: int  # dated before today: not taken by a run yet
    held: int
    oldest_hold: date | None
    decided: int

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = asdict(self)
        for name in ("oldest_row", "oldest_hold"):
            value = out[name]
            out[name] = value.isoformat() if isinstance(value, date) else None
        return out


def _day(text: str) -> date:
    return date(int(text[:4]), int(text[4:6]), int(text[6:8]))


class PrescriptionOverview:
    def __init__(self, store: TableStore, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self.invoices = InvoiceRepository(store)

    def client(self, client_id: str) -> WatchFigures:
        pk = encode(client_id)
        today = amsterdam_date(self.clock.now())
        rows = overdue = 0
        oldest: date | None = None
        for row in all_rows(self.store, SCHEDULE, pk=pk, rk_range=(None, "~")):
            day, debtor, _ = row.rk.split("|", 2)
            named = (
                len(json.loads(str(row.data.get("Invoices", "[]")))) if debtor == IMPORTED else 1
            )
            on = _day(day)
            rows += named
            overdue += named if on < today else 0
            oldest = on if oldest is None or on < oldest else oldest
        holds: dict[str, date] = {}  # invoice -> the date of its latest hold
        for row in all_rows(self.store, SCHEDULE, pk=pk, rk_range=prefix_range("~prescription|")):
            parts = row.rk[1:].split("|")
            if "held" not in parts or len(parts[-1]) != 8 or not parts[-1].isdigit():
                continue
            number, on = decode(parts[1]), _day(parts[-1])
            holds[number] = max(on, holds.get(number, on))
        decisions = {
            d.invoice_number: d
            for d in (
                _decision(r)
                for r in all_rows(self.store, SCHEDULE, pk=pk, rk_range=prefix_range("~law|"))
            )
        }
        stored = self.invoices.get_many(client_id, sorted(holds)) if holds else {}
        held: list[date] = []
        decided = 0
        for number, on in holds.items():
            found = stored.get(number)
            if found is None or not found.invoice.is_collectable:
                continue  # paid, credited, withdrawn or disputed meanwhile
            decision = decisions.get(number)
            if decision is not None and (
                decision.released_on is not None
                or (decision.at is not None and amsterdam_date(decision.at) >= on)
            ):
                decided += 1
                continue
            held.append(on)
        return WatchFigures(
            client_id, rows, oldest, overdue, len(held), min(held, default=None), decided
        )
