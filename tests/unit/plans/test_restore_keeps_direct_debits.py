"""failure16 R1 (direct debits): a ledger restore to a night before a plan's collection was
filed rolled the collection back with the plan, so the plan filed its installment again, for
a later date, into a second pain.008: the bank would collect 100.00 twice. A restore keeps
the collections asked of a bank (SddCollections, SddPending), and a plan that forgot one
takes it up again under its end-to-end id and date instead of filing it anew."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from shared.services.operations.backups import kept_since, restore
from shared.services.operations.money_hold import MoneyHold
from shared.services.plans.direct_debit import CONTAINER
from tests.support.memory_backup import NightlyBackup
from tests.unit.plans.test_plan_debit_returned_late import _days
from tests.unit.plans.test_plan_service import BASE
from tests.unit.plans.test_plan_service import plans as plans
from tests.unit.plans.test_sepa_returns import _running_direct_debit


def _collections(world: Any) -> list[tuple[str, int]]:
    """Per file with collections: its date and how many it asks the bank for."""
    files = world.services.files
    out = []
    for name in files.names(CONTAINER):
        count = files.get(CONTAINER, name).count(b"<DrctDbtTxInf>")
        if count:
            out.append((name.rsplit("/", 1)[-1][:10], count))
    return sorted(out)


def test_a_restore_after_the_file_was_made_collects_the_installment_once(plans: Any) -> None:
    world, _ = plans
    plan_id = _running_direct_debit(world)
    world.clock.at = datetime(2026, 1, 21, 2, 30, tzinfo=UTC)
    backup = NightlyBackup(world.store)  # the night before the collection is filed
    _days(world, date(2026, 1, 21), date(2026, 1, 24))  # filed 21-1, its file made 24-1
    assert _collections(world) == [("2026-01-26", 1)]
    at = datetime(2026, 1, 25, 10, 0, tzinfo=UTC)
    counts = restore(backup, "2026-01-21", sets=["ledger"], now=at)  # type: ignore[arg-type]
    got = world.agency_a.call("GET", f"{BASE}/{plan_id}").body
    assert got["direct_debits"] == []  # the plan forgot it
    # the operator reconciled with the bank (restore26's hold, which the plan service reads
    # since plans27): what is kept is tested, not the hold
    MoneyHold.of(world.services.repos, world.clock).confirm("ops", "bank statements matched")
    _days(world, date(2026, 1, 25), date(2026, 2, 3))
    # the bank was asked once, in the file it has; the plan books that one collection
    assert _collections(world) == [("2026-01-26", 1)]
    got = world.agency_a.call("GET", f"{BASE}/{plan_id}").body
    assert [(d["state"], d["collection_date"]) for d in got["direct_debits"]] == [
        ("collected", "2026-01-26")
    ]
    assert got["installments"][0]["paid"] == "100.00"
    assert kept_since(counts).direct_debits == 1  # what the command tells the operator
