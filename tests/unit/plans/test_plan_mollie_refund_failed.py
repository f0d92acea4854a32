# ruff: noqa: F811  (the fixtures world and mollie are imported from test_plan_mollie)
"""A plan's installment paid through Mollie, refunded, and the refund then ``failed`` or
``canceled`` at Mollie (the money stayed with the creditor): the installment is paid again,
the plan is no longer overdue, the payment is booked once more, exactly once, however often
and in whatever order the webhook is delivered. Against the Mollie stand-in over HTTP, which
moves refunds only as Mollie documents (``REFUND_MOVES``)."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from shared.adapters.mollie import MollieChargeback, MollieClient
from shared.services.errors import ConflictingUpdate
from tests.support.mollie_stand_in import MollieWorld
from tests.unit.plans.test_plan_mollie import (  # noqa: F401 (fixtures)
    actions,
    mollie,
    plan_of,
    webhook,
    world,
)
from tests.unit.plans.test_plan_mollie_money import _live, _start


def _refunded(world: Any, mollie: MollieWorld) -> tuple[str, str, str]:
    plan_id, first = _start(world, mollie)
    mollie.refund(first["id"])  # all of it: the client gives the debtor his money back
    assert webhook(world, first["id"]) == ["refund"]
    assert _live(world) == []
    got = plan_of(world, plan_id)
    assert got["installments"][0]["status"] == "failed"
    [refund] = mollie.refunds[first["id"]]
    return plan_id, first["id"], refund["id"]


@pytest.mark.parametrize("status", ["failed", "canceled"])
def test_a_failed_refund_pays_the_installment_again_once(
    world: Any, mollie: MollieWorld, status: str
) -> None:
    plan_id, pid, refund_id = _refunded(world, mollie)
    mollie.refund_status(pid, refund_id, status)
    # before: "paid" and nothing booked, the installment failed and the plan overdue for good
    assert webhook(world, pid, times=2) == ["refund_failed", "paid"]  # the redelivery: as is
    assert _live(world) == [(f"mollie-{pid}-r0", 10_000)]
    got = plan_of(world, plan_id)
    assert got["installments"][0]["status"] == "paid"
    assert got["installments"][0]["paid"] == "100.00"
    assert got["direct_debits"][0]["state"] == "collected"
    assert got["status"] == "active"  # not overdue: no reminder, no breach for installment 1
    assert len(actions(world, "refund_failed")) == 1  # told once


def test_a_refund_that_goes_through_keeps_the_installment_open(
    world: Any, mollie: MollieWorld
) -> None:
    plan_id, pid, refund_id = _refunded(world, mollie)
    mollie.refund_status(pid, refund_id, "processing")
    mollie.refund_status(pid, refund_id, "refunded")
    assert webhook(world, pid) == ["refund"]
    assert _live(world) == []
    assert plan_of(world, plan_id)["installments"][0]["status"] == "failed"
    assert actions(world, "refund_failed") == []


@pytest.mark.parametrize("totals_follow", [True, False])
def test_one_of_two_refunds_failing_leaves_the_other_refunded(
    world: Any, mollie: MollieWorld, totals_follow: bool
) -> None:
    """``totals_follow``: the payment's amountRefunded gives the failed refund back (as the
    stand-in does); or not (should Mollie's totals lag its lists): the lists decide either way."""
    plan_id, first = _start(world, mollie)
    mollie.refund(first["id"], "30.00")
    mollie.refund(first["id"], "20.00")
    assert webhook(world, first["id"]) == ["refund"]
    assert _live(world) == [(f"mollie-{first['id']}-r5000", 5000)]
    second = mollie.refunds[first["id"]][1]["id"]
    mollie.refund_status(first["id"], second, "failed")
    if not totals_follow:
        mollie.payments[first["id"]]["amountRefunded"] = {"currency": "EUR", "value": "50.00"}
    assert webhook(world, first["id"], times=2) == ["refund", "refund"]
    assert _live(world) == [(f"mollie-{first['id']}-r3000", 7000)]
    # 30.00 of it is still refunded: the installment stays open
    assert plan_of(world, plan_id)["installments"][0]["status"] == "failed"


def _held_after_judging(monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, threading.Event]:
    """The thread named "late" stops once it has read Mollie's lists the first time (the
    plan's own read of Mollie's state, after the plan): it has judged, and books only when
    let go."""
    real = MollieClient.chargebacks
    judged, go_on = threading.Event(), threading.Event()

    def slow(self: MollieClient, pid: str, amount: int = 0) -> list[MollieChargeback]:
        found = real(self, pid, amount)
        if threading.current_thread().name == "late" and not judged.is_set():
            judged.set()
            go_on.wait(timeout=10)
        return found

    monkeypatch.setattr(MollieClient, "chargebacks", slow)
    return judged, go_on


def test_a_refund_delivery_that_books_after_the_failure_is_retried(
    world: Any, mollie: MollieWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fault: the refund's delivery reads Mollie (refund pending) and stalls; the refund fails
    and its delivery (twice) finishes first; the stalled one then books the refund. It must
    not stand: the late delivery is retried and ends with the installment paid."""
    plan_id, first = _start(world, mollie)
    pid = first["id"]
    mollie.refund(pid)
    judged, go_on = _held_after_judging(monkeypatch)
    online = world.services.online_payments
    errors: list[BaseException] = []

    def late_delivery() -> None:
        try:
            online.process(pid)
        except ConflictingUpdate as e:  # the queue redelivers it
            errors.append(e)

    late = threading.Thread(target=late_delivery, name="late")
    late.start()
    assert judged.wait(timeout=10)
    [refund] = mollie.refunds[pid]
    mollie.refund_status(pid, refund["id"], "failed")
    assert webhook(world, pid, times=2) == ["paid", "paid"]  # nothing was refunded yet
    go_on.set()
    late.join()
    assert [type(e) for e in errors] == [ConflictingUpdate]  # it saw Mollie moved: retried
    assert online.process(pid) == "refund_failed"  # the redelivery books Mollie's state
    assert webhook(world, pid) == ["paid"]
    assert _live(world) == [(f"mollie-{pid}-r0", 10_000)]
    got = plan_of(world, plan_id)
    assert got["installments"][0]["status"] == "paid"
    assert got["direct_debits"][0]["state"] == "collected"


def test_a_stale_refund_delivery_after_the_failure_was_booked_changes_nothing(
    world: Any, mollie: MollieWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Out of order: the refund was booked; a redelivery of its webhook reads Mollie while the
    refund still stands and stalls; the failure's delivery books; the stale one then finds the
    plan counted again and Mollie's lists without the refund, and books nothing more."""
    plan_id, pid, refund_id = _refunded(world, mollie)
    judged, go_on = _held_after_judging(monkeypatch)
    online = world.services.online_payments
    out: list[str] = []
    errors: list[BaseException] = []

    def late_delivery() -> None:
        try:
            out.append(online.process(pid))
        except ConflictingUpdate as e:
            errors.append(e)

    late = threading.Thread(target=late_delivery, name="late")
    late.start()
    assert judged.wait(timeout=10)
    mollie.refund_status(pid, refund_id, "canceled")
    assert webhook(world, pid) == ["refund_failed"]
    go_on.set()
    late.join()
    for _ in errors:  # each refused claim is a redelivery
        out.append(online.process(pid))
    assert out[-1] in ("paid", "refund_failed")
    assert _live(world) == [(f"mollie-{pid}-r0", 10_000)]
    assert plan_of(world, plan_id)["installments"][0]["status"] == "paid"
    assert len(actions(world, "refund_failed")) == 1


def test_a_plan_cancelled_while_refunded_is_not_revived_but_staff_are_told_once(
    world: Any, mollie: MollieWorld
) -> None:
    from tests.unit.plans.test_plan_service import BASE

    plan_id, pid, refund_id = _refunded(world, mollie)
    reply = world.agency_a.call(
        "POST", f"{BASE}/{plan_id}/cancel", {"reason": "installment 1 refunded"}
    )
    assert reply.status == 200, reply.body
    mollie.refund_status(pid, refund_id, "failed")
    assert webhook(world, pid, times=2) == ["refund_failed", "paid"]
    assert _live(world) == [(f"mollie-{pid}-r0", 10_000)]  # the money counts on the invoices
    got = plan_of(world, plan_id)
    assert got["status"] == "cancelled"  # the debtor was told it ended: staff decide
    assert got["direct_debits"][0]["state"] == "collected"
    [item] = actions(world, "plan_lapsed_but_paid")
    assert item["detail"]["plan_id"] == plan_id and item["detail"]["installment"] == 1
