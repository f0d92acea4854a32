# ruff: noqa: F811  (the fixtures world and mollie are imported from test_plan_mollie)
"""hold27 F1 left: a credit note (``basis_changed``) or a restatement (``claims_restated``) on
an invoice of a Mollie plan ran the plan's look at once while a restore's money hold stood, and
that look collects an installment due today at Mollie. After a restore the tables may show due
an installment collected since the restored night: collected again. Now both go through the
same hold gate as the run and a booking (``PlanService.take_in``): the plan is filed for today
and the first run after the operator's confirm lowers it and collects, once."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from tests.unit.plans.test_mollie_plan_held_after_restore import _confirmed, _restored
from tests.unit.plans.test_plan_mollie import (  # noqa: F401 (fixtures)
    mollie,
    plan_of,
    the_client,
    webhook,
    world,
)
from tests.unit.plans.test_plan_service import BASE, make, run_day


def _second_due_today(world: Any, mollie: Any) -> str:
    """A Mollie plan over F1 200.00 + F2 100.00 in three, the first paid; installment 2 is
    due on 2-3-2026, the morning of the restore."""
    a = world.agency_a
    plan_id: str = make(a, method="direct_debit", installments=3).body["plan_id"]
    assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    (first,) = mollie.posted("first")
    mollie.settle(first["id"], "paid")
    webhook(world, first["id"])
    world.clock.at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    _restored(world)
    return plan_id


def _after_the_confirm(world: Any, mollie: Any, plan_id: str, second: str, total: str) -> None:
    run_day(world, date(2026, 3, 3))  # the run is held too
    assert mollie.posted("recurring") == []
    _confirmed(world)
    run_day(world, date(2026, 3, 4))  # the first run after the confirm: followed, then once
    (made,) = mollie.posted("recurring")
    assert made["amount"]["value"] == second
    assert plan_of(world, plan_id)["total"] == total


def test_a_credit_note_while_held_makes_no_payment_and_the_run_after_the_confirm_does(
    world, mollie
):
    plan_id = _second_due_today(world, mollie)
    assert world.agency_a.call("POST", "/v1/clients/C1/invoices/F2/credit").status == 200
    assert mollie.posted("recurring") == []  # was: installment 2 collected at Mollie at once
    assert plan_of(world, plan_id)["total"] == "300.00"  # its look waits for the confirm
    _after_the_confirm(world, mollie, plan_id, "50.00", "200.00")  # lowered by F2's 100.00


def test_a_restatement_while_held_makes_no_payment_and_the_run_after_the_confirm_does(
    world, mollie
):
    plan_id = _second_due_today(world, mollie)
    # as the ledger's restatement listener tells it (``restated_listener``: a rate table put
    # in force, a 14-day letter undeliverable); F1 and F2 owe what they did
    world.services.plans.claims_restated(the_client(world), ["F1", "F2"])
    assert mollie.posted("recurring") == []  # was: installment 2 collected at Mollie at once
    _after_the_confirm(world, mollie, plan_id, "100.00", "300.00")
