# ruff: noqa: F811  (the fixtures world and mollie are imported from test_plan_mollie)
"""A plan's Mollie payment read by a webhook delivery before its chargeback, and booked after
the chargeback's own delivery: the late "paid" view is not taken for a reversed chargeback
(failure4 finding 2, the plans' path): a decision that moves the debit is made on Mollie's
state read after the plan."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from shared.adapters.mollie import MollieClient, MolliePayment
from tests.support.mollie_stand_in import MollieWorld
from tests.unit.plans.test_plan_mollie import mollie, plan_of, webhook, world  # noqa: F401
from tests.unit.plans.test_plan_mollie_money import _live, _start


def _late(world: Any, payment_id: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    real = MollieClient.get_payment
    fetched, go_on = threading.Event(), threading.Event()

    def slow(self: MollieClient, pid: str) -> MolliePayment | None:
        payment = real(self, pid)
        if threading.current_thread().name == "late" and not fetched.is_set():
            fetched.set()
            go_on.wait(timeout=10)
        return payment

    monkeypatch.setattr(MollieClient, "get_payment", slow)
    out: list[str] = []
    online = world.services.online_payments
    late = threading.Thread(target=lambda: out.append(online.process(payment_id)), name="late")
    late.start()
    assert fetched.wait(timeout=10)

    def finish() -> list[str]:
        go_on.set()
        late.join()
        return out

    return finish


def test_a_stale_paid_view_after_the_chargeback_books_nothing_again(
    world: Any, mollie: MollieWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan_id, first = _start(world, mollie)
    finish = _late(world, first["id"], monkeypatch)  # reads "paid", nothing charged back
    mollie.chargeback(first["id"])
    assert webhook(world, first["id"]) == ["chargeback"]
    assert _live(world) == []
    # main: "chargeback_reversed", the money booked again although the bank took it back
    assert finish() == ["chargeback"]
    assert _live(world) == []
    assert plan_of(world, plan_id)["direct_debits"][0]["state"] == "returned"


def test_a_stale_chargeback_view_after_the_reversal_takes_nothing_back(
    world: Any, mollie: MollieWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan_id, first = _start(world, mollie)
    mollie.chargeback(first["id"])
    assert webhook(world, first["id"]) == ["chargeback"]
    finish = _late(world, first["id"], monkeypatch)  # reads "charged back"
    [chargeback] = mollie.chargebacks[first["id"]]
    mollie.reverse_chargeback(first["id"], chargeback["id"])
    assert webhook(world, first["id"]) == ["paid"]
    assert _live(world) == [(f"mollie-{first['id']}-r0", 10_000)]
    assert finish() == ["paid"]
    assert _live(world) == [(f"mollie-{first['id']}-r0", 10_000)]
    assert plan_of(world, plan_id)["direct_debits"][0]["state"] == "collected"
