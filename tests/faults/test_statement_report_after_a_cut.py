"""failure32 #2: a statement blob's booking cut off after each of its writes in turn, then the
blob delivered again (the function: ingest, then remember its report): the file's report (what
the console shows per file) is the one of a run without a crash. A cut after the statement's
mark (its last write) made the redelivery report the file "skipped" with 0 lines, and with no
earlier report of the file that is what stayed: a file that booked every line shown as one
that booked nothing."""

from __future__ import annotations

from typing import Any

from shared.ports.tables import all_rows
from shared.services.payment_overview import STATEMENT_REPORTS
from tests.faults.crashes import crash_after_write
from tests.faults.figures import FIGURES
from tests.faults.test_booking_under_faults import ledger, statement
from tests.faults.world import build
from tests.support.faults import SimulatedCrash

NAME = "agency-a/day.sta"


def _report(crash_at: int | None) -> tuple[list[dict[str, Any]], int]:
    world = build(0, 0.0)
    data = statement(ledger(world, invoices=4))
    cut = crash_after_write(world.plan, crash_at)
    world.plan.enabled = True
    for _ in range(5):  # the blob trigger's tries (functions/statements.py)
        try:
            world.services.payment_overview.remember(world.services.statements.ingest(NAME, data))
            break
        except (Exception, SimulatedCrash):
            continue
    world.plan.enabled = False
    rows = [dict(r.data) for r in all_rows(world.store, STATEMENT_REPORTS)]
    return rows, cut.writes


def test_the_files_report_after_a_cut_at_any_write_is_the_report_of_a_whole_run() -> None:
    whole, writes = _report(None)
    assert [(r["Status"], r["Lines"], r["Booked"]) for r in whole] == [("booked", 6, 4)]
    assert writes > 10
    for k in range(1, writes + 1):
        got, _ = _report(k)
        FIGURES["crash points replayed"] += 1
        assert got == whole, (k, got)
