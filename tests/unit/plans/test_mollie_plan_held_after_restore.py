# ruff: noqa: F811  (the fixtures world and mollie are imported from test_plan_mollie)
"""people27 F6: the restore's money hold held the plans' run, but not what makes a Mollie
payment at a person's request or a booking: staff's retry and activation of a Mollie plan and
the plan's look when money is booked (a webhook, a statement) made a payment at Mollie at once.
After a restore the tables may show failed or due an installment collected since the restored
night: collected again. Now the retry and the activation are refused with the hold's 409
``restore_hold`` (nothing written: the same request after the confirm does it), and a booking
files the plan for the first run after the confirm instead of making the payment."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from shared.api.console.refusal_text import refusal
from shared.ports.tables import Row
from shared.services.operations.money_hold import (
    HOLD_PK,
    HOLD_RK,
    HOLD_TABLE,
    MoneyHeld,
    MoneyHold,
    hold_entity,
)
from tests.unit.plans.test_plan_mollie import (  # noqa: F401 (fixtures)
    mollie,
    plan_of,
    the_client,
    webhook,
    world,
)
from tests.unit.plans.test_plan_service import BASE, make, pay, run_day

NIGHT = "2026-03-01"


def _restored(world: Any) -> None:
    """What ``inning restore`` of the ledger leaves: the hold's marker, unconfirmed."""
    marker = hold_entity(NIGHT, world.clock.now(), "ops")
    data = {k: v for k, v in marker.items() if k not in ("PartitionKey", "RowKey")}
    world.store.upsert(HOLD_TABLE, Row(HOLD_PK, HOLD_RK, data))


def _confirmed(world: Any) -> None:
    MoneyHold.of(world.services.repos, world.clock).confirm("ops", "statements since 1-3 matched")


def _held(response: Any) -> None:
    assert response.status == 409, response.body
    (detail,) = response.body["error"]["details"]
    assert detail["code"] == "restore_hold"
    assert "held since the restore of a backup" in detail["message"]
    assert "inning restore-hold confirm" in detail["message"]


def _failed_second(world: Any, mollie: Any) -> str:
    """A Mollie plan whose installment 2 failed at the bank on 2-3-2026."""
    a = world.agency_a
    plan_id: str = make(a, method="direct_debit", installments=3).body["plan_id"]
    assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    (first,) = mollie.posted("first")
    mollie.settle(first["id"], "paid")
    webhook(world, first["id"])
    run_day(world, date(2026, 3, 2))
    (second,) = mollie.posted("recurring")
    mollie.settle(second["id"], "failed", "AM04")
    assert webhook(world, second["id"]) == ["failed"]
    return plan_id


def test_a_retry_while_held_is_refused_and_done_after_the_confirm(world, mollie):
    plan_id = _failed_second(world, mollie)
    before = plan_of(world, plan_id)
    world.clock.at = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
    _restored(world)
    _held(world.agency_a.call("POST", f"{BASE}/{plan_id}/installments/2/retry"))
    assert len(mollie.posted("recurring")) == 1  # no second payment at Mollie
    assert plan_of(world, plan_id) == before  # nothing written
    _confirmed(world)
    assert world.agency_a.call("POST", f"{BASE}/{plan_id}/installments/2/retry").status == 200
    assert len(mollie.posted("recurring")) == 2


def test_an_activation_while_held_is_refused_and_done_after_the_confirm(world, mollie):
    a = world.agency_a
    plan_id = make(a, method="direct_debit", installments=3).body["plan_id"]
    _restored(world)
    _held(a.call("POST", f"{BASE}/{plan_id}/activate"))
    assert mollie.posted("first") == []
    assert plan_of(world, plan_id)["status"] == "draft"
    _confirmed(world)
    assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    assert len(mollie.posted("first")) == 1


def test_a_plan_collected_otherwise_is_activated_while_held(world, mollie):
    a = world.agency_a
    plan_id = make(a, method="transfer", installments=3).body["plan_id"]
    _restored(world)
    assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 200  # it moves no money now


def test_a_booking_while_held_makes_no_payment_and_the_first_run_after_the_confirm_does(
    world, mollie
):
    a = world.agency_a
    plan_id = make(a, method="direct_debit", installments=3).body["plan_id"]
    assert a.call("POST", f"{BASE}/{plan_id}/activate").status == 200
    (first,) = mollie.posted("first")
    mollie.settle(first["id"], "paid")
    webhook(world, first["id"])
    # installment 2 is due on 2-3 (a Monday); the restore is done that morning, and a
    # transfer of 10.00 is booked: the plan's look would collect installment 2 at Mollie now
    world.clock.at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    _restored(world)
    pay(world, the_client(world), "T1", 1_000, date(2026, 3, 2))
    assert mollie.posted("recurring") == []
    run_day(world, date(2026, 3, 3))  # the run is held too
    assert mollie.posted("recurring") == []
    _confirmed(world)
    run_day(world, date(2026, 3, 4))  # the first run after the confirm: once, less the 10.00
    (second,) = mollie.posted("recurring")
    assert second["amount"]["value"] == "90.00"


def test_the_refusal_reads_dutch_on_a_dutch_page():
    held = MoneyHeld("x is held since the restore of a backup", "2026-03-01")
    assert refusal(held, "nl").startswith(
        "Innen en uitbetalen staan stil sinds de back-up van 2026-03-01 is teruggezet"
    )
    assert held.code == "restore_hold"
