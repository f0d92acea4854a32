"""failure32 #3: Table Storage answers every write of a payment row with an error (a 500 or 503
after the SDK's retries, a timeout, a reset) for as long as the Mollie webhook's message is
delivered: the ledger has taken the booking, the payment row never lands. The message is not
swallowed: it goes back each time, after ``maxDequeueCount`` to the poison queue, and the
poison item says why (the storage error). Nothing half-written counts as done: the operator's
replay after the outage books the payment once, and the invoices are paid."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.faults.checks import all_actions
from tests.faults.crashes import TABLE_WRITES
from tests.faults.harness import MAX_DEQUEUE
from tests.faults.world import build, mollie_debtor, paid_online

SAID = {"http500": "500 InternalError", "timeout": "read timed out", "reset": "connection reset"}


@pytest.mark.parametrize("kind", sorted(SAID))
def test_a_webhook_storage_keeps_refusing_goes_to_poison_and_books_once_on_replay(kind) -> None:
    world = build(0, 0.0)
    a = world.api
    client = mollie_debtor(world)
    paid_online(world, client)
    world.plan.rule(lambda op, table: op in TABLE_WRITES and table == "Payments", kind, times=10**6)
    world.plan.enabled = True
    world.host.run_until(world.clock.now() + timedelta(hours=1))
    world.plan.enabled = False
    assert world.host.poisoned["mollie-webhook"] == 1  # back each time, then set aside
    assert world.host.figures.failures >= MAX_DEQUEUE
    assert world.services.repos.payments.list(client.client_id)[0] == []
    world.host.run_until(world.clock.now() + timedelta(minutes=10))  # the poison drain
    poison = [x for x in all_actions(world) if x.kind == "poison"]
    assert len(poison) == 1, poison
    said = str(poison[0].detail)
    assert SAID[kind] in said and "Payments" in said, poison[0].detail
    for name in ("F1", "F2"):  # not paid while the payment is not booked
        assert a.call("GET", f"/v1/clients/C1/invoices/{name}").body["status"] != "paid"
    world.services.poison.replay(poison[0].client_id, poison[0].action_id, "operator")
    world.host.run_until(world.clock.now() + timedelta(hours=1))
    payments = world.services.repos.payments.list(client.client_id)[0]
    assert len(payments) == 1 and not payments[0].reversed, payments
    p = payments[0]
    assert sum(x.amount for x in p.allocations) == p.amount - p.unallocated
    assert {n: a.call("GET", f"/v1/clients/C1/invoices/{n}").body["status"]
            for n in ("F1", "F2")} == {"F1": "paid", "F2": "paid"}  # fmt: skip
    assert world.host.pending == []
