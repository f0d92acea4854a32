# ruff: noqa: F811  (the fixtures world and mollie are imported from test_plan_mollie)
"""A plan's installment refunded through Mollie, the refund then failed at Mollie (or a
chargeback the bank reversed): the webhook's delivery counts the debit collected again on the
plan (saved) and then books the payment anew in the ledger. A delivery stopping between the two
(the worker dies, or the store times out on the 'undone' row or in the ledger booking, so the
host redelivers) is finished by the redelivery: the installment paid, the payment booked once,
staff told once (failure6 finding 1). Against the Mollie stand-in over HTTP."""

from __future__ import annotations

from typing import Any

import pytest
from azure.core.exceptions import ServiceResponseError

from shared.services.online_payments import OnlinePaymentService
from tests.support.faults import SimulatedCrash
from tests.support.mollie_stand_in import MollieWorld
from tests.unit.plans.test_plan_mollie import (  # noqa: F401 (fixtures)
    actions,
    mollie,
    plan_of,
    webhook,
    world,
)
from tests.unit.plans.test_plan_mollie_money import _live, _start
from tests.unit.plans.test_plan_mollie_refund_failed import _refunded


def _fail_once(monkeypatch: pytest.MonkeyPatch, name: str, fault: BaseException | None) -> None:
    """The first call of ``OnlinePaymentService.<name>`` meets ``fault`` (None: no fault)."""
    real = getattr(OnlinePaymentService, name)
    hits = {"n": 0}

    def once(self: Any, *a: Any, **kw: Any) -> Any:
        if fault is not None and hits["n"] == 0:
            hits["n"] += 1
            raise fault
        return real(self, *a, **kw)

    monkeypatch.setattr(OnlinePaymentService, name, once)


def _deliver(world: Any, pid: str) -> list[str]:
    """One delivery that may die or time out, then the host's redelivery and Mollie's next call."""
    outcomes: list[str] = []
    try:
        outcomes += webhook(world, pid)
    except (SimulatedCrash, ServiceResponseError) as exc:
        outcomes.append(f"raised {type(exc).__name__}")
    outcomes += webhook(world, pid, times=2)
    return outcomes


@pytest.mark.parametrize(
    ("name", "fault"),
    [
        ("_claim_undone", SimulatedCrash("after the plan counted the debit again")),
        ("_claim_undone", ServiceResponseError("injected: read timed out")),
        ("_net", ServiceResponseError("injected: read timed out")),
        ("_net", SimulatedCrash("before the ledger booking")),
        ("_claim_undone", None),  # control
    ],
    ids=[
        "crash_before_undone_row",
        "timeout_on_undone_row",
        "timeout_in_ledger_booking",
        "crash_in_ledger_booking",
        "control",
    ],
)
def test_a_failed_refund_delivered_again_after_a_fault_pays_the_installment(
    world: Any,
    mollie: MollieWorld,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    fault: BaseException | None,
) -> None:
    plan_id, pid, refund_id = _refunded(world, mollie)
    mollie.refund_status(pid, refund_id, "failed")
    _fail_once(monkeypatch, name, fault)
    outcomes = _deliver(world, pid)
    got = plan_of(world, plan_id)
    assert got["installments"][0]["status"] == "paid", outcomes
    assert got["direct_debits"][0]["state"] == "collected"
    assert _live(world) == [(f"mollie-{pid}-r0", 10_000)]  # booked again, once
    assert len(actions(world, "refund_failed")) == 1  # staff told once
    assert outcomes[-1] == "paid"  # and from then on, as is


@pytest.mark.parametrize("fault", ["timeout", "crash", "control"])
def test_a_reversed_chargeback_delivered_again_after_a_fault_pays_the_installment(
    world: Any, mollie: MollieWorld, monkeypatch: pytest.MonkeyPatch, fault: str
) -> None:
    plan_id, first = _start(world, mollie)
    pid = first["id"]
    mollie.chargeback(pid)
    assert webhook(world, pid) == ["chargeback"]
    [chargeback] = mollie.chargebacks[pid]
    mollie.reverse_chargeback(pid, chargeback["id"])
    faults = {"timeout": ServiceResponseError("injected: read timed out"),
              "crash": SimulatedCrash("before the ledger booking"), "control": None}  # fmt: skip
    _fail_once(monkeypatch, "_rebook", faults[fault])
    outcomes = _deliver(world, pid)
    got = plan_of(world, plan_id)
    assert got["installments"][0]["status"] == "paid", outcomes
    assert got["direct_debits"][0]["state"] == "collected"
    assert _live(world) == [(f"mollie-{pid}-r0", 10_000)]
    assert outcomes[-2:] == ["paid", "paid"]
