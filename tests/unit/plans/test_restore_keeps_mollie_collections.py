# ruff: noqa: F811  (the fixtures world and mollie are imported from test_plan_mollie)
"""failure16 R1 (Mollie): a ledger restore to the night before a plan's recurring payment was
made rolled back its collection row (MolliePlanCollections) with the plan; the plan's next
run made the payment again, and once Mollie has forgotten the idempotency key (it keeps them
for a limited time) the debtor is charged twice. A restore keeps the collections asked of
Mollie: the run finds the one it made and makes none again."""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.services.operations.backups import kept_since, restore
from shared.services.operations.money_hold import MoneyHold
from tests.support.memory_backup import NightlyBackup
from tests.unit.plans.test_plan_mollie import (  # noqa: F401 (fixtures)
    booked,
    mollie,
    the_client,
    webhook,
    world,
)
from tests.unit.plans.test_plan_service import BASE, make, run_day, status


def test_a_restore_after_the_recurring_payment_charges_the_debtor_once(world, mollie):
    a = world.agency_a
    plan_id = make(a, method="direct_debit", start="2026-01-31", installments=3).body["plan_id"]
    a.call("POST", f"{BASE}/{plan_id}/activate")
    (first,) = mollie.posted("first")
    mollie.settle(first["id"], "paid")
    assert webhook(world, first["id"]) == ["paid"]
    world.clock.at = datetime(2026, 3, 2, 2, 30, tzinfo=UTC)
    backup = NightlyBackup(world.store)  # the night before installment 2 is collected
    run_day(world, date(2026, 3, 2))
    (second,) = mollie.posted("recurring")
    at = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
    counts = restore(backup, "2026-03-02", sets=["ledger"], now=at)  # type: ignore[arg-type]
    # the operator reconciled (the restore's money hold held the run and, since hold27, the
    # plan's look at a booking: the webhook's would have waited for this confirm)
    MoneyHold.of(world.services.repos, world.clock).confirm("ops", "bank statements matched")
    mollie.idempotency.clear()  # a day on, Mollie no longer knows the call's key
    run_day(world, date(2026, 3, 3))
    run_day(world, date(2026, 3, 4))
    assert [p["id"] for p in mollie.posted("recurring")] == [second["id"]]
    # the one payment is paid and booked once, on installment 2
    mollie.settle(second["id"], "paid")
    webhook(world, second["id"])
    assert booked(world, second["id"]) is not None
    assert status(world, plan_id)[1][:2] == [("paid", "100.00"), ("paid", "100.00")]
    assert kept_since(counts).mollie_collections == 1
